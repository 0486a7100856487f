using System.Reflection;

namespace KenShell.Runtime;

/// <summary>
/// The JavaScript runtime installed into every new heap: the value
/// formatter (inspect.js) and the runtime proper (prelude.js), wrapped into
/// one function the engine calls with the host-function object. Installed
/// once, when a store is created; from then on it lives in the heap and is
/// saved with it.
/// </summary>
public static class Prelude
{
    public static string Source { get; } =
        "(function (host) {\n'use strict';\n" + Read("inspect.js") + "\n" + Read("prelude.js") + "\n})";

    private static string Read(string name)
    {
        Assembly assembly = typeof(Prelude).Assembly;
        using Stream stream = assembly.GetManifestResourceStream($"KenShell.Runtime.{name}")
            ?? throw new InvalidOperationException($"embedded resource {name} is missing");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
