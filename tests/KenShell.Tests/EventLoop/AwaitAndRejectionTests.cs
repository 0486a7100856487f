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
            Thread.Sleep(300);
            shell.Kill9();
        }
        KenshellResult r = Kenshell.Run(_dir.Path, "result\n", "--wait");
        Assert.Equal(["undefined", "42"], r.StdoutLines);
    }

    [Fact]
    public void UnhandledRejectionsAreReportedOnStderrAndTheShellGoesOn()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "Promise.reject(new Error('nobody')); 1\nPromise.reject(2).catch(() => {}); 2\n3\n");
        Assert.Equal(["1", "2", "3"], r.StdoutLines);
        Assert.Contains("Uncaught Error: nobody", r.Stderr);
        Assert.DoesNotContain("Uncaught 2", r.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
