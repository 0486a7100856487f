namespace KenShell.Tests.Support;

/// <summary>
/// A directory a kenshell runs in (its working directory, where `require`
/// resolves from at the prompt), with the store kept apart in
/// <see cref="Store"/>, so that tests can change or delete the modules
/// without touching the store. Removed afterwards.
/// </summary>
public sealed class ModuleProject : IDisposable
{
    private readonly string _root;

    public ModuleProject()
    {
        // The real path: kenshell names modules by their real paths.
        _root = Path.GetFullPath(Directory.CreateTempSubdirectory("kenshell-modules-").FullName);
        _root = new DirectoryInfo(_root).ResolveLinkTarget(true)?.FullName ?? _root;
        Dir = System.IO.Path.Combine(_root, "project");
        Store = System.IO.Path.Combine(_root, "store");
        Directory.CreateDirectory(Dir);
        Directory.CreateDirectory(Store);
    }

    /// <summary>The project directory (kenshell's working directory).</summary>
    public string Dir { get; }

    /// <summary>The store directory (--dir).</summary>
    public string Store { get; }

    public string File(string relative) => System.IO.Path.Combine(Dir, relative);

    public void Write(string relative, string text)
    {
        string path = File(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, text);
    }

    /// <summary>Copies a directory tree into the project (at <paramref name="relative"/>).</summary>
    public void CopyFrom(string source, string relative = "")
    {
        string target = relative == "" ? Dir : File(relative);
        foreach (string dir in Directory.EnumerateDirectories(source, "*", SearchOption.AllDirectories))
            Directory.CreateDirectory(System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, dir)));
        Directory.CreateDirectory(target);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            System.IO.File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetRelativePath(source, file)), overwrite: true);
    }

    public Kenshell Start(params string[] extraArgs) =>
        Kenshell.Start(Dir, StoreDirectory.Address, ["--dir", Store, .. extraArgs]);

    public KenshellResult Run(string input)
    {
        using Kenshell shell = Start();
        shell.Send(input);
        shell.CloseInput();
        return shell.WaitForExit(Kenshell.DefaultTimeout);
    }

    /// <summary>The turn-log segment files of the store.</summary>
    public IReadOnlyList<string> LogSegments() =>
        Directory.EnumerateFiles(Store, $"ken_{StoreDirectory.Address}_log_*").Order(StringComparer.Ordinal).ToList();

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
