using System.Reflection;

namespace KenShell.Runtime;

/// <summary>
/// The JavaScript runtime installed into every new heap: the value
/// formatter (inspect.js) and the runtime proper (the files of prelude/,
/// concatenated in the order of their names), wrapped into one function the
/// engine calls with the host-function object. Installed once, when a store
/// is created; from then on it lives in the heap and is saved with it.
/// </summary>
/// <remarks>
/// The prelude is split into numbered sections so that each part of the
/// runtime (console, timers, messaging, modules, ...) is a file of its own;
/// they share one function scope, so a later section may use what an
/// earlier one declared, and 900-hooks.js, which returns the hooks, comes
/// last.
/// </remarks>
public static class Prelude
{
    public static string Source { get; } =
        "(function (host) {\n'use strict';\n" + Read("inspect.js") + "\n" + EsmParser() + ReadPrelude() + "\n})";

    private const string PreludePrefix = "KenShell.Runtime.prelude.";

    private static string ReadPrelude()
    {
        string[] names = typeof(Prelude).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(PreludePrefix, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (names.Length == 0) throw new InvalidOperationException("the embedded prelude sections are missing");
        return string.Concat(names.Select(name => Read(name[PreludePrefix.Length..], PreludePrefix)));
    }

    // The ES module parser's source (acorn, embedded by the build) as a
    // string constant: the module loader compiles it in the heap the first
    // time an ES module is parsed, so a store that never imports pays only
    // for the string. null when the build did not embed it.
    private static string EsmParser()
    {
        using Stream? stream = typeof(Prelude).Assembly.GetManifestResourceStream("KenShell.Runtime.esm-parser.acorn.js");
        if (stream is null) return "const ESM_PARSER_SOURCE = null;\n";
        using var reader = new StreamReader(stream);
        return "const ESM_PARSER_SOURCE = " + System.Text.Json.JsonSerializer.Serialize(reader.ReadToEnd()) + ";\n";
    }

    private static string Read(string name, string prefix = "KenShell.Runtime.")
    {
        Assembly assembly = typeof(Prelude).Assembly;
        using Stream stream = assembly.GetManifestResourceStream(prefix + name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
