namespace KenShell.Tests.Support;

/// <summary>Where the built kenshell is (build/bin, a sibling of this assembly's build/tests).</summary>
internal static class KenshellPaths
{
    public static string Executable { get; } =
        Environment.GetEnvironmentVariable("KENSHELL_BIN")
        ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "bin", "kenshell"));

    /// <summary>kenv8-plain: a plain V8 isolate of the same libnode (native/tools/plain_v8.cc), the reference for the language.</summary>
    public static string PlainV8 { get; } =
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "native", "kenv8-plain"));

    /// <summary>build/npm/node_modules: real npm packages that ./build.sh test installs (lodash, ms).</summary>
    public static string NpmModules { get; } =
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "npm", "node_modules"));

    /// <summary>A file of the repository (build/tests is two levels below its root).</summary>
    public static string RepositoryFile(string name) => Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", name));

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);
}
