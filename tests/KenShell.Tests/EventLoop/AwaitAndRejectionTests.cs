using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.EventLoop;

/// <summary>Top-level await across restarts, and unhandled rejections.</summary>
public sealed class AwaitAndRejectionTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void TopLevelAwaitHoldsTheNextInputUntilItSettles()
    {
        KenshellResult r = Kenshell.Run(_dir.Path,
            "var order = []\nawait new Promise(res => setTimeout(() => { order.push('timer'); res('done') }, 300))\norder.push('next'); order.join()\n");
        Assert.Equal(["undefined", "'done'", "'timer,next'"], r.StdoutLines);
    }

    [Fact]
    public void ATopLevelAwaitPendingAtAKillCompletesAfterRestart()
    {
        using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.Send("var result = await new Promise(res => setTimeout(() => res(42), 1500))");
            // A held await prints nothing: watch the log for its turn to be
            // committed, then kill.
            var layout = new KenShell.Store.StoreLayout(_dir.Path, StoreDirectory.Address);
            var deadline = DateTime.UtcNow + Kenshell.DefaultTimeout;
            while (!new KenShell.Store.TurnLogReader(layout, null).Read().Records.Any(r => r.Source.Contains("var result")))
            {
                Assert.True(DateTime.UtcNow < deadline, "the await's turn was never committed");
                Thread.Sleep(10);
            }
            shell.Kill9();
        }
        KenshellResult r = Kenshell.Run(_dir.Path, "result\n", "--wait");
        Assert.Equal(["undefined", "42"], r.StdoutLines);
    }

    [Fact]
    public void UnhandledRejectionsAreReportedAfterTheResultAndTheShellGoesOn()
    {
        // As Node's REPL: in its output, after the input's result.
        KenshellResult r = Kenshell.Run(_dir.Path, "Promise.reject(new Error('nobody')); 1\nPromise.reject(2).catch(() => {}); 2\n3\n");
        Assert.Equal(["1", "Uncaught Error: nobody", "2", "3"], r.StdoutLines);
        Assert.DoesNotContain("Uncaught 2", r.Stdout + r.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
