using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Store;

/// <summary>G6: one writer per store.</summary>
public sealed class LockTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void ASecondKenshellOnTheSameStoreIsRefusedAndChangesNothing()
    {
        using var first = Kenshell.Start(_dir.Path);
        Assert.Equal("1", first.Eval("x = 1"));
        string before = _dir.Fingerprint();

        KenshellResult second = Kenshell.Run(_dir.Path, "x = 2\n");

        Assert.NotEqual(0, second.ExitCode);
        Assert.Contains("in use by another kenshell", second.Stderr);
        Assert.Contains($"pid {first.Pid}", second.Stderr);
        Assert.Equal("", second.Stdout);
        Assert.Equal(before, _dir.Fingerprint());
        Assert.Equal("1", first.Eval("x"));
    }

    [Fact]
    public void ACheckpointChildHoldsNoDescriptorOfTheShellsSoTheLockDiesWithTheShell()
    {
        // A heap big enough for the checkpoint child to be seen at work.
        using var shell = Kenshell.Start(_dir.Path);
        shell.Eval("globalThis.big = Array.from({ length: 1500000 }, (_, i) => ({ i, s: 'x' + i })); 0");
        shell.Send(".checkpoint");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        IReadOnlyList<int> children;
        while ((children = ProcessChildren.Of(shell.Pid)).Count == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no checkpoint child appeared\n" + shell.Stderr);
            Thread.Sleep(2);
        }
        // Everything the child has open: the lock file must not stay among it
        // (an flock lives while any descriptor of it does). Right after the
        // fork it still has the shell's descriptors; it closes them before it
        // starts writing, which on this heap takes seconds.
        int child = children[0];
        var watch = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (HoldsTheLock(child))
        {
            Assert.True(DateTime.UtcNow < watch, "the checkpoint child kept the store lock's descriptor open");
            Thread.Sleep(5);
        }
        Assert.True(Directory.Exists($"/proc/{child}"), "the checkpoint child ended before it could be watched: the heap is too small");
        shell.Kill9();
        KenshellResult again = Kenshell.Run(_dir.Path, "big.length\n");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(["1500000"], again.StdoutLines);
    }

    private static bool HoldsTheLock(int pid)
    {
        try
        {
            foreach (string fd in Directory.EnumerateFiles($"/proc/{pid}/fd"))
            {
                try
                {
                    if ((new FileInfo(fd).LinkTarget ?? "").EndsWith("_lock", StringComparison.Ordinal)) return true;
                }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
        }
        catch (DirectoryNotFoundException) { }
        return false;
    }

    [Fact]
    public void TheLockDiesWithItsProcess()
    {
        using (var first = Kenshell.Start(_dir.Path))
        {
            first.Eval("x = 5");
            first.Kill9();
        }
        KenshellResult again = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(["5"], again.StdoutLines);
    }

    public void Dispose() => _dir.Dispose();
}
