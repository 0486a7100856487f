using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Store;

/// <summary>Store files: names, --dir, rm ken_* resets, two generations.</summary>
public sealed class StoreFileTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void FilesAreNamedAfterTheAddressInTheWorkingDirectory()
    {
        Kenshell.Run(_dir.Path, "x = 1\n");
        string[] names = Directory.GetFiles(_dir.Path).Select(Path.GetFileName).ToArray()!;
        Assert.NotEmpty(names);
        Assert.All(names, n => Assert.StartsWith("ken_127.0.0.1:6666_", n));
        Assert.Contains("ken_127.0.0.1:6666_lock", names);
    }

    [Fact]
    public void DirOptionChoosesAnotherDirectory()
    {
        using var other = new StoreDirectory();
        Kenshell.Run(_dir.Path, "x = 41\n", "--dir", other.Path);
        Assert.Empty(Directory.GetFiles(_dir.Path));
        Assert.NotEmpty(other.Checkpoints());
        KenshellResult r = Kenshell.Run(_dir.Path, "x + 1\n", "--dir", other.Path);
        Assert.Equal(["42"], r.StdoutLines);
    }

    [Fact]
    public void DifferentAddressesHaveSeparateStores()
    {
        using var a = Kenshell.Start(_dir.Path, "127.0.0.1:7001", []);
        using var b = Kenshell.Start(_dir.Path, "[::1]:7002", []);
        Assert.Equal("'a'", a.Eval("who = 'a'"));
        Assert.Equal("'undefined'", b.Eval("typeof who"));
        Assert.Contains(Directory.GetFiles(_dir.Path), f => Path.GetFileName(f).StartsWith("ken_[::1]:7002_ckpt_", StringComparison.Ordinal));
    }

    [Fact]
    public void RemovingTheStoreFilesGivesAFreshShell()
    {
        Kenshell.Run(_dir.Path, "x = 1\n");
        foreach (string f in Directory.GetFiles(_dir.Path, "ken_*")) File.Delete(f);
        KenshellResult r = Kenshell.Run(_dir.Path, "typeof x\n");
        Assert.Equal(["'undefined'"], r.StdoutLines);
    }

    [Fact]
    public void TwoGenerationsAndExponentiallySpacedOlderCheckpointsAreKeptWithTheWholeLog()
    {
        // Eight runs of five turns, each ending with a checkpoint (the exit
        // gives it time to finish): checkpoints of turns 5, 10, ..., 40.
        var every = new Dictionary<string, string> { ["KENSHELL_CHECKPOINT_EVERY"] = "5" };
        for (int run = 0; run < 8; run++)
            Kenshell.RunWith(every, _dir.Path, string.Concat(Enumerable.Range(run * 5 + 1, 5).Select(i => $"v = {i}\n")) + ".checkpoint\n");
        var checkpoints = _dir.Checkpoints();
        Assert.True(checkpoints[0].Turn >= 30, string.Join(", ", checkpoints));
        Assert.True(checkpoints[0].Turn > checkpoints[1].Turn);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
        // Turn 0 and a few in between for time travel; not one per turn.
        Assert.Equal(0UL, checkpoints[^1].Turn);
        Assert.InRange(checkpoints.Count, 3, 16);

        // The log is the history: it reaches back to turn 1.
        var layout = new KenShell.Store.StoreLayout(_dir.Path, StoreDirectory.Address);
        Assert.Equal(1UL, layout.ListLogSegments()[0].FirstTurn);

        // Every generation is usable: even with the newest gone, nothing is lost.
        File.Delete(checkpoints[0].Path);
        Assert.Equal(["40"], Kenshell.Run(_dir.Path, "v\n").StdoutLines);
    }

    [Fact]
    public void KeepForHistoryThinsOlderCheckpointsExponentiallyAndKeepsTurn0()
    {
        var all = Enumerable.Range(0, 1001).Select(i => (ulong)i * 10).ToList();
        var kept = new List<ulong> { all[0], all[1] };
        // As the store grows, each new checkpoint prunes the older ones.
        for (int n = 2; n < all.Count; n++)
        {
            ulong newest = all[n];
            kept.Add(newest);
            foreach (ulong c in kept.Where(c => c < all[n - 1]).ToList())
                if (!KenShell.Store.CheckpointStore.KeepForHistory(c, newest, kept, 10)) kept.Remove(c);
        }
        Assert.Contains(0UL, kept);
        Assert.InRange(kept.Count, 8, 30);
        // Any turn has a kept checkpoint before it no further back than about its age.
        foreach (ulong t in new ulong[] { 5, 100, 1000, 5000, 9000, 9990 })
        {
            ulong before = kept.Where(c => c <= t).Max();
            Assert.True(t - before <= Math.Max(20, 10000 - t), $"turn {t}: nearest kept checkpoint {before}; kept {string.Join(",", kept)}");
        }
    }

    [Fact]
    public void BadAddressIsAClearError()
    {
        KenshellResult r = Kenshell.RunAt(_dir.Path, "../../etc:1", "");
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("not an address", r.Stderr);
        Assert.Empty(Directory.GetFiles(_dir.Path));
    }

    public void Dispose() => _dir.Dispose();
}
