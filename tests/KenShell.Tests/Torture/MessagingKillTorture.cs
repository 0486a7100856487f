using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// G7 under random SIGKILLs of either side (issue #7): shell A sends
/// message k in step k; B's handler records it and answers 2k; A's handler
/// records the answers. Either shell is killed at random moments while
/// messages and acks are in flight, and restarted on the same address.
/// Failure modes: "lost turn" / "phantom turn" on A's step counter (as in
/// <see cref="RandomKillTorture"/>); "duplicate delivery" or "out of
/// order" (B's or A's record is not exactly 1..n, or 2, 4, ..., 2n, after
/// any restart or at the end); "lost message" (not all delivered once the
/// kills stop); "redelivery after restart" (a restarted receiver delivers
/// again).
/// </summary>
public sealed class MessagingKillTorture(ITestOutputHelper output) : IDisposable
{
    private readonly StoreDirectory _a = new();
    private readonly StoreDirectory _b = new();

    private static string FreeAddress()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return $"127.0.0.1:{((IPEndPoint)probe.Client.LocalEndPoint!).Port}";
    }

    private static readonly Dictionary<string, string> NetworkAndFrequentCheckpoints = new()
    {
        ["KENSHELL_NO_NETWORK"] = "0",
        ["KENSHELL_CHECKPOINT_EVERY"] = "10",
    };

    // Exactly once, in order: the record is 1..n (times the factor), nothing else.
    private const string CheckFunction =
        "function checkSeq(a, f) { for (let i = 0; i < a.length; i++) if (a[i] !== (i + 1) * f) return 'broken at ' + i + ': ' + a[i]; return 'ok:' + a.length }";

    [Fact]
    public void MessagesBetweenTwoShellsArriveExactlyOnceThroughRandomKillsOfEitherSide()
    {
        int targetKills = TortureMode.Scale(10, 100);
        var random = new Random(TortureMode.Seed(2));
        var clock = Stopwatch.StartNew();
        string a = FreeAddress(), b = FreeAddress();
        Kenshell.RunAt(_b.Path, b, CheckFunction + "\nvar got = []; ken.onmessage = (v, from) => { got.push(v.k); ken.send(from, v.k * 2) }; 0\n");
        Kenshell.RunAt(_a.Path, a, CheckFunction + "\nvar sent = 0, replies = []; ken.onmessage = v => { replies.push(v) }; 0\n" +
                                   $"function step(k) {{ if (sent !== k - 1) return 'out of order'; ken.send('{b}', {{ k }}); sent = k; return k }}\n");

        Kenshell shellA = StartChecked(_a, a, "checkSeq(replies, 2)");
        Kenshell shellB = StartChecked(_b, b, "checkSeq(got, 1)");
        long last = 0;
        bool stepUnanswered = false; // step last+1 was sent to A and A died before answering
        int kills = 0, killsOfA = 0, killsOfB = 0, midStep = 0;
        try
        {
            while (kills < targetKills)
            {
                bool victimIsA = random.Next(2) == 0;
                Kenshell victim = victimIsA ? shellA : shellB;
                var kill = new ScheduledKill(victim, TimeSpan.FromMilliseconds(random.Next(0, 600)));
                try
                {
                    // Steps on A until the kill has landed (on A: until it breaks A's pipes).
                    while (!kill.Fired)
                    {
                        long k = last + 1;
                        if (victimIsA) kill.Sent();
                        stepUnanswered = true;
                        string result = shellA.Eval($"step({k})");
                        stepUnanswered = false;
                        if (victimIsA) kill.Answered();
                        Assert.Equal($"{k}", result);
                        last = k;
                        Thread.Sleep(random.Next(0, 10));
                    }
                }
                catch (Exception e) when (victimIsA && kill.Explains(e))
                {
                }
                int exit = kill.WaitForDeath();
                Assert.True(exit is 137 or -9, $"kenshell exited {exit} before it was killed\n{victim.Stderr}");
                Assert.DoesNotContain("diverged", victim.Stderr);
                victim.Dispose();
                kills++;
                if (kill.MidTurn) midStep++;
                if (victimIsA)
                {
                    killsOfA++;
                    shellA = StartChecked(_a, a, "checkSeq(replies, 2)");
                    long counter = long.Parse(shellA.Eval("sent"));
                    Assert.True(counter >= last, $"lost turn: step {last} was seen, A is at {counter}");
                    Assert.True(counter <= (stepUnanswered ? last + 1 : last), $"phantom turn: step {last} was the last seen, A is at {counter}");
                    last = counter;
                    stepUnanswered = false;
                }
                else
                {
                    killsOfB++;
                    shellB = StartChecked(_b, b, "checkSeq(got, 1)");
                }
            }

            // No more kills: every message and every answer arrives, exactly once, in order.
            WaitFor(shellB, "checkSeq(got, 1)", $"'ok:{last}'");
            WaitFor(shellA, "checkSeq(replies, 2)", $"'ok:{last}'");
            WaitFor(shellA, "Object.keys(ken.pending()).length", "0");
            // A receiver restarted now must not deliver anything again.
            shellB.Kill9();
            shellB.Dispose();
            shellB = StartChecked(_b, b, "checkSeq(got, 1)");
            Thread.Sleep(1500);
            Assert.Equal($"'ok:{last}'", shellB.Eval("checkSeq(got, 1)"));
            Assert.Equal($"'ok:{last}'", shellA.Eval("checkSeq(replies, 2)"));
        }
        finally
        {
            shellA.Dispose();
            shellB.Dispose();
        }

        output.WriteLine($"messaging kills ({TortureMode.Name}): {kills} kills survived ({killsOfA} of the sender, {killsOfB} of the receiver, " +
                         $"{midStep} with a sending step in flight); {last} messages and {last} answers delivered exactly once, in order; " +
                         $"{clock.Elapsed.TotalSeconds:F0} s");
        TortureReport.Add("kills survived", "two shells messaging: sender", killsOfA);
        TortureReport.Add("kills survived", "two shells messaging: receiver", killsOfB);
        TortureReport.Add("workload", "messages delivered exactly once (each answered)", last);
        TortureReport.Time(nameof(MessagingKillTorture), clock.Elapsed);
    }

    /// <summary>Starts a shell and checks its record is exactly-once (failure modes "duplicate delivery", "out of order").</summary>
    private static Kenshell StartChecked(StoreDirectory dir, string address, string check)
    {
        Kenshell shell = Kenshell.Start(dir.Path, address, [], NetworkAndFrequentCheckpoints);
        string state = shell.Eval(check);
        Assert.True(state.StartsWith("'ok:", StringComparison.Ordinal), $"{address} after a restart: {state}\n{shell.Stderr}");
        return shell;
    }

    private static void WaitFor(Kenshell shell, string expression, string expected) =>
        shell.WaitForValue(expression, expected, TimeSpan.FromSeconds(120), failure: "lost message: ");

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
