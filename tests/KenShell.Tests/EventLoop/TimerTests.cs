using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.EventLoop;

/// <summary>
/// Timers live in the heap: they survive kill -9, fire once at their due
/// time (at once if overdue), and every firing is a turn of its own.
/// </summary>
public sealed class TimerTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private static long Number(string printed) => long.Parse(printed.Trim('\''));

    [Fact]
    public void ATimeoutPendingAcrossKillFiresOnceAtItsTime()
    {
        using (var shell = Kenshell.Start(_dir.Path))
        {
            Assert.Equal("0", shell.Eval("var fired = []; var setAt = Date.now(); setTimeout(() => { fired.push(Date.now()); console.log('fired') }, 1500); 0"));
            shell.Kill9();
        }
        // Restarted before it is due: it fires once, not before its time.
        KenshellResult r = Kenshell.Run(_dir.Path, "", "--wait");
        Assert.Equal(["fired"], r.StdoutLines);
        KenshellResult check = Kenshell.Run(_dir.Path, "fired.length\nfired[0] - setAt >= 1500\n");
        Assert.Equal(["1", "true"], check.StdoutLines);
        Thread.Sleep(300);
        Assert.Equal(["1"], Kenshell.Run(_dir.Path, "fired.length\n", "--wait").StdoutLines);
    }

    [Fact]
    public void AnOverdueTimeoutFiresAtOnceAfterRestart()
    {
        using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.Eval("var done = false; setTimeout(() => { done = true }, 300); 0");
            shell.Kill9();
        }
        Thread.Sleep(800);
        KenshellResult r = Kenshell.Run(_dir.Path, "", "--wait");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["true"], Kenshell.Run(_dir.Path, "done\n").StdoutLines);
    }

    [Fact]
    public void AnIntervalKeepsCountingAcrossKillWithoutABurstForMissedPeriods()
    {
        const int Period = 400;
        long before;
        using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.Eval($"var count = 0; var iv = setInterval(() => {{ count++ }}, {Period}); 0");
            before = WaitForCount(shell, 2);
            shell.Kill9();
        }
        Thread.Sleep(8 * Period); // about 8 periods missed
        using (var shell = Kenshell.Start(_dir.Path))
        {
            var sinceStart = System.Diagnostics.Stopwatch.StartNew();
            long first = Number(shell.Eval("count"));
            // Coalesced: one firing for all the missed periods, plus at most
            // the periods that really passed since this process started.
            long allowed = before + 1 + (long)(sinceStart.ElapsedMilliseconds / Period) + 1;
            Assert.True(first >= before, "no committed firing may be lost");
            Assert.True(first <= allowed, $"missed periods must be coalesced: {before} before the kill, {first} just after restart (allowed {allowed})");
            long later = WaitForCount(shell, first + 1);
            Assert.True(later > first, "the interval must go on after restart");
            shell.Eval("clearInterval(iv)");
        }
    }

    private static long WaitForCount(Kenshell shell, long atLeast)
    {
        var deadline = DateTime.UtcNow + Kenshell.DefaultTimeout;
        while (true)
        {
            long count = Number(shell.Eval("count"));
            if (count >= atLeast) return count;
            Assert.True(DateTime.UtcNow < deadline, $"count stayed at {count}");
            Thread.Sleep(50);
        }
    }

    [Fact]
    public void ClearTimeoutAfterRestartCancelsATimerCreatedBefore()
    {
        using (var shell = Kenshell.Start(_dir.Path))
        {
            // Due long after the restart has read its first input, even on a
            // loaded machine (at 1 s, a slow restart let it fire first).
            shell.Eval("var t = setTimeout(() => console.log('must not fire'), 15000); 0");
            shell.Kill9();
        }
        KenshellResult r = Kenshell.Run(_dir.Path, "clearTimeout(t)\nsetTimeout(() => console.log('other'), 300); 0\n", "--wait");
        Assert.Equal(["undefined", "0", "other"], r.StdoutLines);
    }

    [Fact]
    public void PendingTimersDoNotKeepANonInteractiveShellAliveButWaitDoes()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        KenshellResult r = Kenshell.Run(_dir.Path, "setTimeout(() => console.log('later'), 60000); 0\n");
        Assert.Equal(["0"], r.StdoutLines);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));

        KenshellResult waited = Kenshell.Run(_dir.Path, "clearTimeout(1); setTimeout(() => console.log('soon'), 300); 1\n", "--wait");
        Assert.Equal(["1", "soon"], waited.StdoutLines);
    }

    [Fact]
    public void EachFiringIsItsOwnDurableTurn()
    {
        long seen = 0;
        using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.Eval("var ticks = 0; setInterval(() => { ticks++; console.log('tick ' + ticks) }, 50); 0");
            // Kill right after a firing's output is seen: that firing survived.
            for (int i = 0; i < 5; i++) seen = long.Parse(shell.ReadLine().Split(' ')[1]);
            shell.Kill9();
        }
        string[] lines = Kenshell.Run(_dir.Path, "'ticks=' + ticks\n").StdoutLines;
        long after = long.Parse(lines.Single(l => l.StartsWith("'ticks=", StringComparison.Ordinal))[7..^1]);
        Assert.True(after >= seen, $"tick {seen} was seen but ticks is {after} after restart");
    }

    [Fact]
    public void ATimerCallbackInterruptedByCtrlCIsRolledBackAndCancelled()
    {
        using var shell = Kenshell.Start(_dir.Path);
        Assert.Equal("1", shell.Eval("y = 1"));
        Assert.Equal("0", shell.Eval("setTimeout(() => { y = 2; while (true) {} }, 100); setTimeout(() => console.log('still here'), 400); 0"));
        shell.WaitUntilBusy(TimeSpan.FromMilliseconds(300));
        shell.Signal(Mono.Unix.Native.Signum.SIGINT);
        Assert.Contains("timer cancelled", shell.WaitForStderr("timer callback was interrupted"));
        Assert.Equal("still here", shell.ReadLine()); // the other timer is unaffected
        Assert.Equal("1", shell.Eval("y"));
        shell.Kill9();
        Assert.Equal(["1"], Kenshell.Run(_dir.Path, "y\n", "--wait").StdoutLines);
    }

    [Fact]
    public void NodeArgumentConventionsAndErrors()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, string.Join("\n",
            "setTimeout((a, b) => console.log(a + b), 300, 'x', 'y'); 0",
            "setTimeout('code')",
            "queueMicrotask(() => console.log('micro')); 'sync'",
            "typeof setImmediate(() => console.log('immediate'))",
            "") , "--wait");
        string[] lines = r.StdoutLines;
        Assert.Equal("0", lines[0]);
        // As Node's REPL prints it (Node adds a frame inside node:timers).
        int uncaught = Array.IndexOf(lines, "Uncaught:");
        Assert.True(uncaught > 0, r.Stdout);
        Assert.Equal("[TypeError [ERR_INVALID_ARG_TYPE]: The \"callback\" argument must be of type function. Received type string ('code')] {", lines[uncaught + 1]);
        Assert.Contains("  code: 'ERR_INVALID_ARG_TYPE'", lines);
        int micro = Array.IndexOf(lines, "micro");
        Assert.True(micro > 0 && lines[micro - 1] == "'sync'", r.Stdout); // the microtask runs within its turn, after the result is printed (as Node)
        Assert.Contains("xy", lines);
        Assert.Contains("immediate", lines);
    }

    public void Dispose() => _dir.Dispose();
}
