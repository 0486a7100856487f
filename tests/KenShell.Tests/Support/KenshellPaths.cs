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

    /// <summary>build/deps/libnode-alt/REVISION: the other Debian revisions of libnode108 with the same V8 that ./build.sh test unpacks.</summary>
    public static string AlternativeLibnodes { get; } =
        Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "deps", "libnode-alt"));

    /// <summary>The revision of libnode108 kenshell was built with (build/deps/libnode/.version).</summary>
    public static string BuiltLibnodeRevision =>
        File.ReadAllText(Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "deps", "libnode", ".version"))).Trim();

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);
}
