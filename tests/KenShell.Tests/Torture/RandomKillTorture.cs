using System.Diagnostics;
using System.Text.RegularExpressions;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// G1, G2 and timers under random SIGKILLs (issue #7). A driver runs
/// <see cref="KillWorkload"/> on one shell with a checkpoint every few
/// turns and kills it at random moments: during recovery, between turns,
/// mid-turn, mid-commit, while a background checkpoint is being written.
/// After every restart:
///  - failure mode "lost turn": the heap's step counter is below the last
///    step whose output was seen;
///  - "phantom turn": it is more than one above (only the step in flight
///    may have committed with its output unseen);
///  - "partial turn": check() finds a step's mutations half applied, or a
///    timer fired twice or from nowhere;
///  - "divergent replay" / "damaged store": recovery says so on stderr.
/// At the end, with every timer fired: "divergent state" (the digest of the
/// whole state differs from a crash-free run of the same steps on a fresh
/// store) and "divergent output" (a seen output differs from that run's).
/// </summary>
public sealed partial class RandomKillTorture(ITestOutputHelper output) : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private readonly StoreDirectory _reference = new();
    private static readonly Dictionary<string, string> FrequentCheckpoints = new() { ["KENSHELL_CHECKPOINT_EVERY"] = "10" };

    [Fact]
    public void EverySeenTurnSurvivesRandomKillsAndTheEndStateEqualsACrashFreeRun()
    {
        int targetKills = TortureMode.Scale(30, 450);
        var random = new Random(TortureMode.Seed(1));
        var clock = Stopwatch.StartNew();
        var seen = new Dictionary<long, string>();
        long last = 0; // the last step whose output was seen (or found committed)
        bool stepUnanswered = false; // step last+1 was sent and the kill came before its output
        int kills = 0, duringCheckpoint = 0, midTurn = 0, lostOutputs = 0, restarts = 0;

        Assert.Equal(["'ready'"], Kenshell.Run(_dir.Path, KillWorkload.Setup + "\n").StdoutLines);
        while (kills < targetKills)
        {
            using Kenshell shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], FrequentCheckpoints);
            // Mostly short lives (many land in startup and recovery), some long ones.
            var kill = new ScheduledKill(shell, TimeSpan.FromMilliseconds(random.Next(4) == 0 ? random.Next(300, 1200) : random.Next(0, 300)));
            try
            {
                string state = shell.Eval("check()");
                restarts++;
                Match m = OkPattern().Match(state);
                Assert.True(m.Success, $"partial turn or broken invariant after restart: {state}\n{shell.Stderr}");
                long counter = long.Parse(m.Groups[1].Value);
                Assert.True(counter >= last, $"lost turn: step {last} was seen, the heap is at {counter}\n{shell.Stderr}");
                Assert.True(counter <= (stepUnanswered ? last + 1 : last),
                    $"phantom turn: step {last} was the last seen{(stepUnanswered ? $", {last + 1} was in flight" : ", none was in flight")}, the heap is at {counter}\n{shell.Stderr}");
                if (counter == last + 1) lostOutputs++; // committed, killed before its output was read
                last = counter;
                stepUnanswered = false;
                while (true)
                {
                    long k = last + 1;
                    kill.Sent();
                    stepUnanswered = true;
                    string result = shell.Eval(KillWorkload.Step(k));
                    stepUnanswered = false;
                    kill.Answered();
                    Assert.StartsWith($"'{k}:", result);
                    seen[k] = result;
                    last = k;
                }
            }
            catch (Exception e) when (kill.Explains(e))
            {
            }
            int exit = kill.WaitForDeath();
            Assert.True(exit is 137 or -9, $"kenshell exited {exit} before it was killed\n{shell.Stderr}");
            AssertRecoveryWasClean(shell.Stderr);
            kills++;
            if (kill.DuringCheckpoint) duringCheckpoint++;
            if (kill.MidTurn) midTurn++;
        }

        // The end: no more kills; let every timer fire, then compare with a crash-free run.
        string digest;
        using (Kenshell shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], FrequentCheckpoints))
        {
            string state = shell.Eval("check()");
            Assert.True(state == $"'ok:{last}'" || (stepUnanswered && state == $"'ok:{last + 1}'"), state);
            last = long.Parse(OkPattern().Match(state).Groups[1].Value);
            WaitFor(shell, "T.fired", $"{KillWorkload.Timers(last)}");
            Assert.Equal($"'ok:{last}'", shell.Eval("check()"));
            digest = shell.Eval("digest()");
            shell.CloseInput();
            Assert.Equal(0, shell.WaitForExit(Kenshell.DefaultTimeout).ExitCode);
            AssertRecoveryWasClean(shell.Stderr);
        }

        var input = new System.Text.StringBuilder(KillWorkload.Setup).Append('\n');
        for (long k = 1; k <= last; k++) input.Append(KillWorkload.Step(k)).Append('\n');
        KenshellResult reference = Kenshell.Run(_reference.Path, input.ToString(), "--wait");
        Assert.Equal(0, reference.ExitCode);
        // Split once: StdoutLines splits the whole output on every call, and
        // with the optimizing compiler a full run reaches ~10^5 steps.
        string[] referenceLines = reference.StdoutLines;
        Assert.Equal(last + 1, referenceLines.Length);
        foreach (var (k, text) in seen)
            Assert.True(referenceLines[k] == text, $"divergent output: step {k} printed {text}, a crash-free run {referenceLines[k]}");
        string referenceDigest = Kenshell.Run(_reference.Path, "digest()\n").StdoutLines.Single();
        Assert.True(referenceDigest == digest, $"divergent state:\n{digest}\na crash-free run:\n{referenceDigest}");

        string summary = $"random kills ({TortureMode.Name}): {kills} kills survived ({midTurn} with a step in flight, " +
                         $"{duringCheckpoint} while a checkpoint was being written, {kills - restarts} before recovery finished); " +
                         $"{last} steps, {seen.Count} outputs seen, {lostOutputs} committed with the output lost in the kill; " +
                         $"{KillWorkload.Timers(last)} timers fired exactly once; final state equals a crash-free run; {clock.Elapsed.TotalSeconds:F0} s";
        output.WriteLine(summary);
        TortureReport.Add("kills survived", "one shell, random moments", kills);
        TortureReport.Add("kills survived (where they landed)", "a step in flight (mid-turn or mid-commit)", midTurn);
        TortureReport.Add("kills survived (where they landed)", "during a background checkpoint", duringCheckpoint);
        TortureReport.Add("kills survived (where they landed)", "before recovery finished", kills - restarts);
        TortureReport.Add("workload", "steps committed (one shell)", last);
        TortureReport.Add("workload", "outputs lost in a kill, turn found committed", lostOutputs);
        TortureReport.Time(nameof(RandomKillTorture), clock.Elapsed);
    }

    private static void AssertRecoveryWasClean(string stderr)
    {
        Assert.DoesNotContain("diverged", stderr);
        Assert.DoesNotContain("damaged", stderr);
        Assert.DoesNotContain("Uncaught", stderr);
    }

    private static void WaitFor(Kenshell shell, string expression, string expected) =>
        shell.WaitForValue(expression, expected, TimeSpan.FromSeconds(60), poll: TimeSpan.FromMilliseconds(50));

    [GeneratedRegex(@"^'ok:(\d+)'$")]
    private static partial Regex OkPattern();

    public void Dispose()
    {
        _dir.Dispose();
        _reference.Dispose();
    }
}
