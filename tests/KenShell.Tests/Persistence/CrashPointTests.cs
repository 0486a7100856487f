using KenShell.Store;
using KenShell.Tests.Support;
using Mono.Unix.Native;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// kill -9 at named points of the durability protocol (KENSHELL_CRASH_AT,
/// see src/KenShell/Store/FaultInjection.cs), SQLite-style: after each
/// crash every turn whose output was seen is there, no turn appears that
/// was never run, and the store goes on working.
/// </summary>
public sealed class CrashPointTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    public static TheoryData<string, int> Points() => new()
    {
        { FaultInjection.LogBeforeSync, 1 },
        { FaultInjection.LogBeforeSync, 7 },
        { FaultInjection.LogAfterSync, 1 },
        { FaultInjection.LogAfterSync, 9 },
        { FaultInjection.CheckpointBeforeRename, 1 },
        { FaultInjection.CheckpointBeforeRename, 3 },
        { FaultInjection.CheckpointAfterRename, 1 },
        { FaultInjection.CheckpointAfterRename, 4 },
        { FaultInjection.DuringPruning, 1 },
        { FaultInjection.DuringPruning, 3 },
    };

    [Theory]
    [MemberData(nameof(Points))]
    public void EverySeenTurnSurvivesACrashAtThisPoint(string point, int hit)
    {
        Kenshell.Run(_dir.Path, "var log = []\n");
        var environment = new Dictionary<string, string>
        {
            ["KENSHELL_CRASH_AT"] = $"{point}:{hit}",
            ["KENSHELL_CHECKPOINT_EVERY"] = "2",
        };
        long seen = 0;
        long sent = 0;
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], environment))
        {
            try
            {
                for (long i = 1; i <= 300; i++)
                {
                    sent = i;
                    // A little work per turn so that background checkpoints
                    // overlap turns and the pruning points are reached.
                    string result = shell.Eval($"log.push({i}); for (let k = 0; k < 2e5; k++); {i}");
                    Assert.Equal($"{i}", result);
                    seen = i;
                }
            }
            catch (TimeoutException)
            {
                // stdout closed: the process killed itself at the point.
            }
            catch (InvalidOperationException)
            {
            }
            catch (IOException)
            {
                // Broken pipe: it died before reading this input.
            }
            KenshellResult dead = shell.WaitForExit(Kenshell.DefaultTimeout);
            Assert.True(dead.ExitCode == 137 || dead.ExitCode == -9 || seen < 300,
                $"the crash point {point}:{hit} was never reached\n{dead}");
        }

        KenshellResult after = Kenshell.Run(_dir.Path, "JSON.stringify(log)\nlog.push(-1)\n");
        Assert.Equal(0, after.ExitCode);
        Assert.DoesNotContain("diverged", after.Stderr);
        long[] log = System.Text.Json.JsonSerializer.Deserialize<long[]>(after.StdoutLines[0].Trim('\''))!;
        Assert.True(log.Length >= seen, $"turn {seen} was seen but only {log.Length} survived\n{after.Stderr}");
        Assert.True(log.Length <= sent, $"{log.Length} turns survived but only {sent} were sent");
        Assert.Equal(Enumerable.Range(1, log.Length).Select(i => (long)i), log);

        // And the store goes on: the turn just run is there after another start.
        KenshellResult again = Kenshell.Run(_dir.Path, "log[log.length - 1]\n");
        Assert.Equal(["-1"], again.StdoutLines);
    }

    [Fact]
    public void KillingTheCheckpointWriterMidWriteCostsNothing()
    {
        var every = new Dictionary<string, string> { ["KENSHELL_CHECKPOINT_EVERY"] = "1" };
        using var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], every);
        // A heap big enough that writing a checkpoint takes a while.
        Assert.Equal("0", shell.Eval("var big = Array.from({ length: 400000 }, (_, i) => ({ i, s: 'v' + i })); 0"));
        shell.Send("x = 1");
        int killed = 0;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (killed == 0 && DateTime.UtcNow < deadline)
        {
            foreach (int child in ProcessChildren.Of(shell.Pid))
            {
                Signals.Send(child, Signum.SIGKILL);
                killed++;
            }
            Thread.Sleep(5);
        }
        Assert.True(killed > 0, "no checkpoint writer was seen");
        Assert.Equal("1", shell.ReadLine());
        Assert.Equal("2", shell.Eval("x = 2"));
        shell.CloseInput();
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Contains("checkpoint of turn", r.Stderr);
        Assert.Equal(["2", "400000"], Kenshell.Run(_dir.Path, "x\nbig.length\n").StdoutLines);
    }

    [Fact]
    public void KillingTheShellWhileItsCheckpointIsBeingWrittenCostsNothing()
    {
        var every = new Dictionary<string, string> { ["KENSHELL_CHECKPOINT_EVERY"] = "1" };
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], every))
        {
            // A checkpoint that falls due while the previous one is still
            // being written is skipped; with the optimizing compiler the big
            // turn can finish before the first checkpoints are written. So
            // the checkpoint of turn 1 is done before the big turn runs.
            Assert.Equal("0", shell.Eval("0"));
            var settled = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while ((!_dir.Checkpoints().Any(c => c.Turn >= 1) || ProcessChildren.Of(shell.Pid).Any()) && DateTime.UtcNow < settled)
                Thread.Sleep(2);
            Assert.Equal("0", shell.Eval("var big = Array.from({ length: 400000 }, (_, i) => ({ i, s: 'v' + i })); 0"));
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (!ProcessChildren.Of(shell.Pid).Any() && DateTime.UtcNow < deadline) Thread.Sleep(2);
            Assert.NotEmpty(ProcessChildren.Of(shell.Pid));
            shell.Kill9();
        }
        KenshellResult r = Kenshell.Run(_dir.Path, "big.length\n");
        Assert.Equal(["400000"], r.StdoutLines);
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.tmp"));
    }

    [Fact]
    public void ACheckpointLostInACrashCanBeTakenAgainBeforeAnyTurn()
    {
        // Turn 1, then a checkpoint of it: the shell opens log_2 for the turns
        // after it and dies before the checkpoint is put in place (the first
        // pass is the new store's own checkpoint 0).
        var crash = new Dictionary<string, string> { ["KENSHELL_CRASH_AT"] = $"{FaultInjection.CheckpointBeforeRename}:2" };
        KenshellResult crashed = Kenshell.RunWith(crash, _dir.Path, "x = 1\n.checkpoint\n");
        Assert.Equal("1\n", crashed.Stdout);
        Assert.True(File.Exists(_dir.File("log_2")), crashed.ToString());
        Assert.DoesNotContain(_dir.Checkpoints(), c => c.Turn == 1);

        // The restart resumes the empty log_2; a checkpoint of turn 1 taken
        // before any turn wants log_2 for the turns after it: that segment.
        // It used to fail: "could not start a new log segment (... log_2
        // already exists ...)". Twice in a row too.
        KenshellResult restarted = Kenshell.Run(_dir.Path, ".checkpoint\n.info\n.checkpoint\nx += 1\n");
        Assert.DoesNotContain("could not start a new log segment", restarted.Stderr);
        Assert.DoesNotContain("already exists", restarted.Stderr);
        Assert.Equal("2", restarted.StdoutLines[^1]);
        Assert.Contains(_dir.Checkpoints(), c => c.Turn == 1);

        KenshellResult again = Kenshell.Run(_dir.Path, "x\n");
        Assert.Equal("2\n", again.Stdout);
        Assert.DoesNotContain("warning", again.Stderr);
        Assert.DoesNotContain("damaged", again.Stderr);
    }

    public void Dispose() => _dir.Dispose();
}
