using System.Diagnostics;
using System.Text;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// File writes (`fs`, issue #15) under random SIGKILLs: each step appends a
/// line to a journal, rewrites a 500 KB file whole, and now and then makes,
/// removes and renames files and directories. The shell is killed at random
/// moments — mid-turn, between the commit and the writes, in the middle of
/// a write, during recovery while it completes the writes of the turns a
/// kill interrupted. After every restart (recovery completes the committed
/// turns' writes before the first input is read), the files must be exactly
/// what the heap's step counter says:
///  - "write done twice": the journal has a line twice (an append repeated);
///  - "lost write": a committed step's line or file is missing;
///  - "uncommitted write visible": the journal or a file is ahead of the heap;
///  - "torn file": the whole-file write is a mix of two versions;
///  - "stray temporary file": a *.kenshell-*.tmp is left behind.
/// </summary>
public sealed class FileWriteKillTorture(ITestOutputHelper output) : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private const string Setup = "var n = 0; const fs = require('fs'); 'ready'";

    private static string Step => string.Join(" ",
        "n++;",
        "fs.appendFileSync('journal.txt', 'step ' + n + '\\n');",
        "fs.writeFileSync('state.txt', (n + '\\n').repeat(100000));",
        "if (n % 5 === 0) { fs.mkdirSync('dirs/d' + n, { recursive: true }); fs.writeFileSync('dirs/d' + n + '/f', 'f' + n); }",
        "if (n % 5 === 0 && n > 5) fs.rmSync('dirs/d' + (n - 5), { recursive: true });",
        "if (n % 7 === 0) { fs.writeFileSync('tmp.txt', 'moved ' + n); fs.renameSync('tmp.txt', 'moved' + n + '.txt'); }",
        "`step:${n}`");

    [Fact]
    public void EachCommittedWriteIsDoneOnceAndNoUncommittedWriteIsEverVisible()
    {
        int targetKills = TortureMode.Scale(25, 200);
        var random = new Random(TortureMode.Seed(15));
        var clock = Stopwatch.StartNew();
        long last = 0;
        bool stepUnanswered = false;
        int kills = 0, midTurn = 0, lostOutputs = 0, restarts = 0;

        Assert.Equal(["'ready'"], Kenshell.Run(_dir.Path, Setup + "\n").StdoutLines);
        while (kills < targetKills)
        {
            using Kenshell shell = Kenshell.Start(_dir.Path);
            var kill = new ScheduledKill(shell, TimeSpan.FromMilliseconds(random.Next(4) == 0 ? random.Next(0, 400) : random.Next(400, 1500)));
            try
            {
                long counter = long.Parse(shell.Eval("n"));
                restarts++;
                Assert.True(counter >= last, $"lost turn: step {last} was seen, the heap is at {counter}\n{shell.Stderr}");
                Assert.True(counter <= (stepUnanswered ? last + 1 : last), $"phantom turn: the heap is at {counter}, {last} was seen\n{shell.Stderr}");
                if (counter == last + 1) lostOutputs++;
                last = counter;
                stepUnanswered = false;
                // Recovery has completed every committed step's writes.
                AssertFilesAre(last, shell.Stderr);
                while (true)
                {
                    kill.Sent();
                    stepUnanswered = true;
                    string result = shell.Eval(Step);
                    stepUnanswered = false;
                    kill.Answered();
                    Assert.Equal($"'step:{last + 1}'", result);
                    last++;
                    // A step's writes are on disk once its output is seen.
                    Assert.Equal($"step {last}", LastJournalLine());
                }
            }
            catch (Exception e) when (kill.Explains(e))
            {
            }
            int exit = kill.WaitForDeath();
            Assert.True(exit is 137 or -9, $"kenshell exited {exit} before it was killed\n{shell.Stderr}");
            Assert.DoesNotContain("diverged", shell.Stderr);
            Assert.DoesNotContain("failed after the turn committed", shell.Stderr);
            kills++;
            if (kill.MidTurn) midTurn++;
        }

        using (Kenshell shell = Kenshell.Start(_dir.Path))
        {
            long counter = long.Parse(shell.Eval("n"));
            Assert.True(counter == last || (stepUnanswered && counter == last + 1), $"heap at {counter}, {last} seen");
            AssertFilesAre(counter, shell.Stderr);
            shell.Send(".info");
            shell.CloseInput();
            KenshellResult end = shell.WaitForExit(Kenshell.DefaultTimeout);
            Assert.Equal(0, end.ExitCode);
            Assert.Contains("0 waiting for their turn's commit; 0 failed after commit", end.Stdout);
            last = counter;
        }

        string summary = $"file writes under random kills ({TortureMode.Name}): {kills} kills ({midTurn} with a step in flight, " +
                         $"{kills - restarts} before recovery finished); {last} steps, each with 2-6 file writes done exactly once; " +
                         $"{lostOutputs} committed with the output lost in the kill; {clock.Elapsed.TotalSeconds:F0} s";
        output.WriteLine(summary);
        TortureReport.Add("kills survived", "file writes, random moments", kills);
        TortureReport.Add("workload", "steps with file writes committed", last);
        TortureReport.Time(nameof(FileWriteKillTorture), clock.Elapsed);
    }

    private string PathOf(string name) => Path.Combine(_dir.Path, name);

    private string LastJournalLine()
    {
        string[] lines = File.ReadAllLines(PathOf("journal.txt"));
        return lines.Length == 0 ? "" : lines[^1];
    }

    private void AssertFilesAre(long n, string stderr)
    {
        string journal = File.Exists(PathOf("journal.txt")) ? File.ReadAllText(PathOf("journal.txt")) : "";
        var expected = new StringBuilder();
        for (long k = 1; k <= n; k++) expected.Append("step ").Append(k).Append('\n');
        Assert.True(expected.ToString() == journal,
            $"the journal is not steps 1..{n} once each (write done twice, lost, or uncommitted):\n{Tail(journal)}\n{stderr}");
        if (n > 0)
        {
            string state = File.ReadAllText(PathOf("state.txt"));
            string line = $"{n}\n";
            Assert.True(state.Length == line.Length * 100000 && state.StartsWith(line, StringComparison.Ordinal) &&
                        state.EndsWith(line, StringComparison.Ordinal) && !state.Replace(line, "", StringComparison.Ordinal).Any(),
                $"state.txt is not step {n}'s (torn or another step's): {state.Length} bytes starting {state[..Math.Min(20, state.Length)]}");
        }
        string[] dirs = Directory.Exists(PathOf("dirs")) ? Directory.GetDirectories(PathOf("dirs")).Select(d => Path.GetFileName(d)).ToArray() : [];
        string[] expectedDirs = n >= 5 ? [$"d{n / 5 * 5}"] : [];
        Assert.Equal(expectedDirs, dirs);
        if (n >= 5) Assert.Equal($"f{n / 5 * 5}", File.ReadAllText(PathOf($"dirs/d{n / 5 * 5}/f")));
        for (long k = 7; k <= n + 7; k += 7)
            Assert.True(File.Exists(PathOf($"moved{k}.txt")) == (k <= n), $"moved{k}.txt {(k <= n ? "missing" : "there")} at step {n}");
        Assert.False(File.Exists(PathOf("tmp.txt")), "tmp.txt is left");
        Assert.Empty(Directory.GetFiles(_dir.Path, "*.kenshell-*.tmp", SearchOption.AllDirectories));
    }

    private static string Tail(string text) => text.Length > 200 ? "..." + text[^200..] : text;

    public void Dispose() => _dir.Dispose();
}
