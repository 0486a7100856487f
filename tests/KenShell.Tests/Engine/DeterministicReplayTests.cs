using KenShell.Engine;
using KenShell.Runtime;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Engine;

/// <summary>
/// The determinism tape (the basis of the turn log): turns that read the
/// clock and randomness, replayed with their recorded values on a heap
/// restored from the same checkpoint, produce bit-identical results; an
/// injected difference is reported as a divergence, never carried silently.
/// Runs the real engine in-process.
/// </summary>
public sealed class DeterministicReplayTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private static readonly string[] Turns =
    [
        "var samples = []; var t0 = Date.now(); samples.push(t0, new Date().getTime(), performance.now())",
        "for (let i = 0; i < 50; i++) samples.push(Math.random()); samples.length",
        "samples.push(performance.now(), ...crypto.getRandomValues(new Uint32Array(8))); samples.length",
        "samples.push(crypto.randomUUID(), Date.now() - t0 >= 0, new Date().toISOString()); samples.length",
        "JSON.stringify(samples)",
    ];

    private byte[] Genesis(JsShell shell)
    {
        string path = Path.Combine(_dir.Path, "genesis");
        string? failure = shell.BeginCheckpoint(path, 0, new byte[16]).Wait(TimeSpan.FromMinutes(2));
        Assert.Null(failure);
        byte[] file = File.ReadAllBytes(path);
        Assert.Null(CheckpointStore.Verify(file, 0, out _));
        return file[CheckpointHeader.Size..];
    }

    private static string Text(TurnResult r) => string.Concat(r.Output.Select(o => o.Text));

    [Fact]
    public void ReplayingRecordedTurnsRebuildsBitIdenticalResults()
    {
        byte[] blob;
        var tapes = new List<byte[]>();
        var outputs = new List<string>();
        using (JsShell original = JsShell.CreateFresh(Prelude.Source))
        {
            blob = Genesis(original);
            original.RecordTape();
            foreach (string turn in Turns)
            {
                TurnResult r = original.Eval(turn, "REPL");
                Assert.Equal(TurnStatus.Ok, r.Status);
                tapes.Add(original.LastTape);
                outputs.Add(Text(r));
            }
        }
        Assert.NotEmpty(tapes[0]); // Date was recorded
        Thread.Sleep(20);          // the live clock has moved on

        using JsShell replayed = JsShell.Restore(blob);
        for (int i = 0; i < Turns.Length; i++)
        {
            replayed.ReplayTape(tapes[i]);
            TurnResult r = replayed.Eval(Turns[i], "REPL");
            Assert.Null(replayed.TapeDivergence);
            Assert.Equal(outputs[i], Text(r));
        }
    }

    [Fact]
    public void WithoutTheTapeTheSameTurnsDiffer()
    {
        // The control experiment: proves the turns really are nondeterministic.
        byte[] blob;
        string first;
        using (JsShell a = JsShell.CreateFresh(Prelude.Source))
        {
            blob = Genesis(a);
            foreach (string turn in Turns[..^1]) a.Eval(turn, "REPL");
            first = Text(a.Eval(Turns[^1], "REPL"));
        }
        using JsShell b = JsShell.Restore(blob);
        foreach (string turn in Turns[..^1]) b.Eval(turn, "REPL");
        Assert.NotEqual(first, Text(b.Eval(Turns[^1], "REPL")));
    }

    [Fact]
    public void AnInjectedNondeterminismIsReportedAsADivergence()
    {
        byte[] blob;
        byte[] tape;
        using (JsShell original = JsShell.CreateFresh(Prelude.Source))
        {
            blob = Genesis(original);
            original.RecordTape();
            original.Eval("var when = Date.now()", "REPL");
            tape = original.LastTape;
        }

        // The replayed input asks for one more outside value than was logged.
        using (JsShell replayed = JsShell.Restore(blob))
        {
            replayed.ReplayTape(tape);
            replayed.Eval("var when = Date.now(); var extra = Date.now()", "REPL");
            Assert.Contains("was asked for, but the log recorded only 1", replayed.TapeDivergence);
        }
        // ... or a different kind of value.
        using (JsShell replayed = JsShell.Restore(blob))
        {
            replayed.ReplayTape(tape);
            replayed.Eval("var when = crypto.getRandomValues(new Uint8Array(1))[0]", "REPL");
            Assert.Contains("OS randomness", replayed.TapeDivergence);
        }
        // ... or fewer.
        using (JsShell replayed = JsShell.Restore(blob))
        {
            replayed.ReplayTape(tape);
            replayed.Eval("var when = 0", "REPL");
            Assert.Contains("used 0 outside values, but the log recorded 1", replayed.TapeDivergence);
        }
    }

    public void Dispose() => _dir.Dispose();
}
