using System.Diagnostics;
using KenShell.Tests.Support;
using Mono.Unix.Native;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// Resource limits, again and again in one store (issue #7; each case
/// alone: Persistence/ResourceLimitTests and AtomicTurnTests). Every round
/// commits a turn, then: unbounded recursion, <c>new ArrayBuffer(2**40)</c>,
/// a 1 GiB string (over V8's string length limit), a 1e10-iteration loop
/// stopped by SIGINT at a random moment, a turn that allocates until the
/// heap is exhausted (rolled back), and one whose allocation pattern V8
/// cannot recover from (exit 70 by design). Failure modes: "crashed"
/// (the shell died other than by the fatal out-of-memory exit), "partial
/// turn" (a stopped turn left a trace), "lost turn" (a committed turn is
/// missing after the restart).
/// </summary>
public sealed class ResourceLimitTorture(ITestOutputHelper output) : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private static readonly Dictionary<string, string> SmallHeap = new() { ["KENSHELL_V8_FLAGS"] = "--max-old-space-size=32" };

    [Fact]
    public void EveryResourceLimitIsSurvivedOrRecoveredWithNoCommittedTurnLost()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(TortureMode.Seed(5));
        int rounds = TortureMode.Scale(1, 8), committed = 0, fatal = 0;
        Assert.Equal(["undefined"], Kenshell.Run(_dir.Path, "var committed = []\n").StdoutLines);
        for (int round = 0; round < rounds; round++)
        {
            using (Kenshell shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], SmallHeap))
            {
                Assert.Equal($"{committed}", shell.Eval("committed.length"));
                Assert.Equal($"{committed + 1}", shell.Eval($"committed.push({committed + 1})"));
                committed++;

                Assert.StartsWith("Uncaught RangeError: Maximum call stack size exceeded", FirstLine(shell, "function f() { return f() } f()"));
                Assert.StartsWith("Uncaught RangeError: Array buffer allocation failed", FirstLine(shell, "globalThis.buffer = new ArrayBuffer(2 ** 40)"));
                Assert.StartsWith("Uncaught RangeError: Invalid string length", FirstLine(shell, "globalThis.huge = 'x'.repeat(2 ** 30)"));
                Assert.Equal("'undefined,undefined'", shell.Eval("[typeof buffer, typeof huge].join()"));
                TortureReport.Add("resource limits survived", "unbounded recursion, ArrayBuffer(2**40), 1 GiB string", 3);

                shell.Send("committed.push('spin'); for (let i = 0; i < 1e10; i++) globalThis.spin = i");
                shell.WaitUntilBusy(TimeSpan.FromMilliseconds(random.Next(50, 500)));
                shell.Signal(Signum.SIGINT);
                Assert.Equal("'undefined'", shell.Eval("typeof spin"));
                Assert.Equal($"{committed}", shell.Eval("committed.length"));
                TortureReport.Add("resource limits survived", "1e10-iteration loop stopped by SIGINT (rolled back)");

                // Out of heap: rolled back, or (by design, when V8 cannot go on) exit 70 with a message.
                shell.Send("globalThis.hog = []; for (;;) hog.push(new Array(1e5).fill(1.5))");
                shell.Send(random.Next(2) == 0 ? "const m = new Map(); for (let i = 0; ; i++) m.set(i, { i })" : "typeof hog");
                shell.Send("committed.length");
                shell.CloseInput();
                KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
                Assert.True(r.ExitCode is 0 or 70, $"crashed: exit {r.ExitCode}\n{r}");
                if (r.ExitCode == 70)
                {
                    Assert.Contains("kenshell: fatal: JavaScript heap out of memory", r.Stderr);
                    fatal++;
                }
                Assert.Contains("out of memory", r.Stderr);
                TortureReport.Add("resource limits survived", r.ExitCode == 70 ? "out of memory, fatal (exit 70), recovered on restart" : "out of memory, rolled back");
            }
            KenshellResult after = Kenshell.Run(_dir.Path, "JSON.stringify(committed)\n[typeof hog, typeof m, typeof spin].join()\n");
            string expected = "'" + System.Text.Json.JsonSerializer.Serialize(Enumerable.Range(1, committed)) + "'";
            Assert.True(after.StdoutLines.Length == 2 && after.StdoutLines[0] == expected, $"lost turn or partial turn:\n{after}");
            Assert.Equal("'undefined,undefined,undefined'", after.StdoutLines[1]);
        }
        output.WriteLine($"resource limits ({TortureMode.Name}): {rounds} rounds, {fatal} fatal out-of-memory exits recovered, {clock.Elapsed.TotalSeconds:F0} s");
        TortureReport.Time(nameof(ResourceLimitTorture), clock.Elapsed);
    }

    /// <summary>The first line an input printed (an error prints its stack after it), read up to a marker turn.</summary>
    private static string FirstLine(Kenshell shell, string input)
    {
        string marker = $"'end of {input.GetHashCode():x}'";
        shell.Send(input);
        shell.Send(marker);
        string first = shell.ReadLine();
        while (shell.ReadLine() != marker) { }
        return first;
    }

    public void Dispose() => _dir.Dispose();
}
