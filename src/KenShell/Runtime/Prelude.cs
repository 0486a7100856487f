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
/// last. One section is generated rather than kept in prelude/: 705, the
/// sources of the vendored npm packages (build/runtime-npm/vendored.js,
/// embedded under the name prelude/705-vendored.js by the csproj, so the
/// order of names puts it right after 700-modules.js).
/// </remarks>
public static class Prelude
{
    public static string Source { get; } =
        "(function (host) {\n'use strict';\n" + Read("inspect.js") + "\n" + ReadPrelude() + "\n})";

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

    private static string Read(string name, string prefix = "KenShell.Runtime.")
    {
        Assembly assembly = typeof(Prelude).Assembly;
        using Stream stream = assembly.GetManifestResourceStream(prefix + name)
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
