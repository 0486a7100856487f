using KenShell.Engine;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Store;

/// <summary>A checkpoint from another V8 build is refused, naming both, changing nothing.</summary>
public sealed class EngineMismatchTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void ACheckpointFromAnotherEngineWithoutTheWholeHistoryIsRefusedWithBothVersionsNamed()
    {
        // Checkpoints after turns 5, 10, 15 (the exit lets a .checkpoint finish), then the history before turn 10 forgotten.
        for (int run = 0; run < 3; run++) Kenshell.Run(_dir.Path, string.Concat(Enumerable.Range(0, 5).Select(i => $"x = {i}\n")) + ".checkpoint\n");
        Kenshell.Run(_dir.Path, ".forget 10 yes\n");
        Assert.NotEqual(1UL, new StoreLayout(_dir.Path, StoreDirectory.Address).ListLogSegments()[0].FirstTurn);
        const string Foreign = "V8 9.4.146.24-node.20; no-pointer-compression";
        foreach (var (_, path) in _dir.Checkpoints()) ForgeEngine(path, Foreign);
        // The refused process may record its pid in the lock file; no store data changes.
        string before = _dir.Fingerprint(includeLockFile: false);

        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");

        Assert.Equal(4, r.ExitCode);
        Assert.Contains(Foreign, r.Stderr);
        Assert.Contains(JsShell.EngineId, r.Stderr);
        Assert.Contains("cannot be rebuilt by replay", r.Stderr);
        Assert.Equal("", r.Stdout);
        Assert.Equal(before, _dir.Fingerprint(includeLockFile: false));
    }

    private void ForgeEngine(string path, string engine)
    {
        byte[] bytes = File.ReadAllBytes(path);
        CheckpointHeader header = CheckpointHeader.TryParse(bytes, out _)!;
        (header with { Engine = engine }).ToBytes().CopyTo(bytes, 0);
        File.WriteAllBytes(path, bytes);
    }

    [Fact]
    public void AStoreWithItsWholeLogCanBeRebuiltUnderAnotherEngineByReplay()
    {
        // No --keep-log: the history is kept by default; no --rebuild: the migration is automatic.
        Kenshell.Run(_dir.Path, "var r = Math.random(); x = 1\n.checkpoint\nx = 2; var when = Date.now(); r\n");
        string random = Kenshell.Run(_dir.Path, "r\n").StdoutLines[0];
        const string Foreign = "V8 9.4.146.24-node.20; no-pointer-compression";
        foreach (var (_, path) in _dir.Checkpoints()) ForgeEngine(path, Foreign);

        KenshellResult rebuilt = Kenshell.Run(_dir.Path, "x\nr\ntypeof when\n");
        Assert.Equal(0, rebuilt.ExitCode);
        Assert.Equal(["2", random, "'number'"], rebuilt.StdoutLines);
        Assert.Contains("rebuilding the store", rebuilt.Stderr);
        Assert.DoesNotContain("diverged", rebuilt.Stderr);
        Assert.NotEmpty(Directory.GetFiles(_dir.Path, "*.other-engine")); // kept, not deleted

        // From now on it is an ordinary store of this engine.
        Assert.Equal(["2"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
    }

    [Fact]
    public void ACheckpointFromANewerKenshellIsRefusedNotMigrated()
    {
        Kenshell.Run(_dir.Path, "x = 1\n");
        foreach (var (_, path) in _dir.Checkpoints())
        {
            byte[] bytes = File.ReadAllBytes(path);
            CheckpointHeader header = CheckpointHeader.TryParse(bytes, out _)!;
            (header with { HostFunctionCount = header.HostFunctionCount + 100 }).ToBytes().CopyTo(bytes, 0);
            File.WriteAllBytes(path, bytes);
        }
        string before = _dir.Fingerprint(includeLockFile: false);
        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("newer kenshell", r.Stderr);
        Assert.DoesNotContain("migrating", r.Stderr);
        Assert.Equal(before, _dir.Fingerprint(includeLockFile: false));
    }

    [Fact]
    public void WithoutTheGenesisRecordARebuildIsRefusedClearly()
    {
        Kenshell.Run(_dir.Path, "x = 1\n");
        foreach (var (_, path) in _dir.Checkpoints()) ForgeEngine(path, "V8 1.0; no-pointer-compression");
        File.Delete(_dir.File("genesis"));
        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("cannot be rebuilt by replay: there is no genesis file", r.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
