namespace KenShell.Bench;

/// <summary>Where the kenshell repository is, seen from this benchmark's build output.</summary>
public static class RepoRoot
{
    /// <summary>
    /// The nearest folder above this assembly that holds KenShell.sln (the
    /// benchmark runs from build/bench/, but may be copied elsewhere).
    /// </summary>
    public static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KenShell.sln"))) return dir.FullName;
        }
        return null;
    }

    /// <summary>build/bin/kenshell in the repository, or null when no repository was found.</summary>
    public static string? DefaultKenshell() =>
        Find() is { } root ? Path.Combine(root, "build", "bin", "kenshell") : null;
}
