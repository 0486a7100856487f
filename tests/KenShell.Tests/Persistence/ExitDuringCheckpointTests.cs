using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// End of input while a background checkpoint of a big heap is being written:
/// the shell exits without waiting for it (it used to wait in silence, 22 s
/// at 200 MB). The checkpoint is abandoned: its writer is killed and reaped,
/// its .tmp file removed, and the store reopens with every turn from the log.
/// </summary>
public sealed class ExitDuringCheckpointTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void EndOfInputAbandonsACheckpointBeingWrittenAndLosesNoTurn()
    {
        int writer;
        KenshellResult r;
        using (var shell = Kenshell.Start(_dir.Path))
        {
            // About 150 MB of heap: its checkpoint takes seconds (7 s at
            // 200 MB in the benchmark), far more than the shell waits at exit.
            Assert.Equal("0", shell.Eval("var big = Array.from({ length: 2.4e6 }, (_, i) => ({ i, s: 'v' + i })); 0"));
            Assert.Equal("1", shell.Eval("x = 1"));
            shell.Send(".checkpoint");
            // Either this command's checkpoint or one the policy started.
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (ProcessChildren.Of(shell.Pid).Count == 0 && DateTime.UtcNow < deadline) Thread.Sleep(2);
            writer = Assert.Single(ProcessChildren.Of(shell.Pid));
            Assert.Equal("2", shell.Eval("x = 2"));
            shell.CloseInput();
            r = shell.WaitForExit(Kenshell.DefaultTimeout);
        }
        Assert.Equal(0, r.ExitCode);
        // Had the shell waited, the checkpoint would be in place now. It is
        // not, its writer is gone (killed and reaped, not orphaned), and
        // nothing half-written is left.
        Assert.Contains("was still being written at exit; abandoned it", r.Stderr);
        Assert.Equal([0UL], _dir.Checkpoints().Select(c => c.Turn));
        Assert.False(Directory.Exists($"/proc/{writer}"), $"checkpoint writer {writer} outlived the shell");
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));

        KenshellResult again = Kenshell.Run(_dir.Path, "x\nbig.length\n");
        Assert.Equal(["2", "2400000"], again.StdoutLines);
        Assert.Contains("restored turn 3:", again.Stderr);
        Assert.DoesNotContain("damaged", again.Stderr);
        Assert.DoesNotContain("removing", again.Stderr); // no leftover .tmp to clean up
    }

    public void Dispose() => _dir.Dispose();
}
