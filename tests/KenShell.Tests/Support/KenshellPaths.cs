namespace KenShell.Tests.Support;

/// <summary>Where the built kenshell is (build/bin, a sibling of this assembly's build/tests).</summary>
internal static class KenshellPaths
{
    public static string Executable { get; } =
        Environment.GetEnvironmentVariable("KENSHELL_BIN")
        ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "bin", "kenshell"));

    public static string Fixture(string name) => Path.Combine(AppContext.BaseDirectory, "fixtures", name);
}
