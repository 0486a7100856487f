using System.Diagnostics;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// fetch (issue #15) under random SIGKILLs, against a real loopback HTTP
/// server that answers after a random delay: each step fetches /n and its
/// `then` records the answer in the heap. The shell is killed at random
/// (mid-turn, with requests in flight, while a response turn commits).
/// At the end, with no more kills, every committed step's answer is in the
/// heap exactly once ("response delivered twice" / "lost response"), the
/// server saw every committed request at least once and never one from a
/// step that did not commit ("uncommitted request sent"), and the repeats
/// of a request carry the Idempotency-Key of its first sending.
/// </summary>
public sealed class FetchKillTorture(ITestOutputHelper output) : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private readonly LoopbackHttpServer _server = new();

    [Fact]
    public void EveryCommittedRequestIsAnsweredOnceAndNoUncommittedOneIsSent()
    {
        int targetKills = TortureMode.Scale(12, 100);
        var random = new Random(TortureMode.Seed(21));
        var clock = Stopwatch.StartNew();
        _server.Handler = r =>
        {
            Thread.Sleep(Random.Shared.Next(0, 10));
            return (200, "text/plain", "answer" + r.Path, null);
        };
        string url = _server.Url("/");
        Assert.Equal(["'ready'"], Kenshell.Run(_dir.Path, "var n = 0; var answers = []; 'ready'\n").StdoutLines);
        long last = 0;
        bool stepUnanswered = false;
        int kills = 0, midTurn = 0;
        while (kills < targetKills)
        {
            using Kenshell shell = Kenshell.Start(_dir.Path);
            var kill = new ScheduledKill(shell, TimeSpan.FromMilliseconds(random.Next(300, 1500)));
            try
            {
                long counter = long.Parse(shell.Eval("n"));
                Assert.True(counter >= last && counter <= (stepUnanswered ? last + 1 : last), $"heap at {counter}, {last} seen\n{shell.Stderr}");
                last = counter;
                stepUnanswered = false;
                // A few steps per life (each leaves a request in flight), then
                // wait for the kill: the responses are what is killed into.
                for (int steps = 0; steps < 15; steps++)
                {
                    kill.Sent();
                    stepUnanswered = true;
                    string result = shell.Eval($"n++; fetch('{url}' + n).then(r => r.text()).then(t => answers.push(t)); n");
                    stepUnanswered = false;
                    kill.Answered();
                    Assert.Equal($"{last + 1}", result);
                    last++;
                }
                while (!kill.Fired) Thread.Sleep(5);
            }
            catch (Exception e) when (kill.Explains(e))
            {
            }
            Assert.True(kill.WaitForDeath() is 137 or -9, shell.Stderr);
            Assert.DoesNotContain("diverged", shell.Stderr);
            kills++;
            if (kill.MidTurn) midTurn++;
        }

        using (Kenshell shell = Kenshell.Start(_dir.Path))
        {
            long counter = long.Parse(shell.Eval("n"));
            Assert.True(counter == last || (stepUnanswered && counter == last + 1));
            last = counter;
            shell.WaitForValue("answers.length", $"{last}", TimeSpan.FromSeconds(60));
            string answers = shell.Eval("JSON.stringify(answers.map(a => +a.slice('answer/'.length)).sort((a, b) => a - b))");
            Assert.Equal($"'[{string.Join(",", Enumerable.Range(1, (int)last))}]'", answers);
            shell.CloseInput();
            shell.WaitForExit(Kenshell.DefaultTimeout);
        }

        LoopbackHttpServer.Seen[] seen = _server.Requests.ToArray();
        var byPath = seen.GroupBy(s => s.Path).ToDictionary(g => g.Key, g => g.ToArray());
        for (long k = 1; k <= last; k++)
        {
            Assert.True(byPath.ContainsKey($"/{k}"), $"lost request: step {k} committed but /{k} was never sent");
            Assert.Single(byPath[$"/{k}"].Select(s => s.IdempotencyKey).Distinct());
        }
        Assert.True(byPath.Keys.All(p => long.Parse(p[1..]) <= last), "uncommitted request sent: " + string.Join(",", byPath.Keys));
        int repeats = seen.Length - byPath.Count;
        output.WriteLine($"fetch under random kills ({TortureMode.Name}): {kills} kills ({midTurn} with a step in flight); {last} requests " +
                         $"committed, each answered once in the heap; {repeats} sent again after a kill with the same key; {clock.Elapsed.TotalSeconds:F0} s");
        TortureReport.Add("kills survived", "fetch requests in flight, random moments", kills);
        TortureReport.Add("workload", "fetch requests committed (each answered once)", last);
        TortureReport.Add("workload", "fetch requests sent again after a kill", repeats);
        TortureReport.Time(nameof(FetchKillTorture), clock.Elapsed);
    }

    public void Dispose()
    {
        _server.Dispose();
        _dir.Dispose();
    }
}
