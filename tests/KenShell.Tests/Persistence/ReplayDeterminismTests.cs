using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// Recovery replays logged turns: turns heavy on Date, Math.random and
/// crypto must come back bit-identical, and a log that does not match what
/// the turn does on replay must be reported as a divergence.
/// </summary>
public sealed class ReplayDeterminismTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void ClockAndRandomHeavyTurnsReplayToBitIdenticalState()
    {
        string last = "";
        using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.Eval("var samples = []");
            for (int i = 0; i < 40; i++)
            {
                last = shell.Eval("samples.push(Date.now(), Math.random(), performance.now(), crypto.getRandomValues(new Uint32Array(1))[0], new Date().toISOString(), crypto.randomUUID()); JSON.stringify(samples)");
            }
            shell.Kill9();
        }
        KenshellResult r = Kenshell.Run(_dir.Path, "JSON.stringify(samples)\nMath.random() !== Math.random()\n");
        Assert.Contains("41 turns replayed", r.Stderr);
        Assert.DoesNotContain("diverged", r.Stderr);
        Assert.Equal(last, r.StdoutLines[0]);
        Assert.Equal("true", r.StdoutLines[1]);
    }

    [Fact]
    public void ATamperedLogIsReportedAsADivergenceWithTheTurnNumber()
    {
        Kenshell.Run(_dir.Path, "var a = Date.now(); a\nvar b = a + 1\nb - a\n");
        var layout = new StoreLayout(_dir.Path, StoreDirectory.Address);
        TurnLogReadResult log = new TurnLogReader(layout, null).Read();
        Assert.Equal(3, log.Records.Count);

        // Rewrite the log with turn 1's recorded clock value changed (an
        // injected nondeterminism): on replay the turn prints another value
        // than it printed when it first ran.
        TurnRecord first = log.Records[0];
        byte[] tape = (byte[])first.Tape.Clone();
        tape[3] ^= 0x40;
        foreach (var (_, path) in layout.ListLogSegments()) File.Delete(path);
        using (var writer = new TurnLogWriter(layout, log.StoreId!))
        {
            writer.StartSegment(1);
            writer.Append(first with { Tape = tape });
            writer.Append(log.Records[1]);
            writer.Append(log.Records[2]);
        }

        KenshellResult r = Kenshell.Run(_dir.Path, "b - a\n");
        Assert.Contains("replay of turn 1 diverged", r.Stderr);
        Assert.Equal(["1"], r.StdoutLines);
    }

    public void Dispose() => _dir.Dispose();
}
