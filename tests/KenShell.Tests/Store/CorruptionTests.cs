using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Store;

/// <summary>
/// G5: a damaged store file is detected by checksum, reported, kept (never
/// silently deleted), and recovery continues from the newest good state.
/// Each failure mode is named.
/// </summary>
public sealed class CorruptionTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    public enum Damage { Truncated, ZeroLength, BitFlipInHeader, BitFlipInSnapshot, BitFlipInLastByte, Extended, Garbage }

    private void MakeStore()
    {
        // Two checkpoint generations (turn 0 and turn 1 = after x = 1) and
        // the log of turns 1 and 2 (x = 2).
        Kenshell.Run(_dir.Path, "x = 1\n.checkpoint\nx = 2\n");
        Assert.Equal([1ul, 0ul], _dir.Checkpoints().Select(c => c.Turn));
    }

    private static void Apply(string path, Damage damage)
    {
        byte[] bytes = File.ReadAllBytes(path);
        switch (damage)
        {
            case Damage.Truncated: File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]); break;
            case Damage.ZeroLength: File.WriteAllBytes(path, []); break;
            case Damage.BitFlipInHeader: bytes[20] ^= 0x04; File.WriteAllBytes(path, bytes); break;
            case Damage.BitFlipInSnapshot: bytes[bytes.Length / 2] ^= 0x10; File.WriteAllBytes(path, bytes); break;
            case Damage.BitFlipInLastByte: bytes[^1] ^= 0x01; File.WriteAllBytes(path, bytes); break;
            case Damage.Extended: File.WriteAllBytes(path, [.. bytes, 0, 1, 2]); break;
            case Damage.Garbage: File.WriteAllBytes(path, System.Text.Encoding.ASCII.GetBytes("not a checkpoint at all, just text\n")); break;
        }
    }

    [Theory]
    [InlineData(Damage.Truncated)]
    [InlineData(Damage.ZeroLength)]
    [InlineData(Damage.BitFlipInHeader)]
    [InlineData(Damage.BitFlipInSnapshot)]
    [InlineData(Damage.BitFlipInLastByte)]
    [InlineData(Damage.Extended)]
    [InlineData(Damage.Garbage)]
    public void DamagedNewestCheckpointIsReportedKeptAndTheOlderOneUsedWithTheLog(Damage damage)
    {
        MakeStore();
        var (newestTurn, newest) = _dir.Checkpoints()[0];
        Apply(newest, damage);
        byte[] damagedBytes = File.ReadAllBytes(newest);

        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["2"], r.StdoutLines);          // the previous generation + the log: nothing lost
        Assert.Contains($"ckpt_{newestTurn} is damaged", r.Stderr);
        Assert.Contains("2 turns replayed", r.Stderr);
        string kept = newest + ".damaged";
        Assert.True(File.Exists(kept), "the damaged file must be kept");
        Assert.Equal(damagedBytes, File.ReadAllBytes(kept));
    }

    [Fact]
    public void DamagedOlderCheckpointCostsNothing()
    {
        MakeStore();
        Apply(_dir.Checkpoints()[1].Path, Damage.BitFlipInSnapshot);
        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(["2"], r.StdoutLines);
    }

    [Fact]
    public void WhenEveryCheckpointIsDamagedTheStateIsRebuiltFromTheKeptHistoryAndTheyAreKept()
    {
        MakeStore();
        foreach (var (_, path) in _dir.Checkpoints()) Apply(path, Damage.BitFlipInSnapshot);
        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["2"], r.StdoutLines);
        Assert.Contains("rebuilding the state from the kept history", r.Stderr);
        Assert.Equal(2, Directory.GetFiles(_dir.Path, "*ckpt_*.damaged").Length);
    }

    [Fact]
    public void WhenEveryCheckpointIsDamagedAndNoGenesisTheShellStartsFreshLoudlyAndKeepsThem()
    {
        MakeStore();
        foreach (var (_, path) in _dir.Checkpoints()) Apply(path, Damage.BitFlipInSnapshot);
        File.Delete(_dir.File("genesis"));
        KenshellResult r = Kenshell.Run(_dir.Path, "typeof x\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["'undefined'"], r.StdoutLines);
        Assert.Contains("no intact checkpoint", r.Stderr);
        Assert.Equal(2, Directory.GetFiles(_dir.Path, "*ckpt_*.damaged").Length);
        Assert.NotEmpty(Directory.GetFiles(_dir.Path, "*log_*.damaged")); // the log is kept too
    }

    [Fact]
    public void AnUnfinishedTemporaryFileIsRemovedWithANote()
    {
        MakeStore();
        string tmp = _dir.File("ckpt_99.tmp");
        File.WriteAllBytes(tmp, [1, 2, 3]);
        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(["2"], r.StdoutLines);
        Assert.False(File.Exists(tmp));
        Assert.Contains("unfinished checkpoint", r.Stderr);
    }

    [Fact]
    public void ACheckpointFromAnotherStoreIsRecognisedAndSetAside()
    {
        MakeStore();
        using var other = new StoreDirectory();
        Kenshell.Run(other.Path, "x = 'stranger'\n.checkpoint\nx = 'stranger 2'\n.checkpoint\n");
        // The stranger's newest checkpoint, under a turn number newer than ours.
        File.Copy(other.Checkpoints()[0].Path, _dir.File("ckpt_50"));
        byte[] bytes = File.ReadAllBytes(_dir.File("ckpt_50"));
        var header = CheckpointHeader.TryParse(bytes, out _)!;
        (header with { Turn = 50 }).ToBytes().CopyTo(bytes, 0);
        File.WriteAllBytes(_dir.File("ckpt_50"), bytes);

        KenshellResult r = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(["2"], r.StdoutLines);
        Assert.Contains("belongs to another store", r.Stderr);
        Assert.True(File.Exists(_dir.File("ckpt_50.damaged")), "the stranger's file is kept");
    }

    [Fact]
    public void VerifyRejectsEveryTruncationOfAFile()
    {
        MakeStore();
        var (turn, path) = _dir.Checkpoints()[0];
        byte[] bytes = File.ReadAllBytes(path);
        Assert.Null(CheckpointStore.Verify(bytes, turn, out _));
        var random = new Random(7);
        for (int i = 0; i < 200; i++)
        {
            int length = i < 300 ? Math.Min(i * 3, bytes.Length - 1) : random.Next(bytes.Length);
            Assert.NotNull(CheckpointStore.Verify(bytes.AsSpan(0, length), turn, out _));
        }
        for (int i = 0; i < 200; i++)
        {
            byte[] copy = (byte[])bytes.Clone();
            copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
            Assert.NotNull(CheckpointStore.Verify(copy, turn, out _));
        }
    }

    public void Dispose() => _dir.Dispose();
}
