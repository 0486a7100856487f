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

    public void Dispose() => _dir.Dispose();
}
