using System.Diagnostics;
using System.Globalization;

namespace KenShell.Bench;

/// <summary>
/// How long a big heap takes to come back when kenshell starts on an
/// existing store: load the newest checkpoint, then replay the turns logged
/// after it. Measured twice on the same store: with a checkpoint that holds
/// every turn (the floor: loading the heap), and after a session of many
/// small turns and no checkpoint (what replay adds). Both starts read a
/// checkpoint the run has just written, so it comes from the page cache.
/// </summary>
public sealed class KenshellRecovery(string kenshellPath, TimeSpan turnTimeout, TextWriter progress)
{
    /// <summary>
    /// Every session here checkpoints only when told to (.checkpoint): the
    /// turn count never triggers one. The other triggers (16 MB of log, 2 s
    /// of turn run time since the last checkpoint) stay armed; the trace
    /// shows whether the session of many turns met one.
    /// </summary>
    public const long Rarely = KenshellCheckpointPause.Rarely;

    /// <summary>The first input of a start, whose answer ends the timed part.</summary>
    public const string FirstInput = "0";

    public RecoveryResult Measure(string store, int ballastMb, int replayTurns)
    {
        int records = KenshellRoundTrip.RecordsFor(ballastMb);
        string label = $"recovery at {ballastMb} MB";

        progress.WriteLine($"[bench] {label}: building the store ({records:N0} ballast records, then a checkpoint)");
        using (var shell = Start(store))
        {
            KenshellRoundTrip.Turn(shell, "0", "0", turnTimeout);
            KenshellRoundTrip.Turn(shell, KenshellRoundTrip.BallastInput(records), "0", turnTimeout);
            CheckpointNowAndExit(shell, turn: 2);
        }

        progress.WriteLine($"[bench] {label}: start with nothing to replay");
        // The checks after the timed answer also run as turns; the
        // checkpoint after them leaves nothing to replay for the next start.
        RecoverySample nothing = TimedStart(store, shell =>
        {
            KenshellRoundTrip.Turn(shell, "ballast.length", KenshellRoundTrip.Format(records), turnTimeout);
            CheckpointNowAndExit(shell, turn: 4);
        });

        progress.WriteLine($"[bench] {label}: a session of {replayTurns:N0} turns without a checkpoint");
        var (perTurnMs, sessionCheckpoints) = ManyTurns(store, replayTurns);

        progress.WriteLine($"[bench] {label}: start with {replayTurns:N0} turns to replay");
        RecoverySample replayed = TimedStart(store, shell =>
        {
            KenshellRoundTrip.Turn(shell, "x", KenshellRoundTrip.Format(replayTurns), turnTimeout);
            KenshellRoundTrip.Turn(shell, "ballast.length", KenshellRoundTrip.Format(records), turnTimeout);
            ExitCleanly(shell);
        });
        return new RecoveryResult(ballastMb, records, nothing, replayed, replayTurns, perTurnMs, sessionCheckpoints);
    }

    private PipedProcess Start(string store) =>
        PipedProcess.Start(kenshellPath, [KenshellRoundTrip.Address, "--dir", store], store, CheckpointTrace.Environment(Rarely));

    /// <summary>
    /// Starts kenshell on the store and times it from process start to the
    /// answer to <see cref="FirstInput"/>, written at once (it waits in the
    /// pipe while kenshell recovers); then <paramref name="andThen"/> checks
    /// the state and ends the session.
    /// </summary>
    private RecoverySample TimedStart(string store, Action<PipedProcess> andThen)
    {
        long start = Stopwatch.GetTimestamp();
        using var shell = Start(store);
        KenshellRoundTrip.Turn(shell, FirstInput, "0", turnTimeout);
        double wallMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        // kenshell prints the line before it reads any input, but stderr is
        // read by another thread: give it a moment.
        if (!shell.WaitForStderr(lines => lines.Any(l => RestoredLine.TryParse(l.Text) is not null), turnTimeout))
            throw new InvalidOperationException($"kenshell printed no 'restored turn' line.\n--- its stderr\n{shell.Stderr}");
        andThen(shell);
        RestoredLine restored = shell.StderrLines.Select(l => RestoredLine.TryParse(l.Text)).First(r => r is not null)!;
        List<string> warnings = [.. shell.StderrLines.Select(l => l.Text).Where(IsUnexpected)];
        return new RecoverySample(wallMs, restored, warnings);
    }

