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
    public void ACheckpointFromAnotherEngineIsRefusedWithBothVersionsNamed()
    {
        Kenshell.Run(_dir.Path, "x = 1\nx = 2\n");
        var (turn, path) = _dir.Checkpoints()[0];
        byte[] bytes = File.ReadAllBytes(path);
        CheckpointHeader header = CheckpointHeader.TryParse(bytes, out _)!;
        const string Foreign = "V8 9.4.146.24-node.20; no-pointer-compression";
        byte[] forged = (header with { Engine = Foreign }).ToBytes();
        forged.CopyTo(bytes, 0);
        File.WriteAllBytes(path, bytes);
        Assert.Null(CheckpointStore.Verify(bytes, turn, out _)); // checksums are valid: only the engine differs
        // The refused process may record its pid in the lock file; no store data changes.
        string before = _dir.Fingerprint(includeLockFile: false);

        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");

        Assert.Equal(4, r.ExitCode);
        Assert.Contains(Foreign, r.Stderr);
        Assert.Contains(JsShell.EngineId, r.Stderr);
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
        Kenshell.Run(_dir.Path, "var r = Math.random(); x = 1\n.checkpoint\nx = 2; var when = Date.now(); r\n", "--keep-log");
        string random = Kenshell.Run(_dir.Path, "r\n").StdoutLines[0];
        const string Foreign = "V8 9.4.146.24-node.20; no-pointer-compression";
        foreach (var (_, path) in _dir.Checkpoints()) ForgeEngine(path, Foreign);

        KenshellResult refused = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(4, refused.ExitCode);
        Assert.Contains("--rebuild", refused.Stderr);

        KenshellResult rebuilt = Kenshell.Run(_dir.Path, "x\nr\ntypeof when\n", "--rebuild");
        Assert.Equal(0, rebuilt.ExitCode);
        Assert.Equal(["2", random, "'number'"], rebuilt.StdoutLines);
        Assert.Contains("rebuilding the store", rebuilt.Stderr);
        Assert.DoesNotContain("diverged", rebuilt.Stderr);
        Assert.NotEmpty(Directory.GetFiles(_dir.Path, "*.other-engine")); // kept, not deleted

        // From now on it is an ordinary store of this engine.
        Assert.Equal(["2"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
    }

    [Fact]
    public void WithoutTheGenesisRecordARebuildIsRefusedClearly()
    {
        Kenshell.Run(_dir.Path, "x = 1\n", "--keep-log");
        foreach (var (_, path) in _dir.Checkpoints()) ForgeEngine(path, "V8 1.0; no-pointer-compression");
        File.Delete(_dir.File("genesis"));
        KenshellResult r = Kenshell.Run(_dir.Path, "x\n", "--rebuild");
        Assert.Equal(4, r.ExitCode);
        Assert.Contains("cannot be rebuilt by replay: there is no genesis file", r.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
