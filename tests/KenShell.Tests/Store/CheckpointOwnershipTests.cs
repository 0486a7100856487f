using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Store;

/// <summary>
/// Which files are this store's checkpoints: only canonical names; a stranger's
/// checkpoint is set aside as one, whatever engine wrote it; and pruning deletes an
/// older file only when its header says it is this store's (S13: nothing that might be
/// someone's data is deleted).
/// </summary>
public sealed class CheckpointOwnershipTests : IDisposable
{
    private const string ForeignEngine = "V8 9.4.146.24-node.20; no-pointer-compression";
    private readonly StoreDirectory _dir = new();
    private readonly StoreDirectory _other = new();

    public void Dispose()
    {
        _dir.Dispose();
        _other.Dispose();
    }

    [Fact]
    public void OnlyCanonicalNamesAreCheckpoints()
    {
        var layout = new StoreLayout(_dir.Path, StoreDirectory.Address);
        foreach (string name in new[] { "ckpt_5", "ckpt_05", "ckpt_0", "ckpt_00", "ckpt_+7", "ckpt_7.tmp", "ckpt_7.damaged" })
            File.WriteAllBytes(_dir.File(name), [1]);
        Assert.Equal([(5UL, _dir.File("ckpt_5")), (0UL, _dir.File("ckpt_0"))], layout.ListCheckpoints());
    }

    private static readonly Dictionary<string, string> Every = new() { ["KENSHELL_CHECKPOINT_EVERY"] = "1" };

    /// <summary>
    /// Runs turns (a checkpoint after each, in the background) until the newest
    /// checkpoint is at least <paramref name="turn"/>: on a loaded machine a run may end
    /// before its checkpoints do. Returns the value of v.
    /// </summary>
    private static int RunUntilCheckpointAtLeast(StoreDirectory dir, ulong turn, int v = 0)
    {
        for (int round = 0; round < 8 && (dir.Checkpoints().Count == 0 || dir.Checkpoints()[0].Turn < turn); round++)
        {
            Kenshell.RunWith(Every, dir.Path, string.Concat(Enumerable.Range(v + 1, 6).Select(i => $"v = {i}\n")));
            v += 6;
        }
        Assert.True(dir.Checkpoints()[0].Turn >= turn, $"no checkpoint at turn {turn} or later was written");
        return v;
    }

    [Fact]
    public void AStrangersCheckpointIsSetAsideEvenWhenAnotherEngineWroteIt()
    {
        Assert.Equal(["1"], Kenshell.Run(_dir.Path, "x = 1\n").StdoutLines);
        ulong ours = _dir.Checkpoints()[0].Turn;
        // Another store's checkpoint, newer than ours, from another engine.
        RunUntilCheckpointAtLeast(_other, ours + 1);
        (ulong turn, string path) = _other.Checkpoints()[0];
        byte[] bytes = File.ReadAllBytes(path);
        CheckpointHeader header = CheckpointHeader.TryParse(bytes, out _)!;
        (header with { Engine = ForeignEngine }).ToBytes().CopyTo(bytes, 0);
        File.WriteAllBytes(_dir.File($"ckpt_{turn}"), bytes);

        KenshellResult r = Kenshell.Run(_dir.Path, "x + 1\n");

        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["2"], r.StdoutLines);
        Assert.Contains("belongs to another store", r.Stderr);
        Assert.False(File.Exists(_dir.File($"ckpt_{turn}")));
        Assert.Equal(bytes, File.ReadAllBytes(_dir.File($"ckpt_{turn}.damaged")));
    }

    [Fact]
    public void PruningSetsAsideAnOlderFileThatIsNotThisStoresInsteadOfDeletingIt()
    {
        // Far enough that free names remain below the newest checkpoint: time
        // travel keeps older checkpoints, exponentially spaced (about log2 of the turn).
        int v = RunUntilCheckpointAtLeast(_dir, 12);
        ulong newest = _dir.Checkpoints()[0].Turn;
        // Under free names older than the newest checkpoint (which the next run loads
        // and keeps as its older generation): a stranger's checkpoint, and garbage.
        List<ulong> free = Enumerable.Range(0, (int)newest).Select(t => (ulong)t).Where(t => !File.Exists(_dir.File($"ckpt_{t}"))).Take(2).ToList();
        Assert.Equal(2, free.Count);
        Kenshell.Run(_other.Path, "y = 1\n");
        byte[] stranger = File.ReadAllBytes(_other.Checkpoints()[^1].Path);
        File.WriteAllBytes(_dir.File($"ckpt_{free[0]}"), stranger);
        byte[] garbage = [1, 2, 3];
        File.WriteAllBytes(_dir.File($"ckpt_{free[1]}"), garbage);

        // Until a checkpoint of the next run is in place and has pruned.
        v = RunUntilCheckpointAtLeast(_dir, newest + 1, v);

        // Older checkpoints may stay for time travel (issue #16), but only this store's.
        byte[] ourId = CheckpointHeader.TryParse(File.ReadAllBytes(_dir.Checkpoints()[0].Path), out _)!.StoreId;
        Assert.All(_dir.Checkpoints(), c => Assert.True(
            CheckpointHeader.TryParse(File.ReadAllBytes(c.Path), out _) is { } h && h.StoreId.AsSpan().SequenceEqual(ourId),
            $"ckpt_{c.Turn} is not this store's and should have been set aside"));
        Assert.False(File.Exists(_dir.File($"ckpt_{free[0]}")));
        Assert.False(File.Exists(_dir.File($"ckpt_{free[1]}")));
        Assert.Equal(stranger, File.ReadAllBytes(_dir.File($"ckpt_{free[0]}.damaged")));
        Assert.Equal(garbage, File.ReadAllBytes(_dir.File($"ckpt_{free[1]}.damaged")));
        Assert.Equal([v.ToString(System.Globalization.CultureInfo.InvariantCulture)], Kenshell.Run(_dir.Path, "v\n").StdoutLines);
    }
}
