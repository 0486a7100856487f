using KenShell.Tests.Support;
using Mono.Unix.Native;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// G2: a turn that does not complete leaves no trace. G1: a turn whose
/// output was seen survives. Real processes, real signals, varied moments.
/// </summary>
public sealed class AtomicTurnTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void KillDuringALongRunningTurnLeavesNoTrace()
    {
        using (var shell = Kenshell.Start(_dir.Path))
        {
            Assert.Equal("1", shell.Eval("x = 1"));
            Assert.Equal("'a'", shell.Eval("log = ['a']; log[0]"));
            shell.Send("x = 2; log.push('partial'); globalThis.leaked = true; while (true) {}");
            shell.WaitUntilBusy(TimeSpan.FromMilliseconds(400));
            shell.Kill9();
        }
        KenshellResult r = Kenshell.Run(_dir.Path, "x\nlog.join()\ntypeof leaked\n");
        Assert.Equal(["1", "'a'", "'undefined'"], r.StdoutLines);
    }

    [Fact]
    public void SigintDuringATurnRollsItBackAndTheShellGoesOn()
    {
        using var shell = Kenshell.Start(_dir.Path);
        Assert.Equal("1", shell.Eval("x = 1"));
        shell.Send("x = 2; globalThis.leaked = true; for (;;) {}");
        shell.WaitUntilBusy(TimeSpan.FromMilliseconds(400));
        shell.Signal(Signum.SIGINT);
        Assert.Equal("1", shell.Eval("x"));
        Assert.Equal("'undefined'", shell.Eval("typeof leaked"));
        Assert.Contains("rolled back", shell.WaitForStderr("interrupted"));
        Assert.Equal("3", shell.Eval("x = 3"));
        shell.CloseInput();
        Assert.Equal(0, shell.WaitForExit(Kenshell.DefaultTimeout).ExitCode);

        KenshellResult after = Kenshell.Run(_dir.Path, "x\ntypeof leaked\n");
        Assert.Equal(["3", "'undefined'"], after.StdoutLines);
    }

    [Fact]
    public void SigintDuringAnInfiniteLoopInsideAMicrotaskIsAlsoRolledBack()
    {
        using var shell = Kenshell.Start(_dir.Path);
        Assert.Equal("1", shell.Eval("y = 1"));
        shell.Send("Promise.resolve().then(() => { y = 2; while (true) {} }), 'queued'");
        shell.WaitUntilBusy(TimeSpan.FromMilliseconds(400));
        shell.Signal(Signum.SIGINT);
        Assert.Equal("1", shell.Eval("y"));
    }

    [Fact]
    public void ATurnThatThrowsHasCompletedAndItsEarlierEffectsCommit()
    {
        KenshellResult first = Kenshell.Run(_dir.Path, "z = 1; throw new Error('boom')\n");
        Assert.Equal("Uncaught Error: boom", first.StdoutLines[0]);
        KenshellResult second = Kenshell.Run(_dir.Path, "z\n");
        Assert.Equal(["1"], second.StdoutLines);
    }

    /// <summary>
    /// The crash test: a stream of turns, each appending its number to a
    /// log; kill -9 at random moments; after each restart every turn whose
    /// output was seen is there, and no partial turn is.
    /// </summary>
    [Fact]
    public void RandomKillsNeverLoseASeenTurnNorKeepAPartialOne()
    {
        var random = new Random(20261122);
        long seenMax = 0;
        Kenshell.Run(_dir.Path, "var log = []; var total = 0\n");
        // Frequent background checkpoints, so that kills also land while a
        // checkpoint child is writing and while old files are removed.
        var environment = new Dictionary<string, string> { ["KENSHELL_CHECKPOINT_EVERY"] = "3" };
        for (int round = 0; round < 10; round++)
        {
            using var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], environment);
            // Where the log stands after recovery.
            string state = shell.Eval("log.length + ':' + total + ':' + (log.length === 0 || log[log.length - 1] === log.length)");
            string[] parts = state.Trim('\'').Split(':');
            long length = long.Parse(parts[0]);
            long total = long.Parse(parts[1]);
            Assert.True(length >= seenMax, $"round {round}: turn {seenMax} was seen but only {length} survived");
            Assert.Equal(length * (length + 1) / 2, total); // no partial turn: log and total agree
            Assert.Equal("true", parts[2]);

            // Queue many turns, kill at a random moment while they run.
            for (long i = length + 1; i <= length + 200; i++)
                shell.Send($"log.push({i}); total += {i}; {i}");
            Thread.Sleep(random.Next(5, 400));
            shell.Kill9();
            foreach (string line in shell.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
                seenMax = Math.Max(seenMax, long.Parse(line));
        }
        KenshellResult final = Kenshell.Run(_dir.Path, "log.length >= " + seenMax + "\n");
        Assert.Equal(["true"], final.StdoutLines);
    }

    public void Dispose() => _dir.Dispose();
}
