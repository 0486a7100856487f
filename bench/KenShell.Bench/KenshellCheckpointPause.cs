using System.Diagnostics;

namespace KenShell.Bench;

/// <summary>
/// What a background checkpoint costs the user of a big heap. Turns commit
/// through the log, so a checkpoint no longer sits on the commit path; what
/// is left is the parent's fork() (the only time the shell stops), then,
/// while the child serializes the heap for seconds, the copy-on-write
/// faults the parent takes on every page it touches first and the child's
/// competition for the CPUs. kenshell reports each fork pause itself
/// (KENSHELL_TRACE=1); the round trips show the rest.
/// </summary>
public sealed class KenshellCheckpointPause(string kenshellPath, TimeSpan turnTimeout, TextWriter progress)
{
    /// <summary>
    /// A checkpoint after every turn, whenever none is being written: as
    /// soon as one is durable the next turn starts another, so the timed
    /// turns keep meeting checkpoints at different points of their run.
    /// </summary>
    public const long EveryTurn = 1;

    /// <summary>
    /// For the baseline: the turn count never triggers a checkpoint, and a
    /// few trivial turns stay far below the other triggers (16 MB of log,
    /// 2 s of turn run time), which the trace confirms.
    /// </summary>
    public const long Rarely = 1_000_000;

    public CheckpointPauseResult Measure(string workDirectory, int ballastMb, int turns, int gapMs)
    {
        int records = KenshellRoundTrip.RecordsFor(ballastMb);
        string label = $"{ballastMb} MB";

        // The baseline first, in a shell of its own with the same heap, the
        // same turns and the same gaps: a sleep before a turn changes its
        // round trip (idle CPUs clock down, caches go cold), so the table's
        // back-to-back turns are not the right comparison.
        progress.WriteLine($"[bench] checkpoint pause at {label}: baseline, {turns} turns {gapMs} ms apart, no checkpoint");
        TracedTurns quiet = Session(workDirectory, "store-pause-baseline", Rarely, records, turns, gapMs, label);

        progress.WriteLine($"[bench] checkpoint pause at {label}: {turns} turns {gapMs} ms apart, a checkpoint after every turn");
        TracedTurns busy = Session(workDirectory, "store-pause", EveryTurn, records, turns, gapMs, label);

        var forkPauses = new List<double>();
        var checkpointMs = new List<double>();
        int failed = 0;
        foreach (TimedLine line in busy.Stderr.Where(l => l.Timestamp > busy.BallastAnswered))
        {
            if (CheckpointTrace.IsStarted(line.Text, out _, out double pause)) forkPauses.Add(pause);
            else if (CheckpointTrace.IsDurable(line.Text, out _, out double elapsed)) checkpointMs.Add(elapsed);
            else if (CheckpointTrace.IsFailure(line.Text)) failed++;
        }

        var idle = new List<double>();
        var during = new List<double>();
        var firstAfterStart = new List<double>();
        long lastStartCounted = 0;
        for (int i = 0; i < busy.Sent.Count; i++)
        {
            if (!CheckpointTrace.InFlightAt(busy.Stderr, busy.Sent[i], out long startedAt))
            {
                idle.Add(busy.RoundTripsMs[i]);
                continue;
            }
            during.Add(busy.RoundTripsMs[i]);
            // The first turn after a fork meets the most copy-on-write
            // faults: every page it writes is still shared with the child.
            if (startedAt != lastStartCounted) firstAfterStart.Add(busy.RoundTripsMs[i]);
            lastStartCounted = startedAt;
        }

        // The baseline's turns count only if no checkpoint was in flight
        // when they were sent; the ones that met one are left out (and the
        // report says how many checkpoints the baseline shell took).
        var quietTurns = new List<double>();
        for (int i = 0; i < quiet.Sent.Count; i++)
        {
            if (!CheckpointTrace.InFlightAt(quiet.Stderr, quiet.Sent[i], out _)) quietTurns.Add(quiet.RoundTripsMs[i]);
        }
        int quietCheckpoints = quiet.Stderr.Count(l => l.Timestamp > quiet.BallastAnswered && CheckpointTrace.IsStarted(l.Text, out _, out _));

        return new CheckpointPauseResult(ballastMb, records, gapMs, busy.CheckpointBytes, forkPauses, checkpointMs, failed,
            quietTurns, idle, during, firstAfterStart, quietCheckpoints);
    }

    /// <summary>
    /// One traced shell on a fresh store: the ballast, then <paramref name="turns"/>
    /// timed trivial turns, each after a sleep of <paramref name="gapMs"/>.
    /// </summary>
    private TracedTurns Session(string workDirectory, string storeName, long every, int records, int turns, int gapMs, string label)
    {
        string store = Path.Combine(workDirectory, storeName);
        Directory.CreateDirectory(store);
        try
        {
            using var shell = PipedProcess.Start(kenshellPath, [KenshellRoundTrip.Address, "--dir", store], store,
                CheckpointTrace.Environment(every));
            int counter = 0;
            KenshellRoundTrip.Turn(shell, "0", "0", turnTimeout);
            // The warm-up turn (see KenshellRoundTrip.WarmUps) comes before
            // the ballast here: after it, every turn may meet a checkpoint.
            for (int i = 0; i < KenshellRoundTrip.WarmUps; i++)
                KenshellRoundTrip.Turn(shell, KenshellRoundTrip.TrivialTurn, KenshellRoundTrip.Format(++counter), turnTimeout);
            // The small heap's checkpoints take milliseconds; let them end,
            // so that the first checkpoint after the ballast turn is of the
            // full heap and starts right after it. (A "started" line comes
            // after the answer of the turn that triggered it: give it time.)
            Thread.Sleep(gapMs);
            if (!shell.WaitForStderr(CheckpointTrace.NoneInFlight, turnTimeout))
                throw new TimeoutException($"a checkpoint of the small heap did not end.\n--- its stderr\n{shell.Stderr}");

            KenshellRoundTrip.Turn(shell, KenshellRoundTrip.BallastInput(records), "0", turnTimeout);
            long ballastAnswered = Stopwatch.GetTimestamp();

            var sent = new List<long>(turns);
            var millis = new List<double>(turns);
            for (int i = 0; i < turns; i++)
            {
                // The sleep also lets the trace line of a checkpoint started
                // after the previous turn arrive before this turn is sent.
                Thread.Sleep(gapMs);
                long start = Stopwatch.GetTimestamp();
                KenshellRoundTrip.Turn(shell, KenshellRoundTrip.TrivialTurn, KenshellRoundTrip.Format(++counter), turnTimeout);
                millis.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                sent.Add(start);
            }
            progress.WriteLine($"[bench] checkpoint pause at {label}: turns done; kenshell exits once a checkpoint being written is durable");
            // At the end of its input kenshell lets a checkpoint being
            // written finish (bounded at 60 s), so its trace is complete.
            int exitCode = shell.CloseInputAndWait(turnTimeout);
            if (exitCode != 0)
                throw new InvalidOperationException($"kenshell exited with {exitCode} at the end of its input.\n--- its stderr\n{shell.Stderr}");
            return new TracedTurns(ballastAnswered, sent, millis, shell.StderrLines, KenshellRoundTrip.NewestCheckpointSize(store));
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }
}
