using System.Diagnostics;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// G6 (issue #7): ten kenshells started on one store at once, again and
/// again, each round after a turn the winner of the last round committed.
/// Failure modes: "two writers" (more than one runs), "none runs", "unclear
/// refusal" (a loser exits other than 3 with the in-use message), "lost
/// turn" (a round's turn is missing from the next).
/// </summary>
public sealed class ConcurrencyTorture(ITestOutputHelper output) : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void TenShellsStartedOnOneStoreAtOnceExactlyOneRunsEveryTime()
    {
        var clock = Stopwatch.StartNew();
        int rounds = TortureMode.Scale(1, 10);
        Kenshell.Run(_dir.Path, "x = 0\n");
        for (int round = 1; round <= rounds; round++)
        {
            // All ten are started before any is given input: their startups (and lock attempts) overlap.
            var shells = Enumerable.Range(0, 10).Select(_ => Kenshell.Start(_dir.Path)).ToList();
            try
            {
                foreach (var s in shells) s.Send("++x");
                Thread.Sleep(1500);
                foreach (var s in shells) s.CloseInput();
                var results = shells.Select(s => s.WaitForExit(Kenshell.DefaultTimeout)).ToList();
                var winners = results.Where(r => r.ExitCode == 0).ToList();
                Assert.True(winners.Count == 1, $"round {round}: {winners.Count} shells ran (two writers or none runs)\n{string.Join("\n", results)}");
                Assert.Equal([$"{round}"], winners[0].StdoutLines);
                Assert.All(results.Where(r => r.ExitCode != 0), r =>
                {
                    Assert.Equal(3, r.ExitCode);
                    Assert.Contains("in use by another kenshell", r.Stderr);
                    Assert.Empty(r.Stdout);
                });
                TortureReport.Add("concurrent starts", "refused with a clear message (exit 3)", 9);
                TortureReport.Add("concurrent starts", "rounds of ten with exactly one running", 1);
            }
            finally
            {
                foreach (var s in shells) s.Dispose();
            }
        }
        Assert.Equal([$"{rounds}"], Kenshell.Run(_dir.Path, "x\n").StdoutLines);
        output.WriteLine($"concurrency ({TortureMode.Name}): {rounds} rounds of ten simultaneous starts, exactly one ran each time, {clock.Elapsed.TotalSeconds:F0} s");
    }

    public void Dispose() => _dir.Dispose();
}
