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
    public void TwoGenerationsOfCheckpointsAreKept()
    {
        Kenshell.Run(_dir.Path, string.Concat(Enumerable.Range(1, 12).Select(i => $"v = {i}\n")));
        var checkpoints = _dir.Checkpoints();
        Assert.Equal(2, checkpoints.Count);
        Assert.Equal(checkpoints[0].Turn - 1, checkpoints[1].Turn);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
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