    /// <summary>
    /// The session between the two starts: <paramref name="turns"/> trivial
    /// turns written in one go from another thread (a pipe holds 64 KB, so
    /// writing them all before reading would block both processes), every
    /// answer read and checked here.
    /// </summary>
    private (double PerTurnMs, IReadOnlyList<long> Checkpoints) ManyTurns(string store, int turns)
    {
        using var shell = Start(store);
        // Timed from the end of recovery (the line is printed before any
        // input is read) to the last answer.
        if (!shell.WaitForStderr(lines => lines.Any(l => RestoredLine.TryParse(l.Text) is not null), turnTimeout))
            throw new InvalidOperationException($"kenshell printed no 'restored turn' line.\n--- its stderr\n{shell.Stderr}");
        string input = string.Join('\n', Enumerable.Repeat(KenshellRoundTrip.TrivialTurn, turns));
        long start = Stopwatch.GetTimestamp();
        Task writer = Task.Run(() => shell.Send(input));
        for (int i = 1; i <= turns; i++)
            KenshellRoundTrip.Expect(shell, KenshellRoundTrip.TrivialTurn, KenshellRoundTrip.Format(i), turnTimeout);
        double perTurnMs = Stopwatch.GetElapsedTime(start).TotalMilliseconds / turns;
        // Every answer has arrived, so kenshell has read all the input and
        // the writer is done; this only surfaces an error it met.
        writer.GetAwaiter().GetResult();
        ExitCleanly(shell);
        var checkpoints = new List<long>();
        foreach (TimedLine line in shell.StderrLines)
        {
            if (CheckpointTrace.IsStarted(line.Text, out long turn, out _)) checkpoints.Add(turn);
        }
        return (perTurnMs, checkpoints);
    }

    /// <summary>
    /// Sends .checkpoint, waits until the checkpoint of <paramref name="turn"/>
    /// (the last turn) is durable, and ends the session. kenshell would wait
    /// for it at exit too, but only for 60 s; waiting here makes sure.
    /// </summary>
    private void CheckpointNowAndExit(PipedProcess shell, long turn)
    {
        shell.Send(".checkpoint");
        bool durable = shell.WaitForStderr(
            lines => lines.Any(l => (CheckpointTrace.IsDurable(l.Text, out long t, out _) && t == turn) || CheckpointTrace.IsFailure(l.Text)),
            turnTimeout);
        if (!durable || shell.StderrLines.Any(l => CheckpointTrace.IsFailure(l.Text)))
            throw new InvalidOperationException(
                $"the checkpoint of turn {turn.ToString(CultureInfo.InvariantCulture)} did not become durable.\n--- its stderr\n{shell.Stderr}");
        ExitCleanly(shell);
    }

    private void ExitCleanly(PipedProcess shell)
    {
        int exitCode = shell.CloseInputAndWait(turnTimeout);
        if (exitCode != 0)
            throw new InvalidOperationException($"kenshell exited with {exitCode} at the end of its input.\n--- its stderr\n{shell.Stderr}");
    }

    /// <summary>Stderr lines other than the ones these sessions cause on purpose.</summary>
    private static bool IsUnexpected(string line) =>
        RestoredLine.TryParse(line) is null
        && !CheckpointTrace.IsStarted(line, out _, out _)
        && !CheckpointTrace.IsDurable(line, out _, out _)
        && line != "kenshell: writing a checkpoint in the background";
}
