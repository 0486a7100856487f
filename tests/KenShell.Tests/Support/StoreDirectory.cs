namespace KenShell.Tests.Support;

/// <summary>A temporary directory for one test's store; removed afterwards.</summary>
public sealed class StoreDirectory : IDisposable
{
    public const string Address = "127.0.0.1:6666";

    public StoreDirectory()
    {
        Path = Directory.CreateTempSubdirectory("kenshell-test-").FullName;
    }

    public string Path { get; }

    public string Prefix => $"ken_{Address}_";

    public string File(string suffix) => System.IO.Path.Combine(Path, Prefix + suffix);

    /// <summary>Checkpoint files (ken_ADDR_ckpt_N), as (turn, path), newest first.</summary>
    public IReadOnlyList<(ulong Turn, string Path)> Checkpoints()
    {
        var list = new List<(ulong, string)>();
        foreach (string f in Directory.EnumerateFiles(Path, Prefix + "ckpt_*"))
        {
            string suffix = System.IO.Path.GetFileName(f).Substring((Prefix + "ckpt_").Length);
            if (ulong.TryParse(suffix, out ulong turn)) list.Add((turn, f));
        }
        list.Sort((a, b) => b.Item1.CompareTo(a.Item1));
        return list;
    }

    /// <summary>Name, size and last-write time of every file: a fingerprint to prove nothing changed.</summary>
    public string Fingerprint(bool includeLockFile = true) => string.Join("\n",
        Directory.EnumerateFiles(Path).Where(f => includeLockFile || !f.EndsWith("_lock", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Select(f =>
        {
            var info = new FileInfo(f);
            // The lock file is flock'ed by a running kenshell; .NET's readers
            // would ask for a shared flock and fail, so it is not hashed.
            string hash = info.Name.EndsWith("_lock", StringComparison.Ordinal)
                ? "-"
                : Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.IO.File.ReadAllBytes(f)));
            return $"{info.Name} {info.Length} {info.LastWriteTimeUtc.Ticks} {hash}";
        }));

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
