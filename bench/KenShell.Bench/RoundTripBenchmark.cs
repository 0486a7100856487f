namespace KenShell.Bench;

/// <summary>
/// One run of the benchmark: the disk floor, the Node REPL baseline, then
/// kenshell at every heap size, each printed as soon as it is measured;
/// then, at the largest size, what a background checkpoint costs the user
/// and how long a restart takes to recover; last, messages between two shells.
/// </summary>
public sealed class RoundTripBenchmark(BenchOptions options, TextWriter report, TextWriter progress)
{
    /// <summary>Issue 3: the largest heap's p50 within this factor of the smallest's.</summary>
    private const double SizeIndependenceTarget = 1.5;

    /// <summary>Issue 3: a checkpoint may stop the shell (fork) for less than this, in ms.</summary>
    private const double ForkPauseTarget = 10;

    private const string RecoveryRow = "{0,-14}{1,-12}{2,-12}{3,-11}{4,-10}{5}";

    private const string Row = "{0,-8}{1,-11}{2,-9}{3,-11}{4,-14}{5,-7}{6,-9}{7,-9}{8}";

    public void Run()
    {
        string work = Path.Combine(options.ParentDirectory, "kenshell-bench-" + Path.GetRandomFileName().Replace(".", ""));
        Directory.CreateDirectory(work);
        try
        {
            Run(work);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private void Run(string work)
    {
        report.WriteLine("kenshell durable round trip (one input -> its result on stdout), vs disk floor and Node REPL");
        report.WriteLine($"store folder: {work} ({MountTable.FileSystemTypeOf(work)})");
        report.WriteLine($"kenshell:     {options.KenshellPath}");

        progress.WriteLine($"[bench] disk floor: {options.FloorSamples} appends");
        LatencySummary floor = DiskFloor.Measure(work, options.FloorSamples);
        report.WriteLine($"disk floor (100 B append + fdatasync): {Percentiles(floor)}");

        progress.WriteLine($"[bench] node REPL: {options.NodeSamples} round trips");
        var (node, nodeProblem) = NodeReplRoundTrip.Measure(options.NodeSamples, options.TurnTimeout);
        report.WriteLine(node is null
            ? $"node REPL round trip:                  skipped: {nodeProblem}"
            : $"node REPL round trip:                  {Percentiles(node)}");

        double? target = node is null ? null : 2 * (node.P50 + floor.P50);
        report.WriteLine(target is { } t
            ? $"target (issue 3): p50 <= 2 x (node + floor) = {Units.Ms(t)} ms"
            : "target (issue 3): p50 <= 2 x (node + floor), unknown without node");
        report.WriteLine($"ballast turn: {string.Format(KenshellRoundTrip.BallastTemplate, "N")}  (N = heap / {KenshellRoundTrip.BallastBytesPerRecord} B)");
        report.WriteLine($"timed turn:   {KenshellRoundTrip.TrivialTurn}");
        report.WriteLine("rss: kenshell's resident memory after the ballast turn; ballast turn: its round trip (building it, making it durable)");
        report.WriteLine("ckpt file: the newest ken_*_ckpt_* after the timed turns");
        report.WriteLine();
        report.WriteLine(Row, "heap", "records", "rss", "ckpt file", "ballast turn", "turns", "p50 ms", "p99 ms", "p50 / target");

        var runner = new KenshellRoundTrip(options.KenshellPath, options.TurnTimeout, progress);
        var results = new List<KenshellSizeResult>();
        for (int i = 0; i < options.SizesMb.Count; i++)
        {
            int sizeMb = options.SizesMb[i];
            progress.WriteLine($"[bench] kenshell at {sizeMb} MB: {options.TurnsPerSize[i]} turns");
            // A fresh store for every size, removed at once: checkpoints of
            // big heaps take hundreds of MB.
            string store = Path.Combine(work, $"store-{sizeMb}MB");
            Directory.CreateDirectory(store);
            KenshellSizeResult result = runner.Measure(store, sizeMb, options.TurnsPerSize[i]);
            Directory.Delete(store, recursive: true);
            results.Add(result);
            report.WriteLine(Row,
                $"{sizeMb} MB",
                result.Records.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                Units.MiB(result.ResidentBytes),
                Units.MiB(result.CheckpointBytes),
                $"{Units.Ms(result.BallastTurnMs)} ms",
                result.Turns.Count,
                Units.Ms(result.Turns.P50),
                Units.Ms(result.Turns.P99),
                target is { } goal ? Units.Ratio(result.Turns.P50 / goal) : "-");
        }

        if (results.Count >= 2)
        {
            KenshellSizeResult smallest = results.MinBy(r => r.BallastMb)!, largest = results.MaxBy(r => r.BallastMb)!;
            report.WriteLine();
            report.WriteLine($"p50 at {largest.BallastMb} MB / p50 at {smallest.BallastMb} MB: "
                + $"{Units.Ratio(largest.Turns.P50 / smallest.Turns.P50)} (issue 3 target: <= {SizeIndependenceTarget}x)");
        }
        report.WriteLine("p99 is the slowest turn when fewer than 100 turns were timed.");

        // After the table, so that its figures come first and the long
        // measurements below can be skipped or stopped without losing it.
        if (!options.SkipPause) ReportPause(work, node, target);
        if (!options.SkipRecovery) ReportRecovery(work);
        if (!options.SkipMessaging) new MessagingBenchmark(options, report, progress).Run(work, floor);
    }

    private void ReportPause(string work, LatencySummary? node, double? target)
    {
        int sizeMb = options.LargestSizeMb;
        var pause = new KenshellCheckpointPause(options.KenshellPath, options.TurnTimeout, progress)
            .Measure(work, sizeMb, options.PauseTurns, options.PauseGapMs);
        report.WriteLine();
        report.WriteLine($"checkpoint pause at {sizeMb} MB ({pause.Records:N0} records): {options.PauseTurns} timed turns, each after a {pause.GapMs} ms sleep,");
        report.WriteLine($"  in a shell with {CheckpointTrace.EveryVariable}={KenshellCheckpointPause.EveryTurn} (a background checkpoint after every turn while none is being written)");
        report.WriteLine($"  and, for the baseline, in one with {CheckpointTrace.EveryVariable}={KenshellCheckpointPause.Rarely:D}; both with {CheckpointTrace.TraceVariable}=1");
        report.WriteLine($"checkpoints of the full heap: {pause.ForkPausesMs.Count} started, "
            + (pause.CheckpointMs.Count > 0 ? $"durable after p50 {Units.Ms(Median(pause.CheckpointMs))} ms, max {Units.Ms(pause.CheckpointMs.Max())} ms; " : "none durable; ")
            + $"file {Units.MiB(pause.CheckpointBytes)}"
            + (pause.FailedCheckpoints > 0 ? $"; {pause.FailedCheckpoints} FAILED" : ""));
        if (pause.ForkPausesMs.Count > 0)
        {
            double p50 = Median(pause.ForkPausesMs), max = pause.ForkPausesMs.Max();
            report.WriteLine($"fork pause (the shell stops):             p50 {Units.Ms(p50)} ms  max {Units.Ms(max)} ms  ({pause.ForkPausesMs.Count} fork{(pause.ForkPausesMs.Count == 1 ? "" : "s")})"
                + $"  target (issue 3): < {ForkPauseTarget} ms: {(max < ForkPauseTarget ? "met" : p50 < ForkPauseTarget ? "p50 met, max missed" : "MISSED")}");
            // Few samples: each one is worth seeing.
            report.WriteLine($"  each fork, in order: {string.Join(", ", pause.ForkPausesMs.Select(Units.Ms))} ms");
        }
        else
        {
            report.WriteLine("fork pause: no checkpoint of the full heap started (see the trace in the shell's stderr)");
        }
        report.WriteLine($"round trip, no checkpoint (baseline):     {MedianMax(pause.Quiet, target)}"
            + (pause.QuietCheckpoints > 0 ? $"  (that shell still started {pause.QuietCheckpoints} checkpoint(s); turns sent during one are left out)" : ""));
        report.WriteLine($"round trip, checkpoint being written:     {MedianMax(pause.During, target)}");
        report.WriteLine($"  first turn sent after a checkpoint began: {MedianMax(pause.FirstAfterStart, target)}");
        report.WriteLine($"round trip, between two checkpoints:      {MedianMax(pause.IdleEveryTurn, target)}");
        if (node is not null)
            report.WriteLine($"node REPL round trip, for scale:          p50 {Units.Ms(node.P50)} ms  max {Units.Ms(node.Max)} ms  ({node.Count} samples, back to back)");
        report.WriteLine("A checkpoint forks right after the answer of the turn that triggers it, so only an input sent within the fork pause");
        report.WriteLine($"waits for the fork; these turns were sent {pause.GapMs} ms after the previous answer and show the rest: copy-on-write");
        report.WriteLine("faults and the child's use of the CPUs while it serializes the heap.");
    }

    private void ReportRecovery(string work)
    {
        int sizeMb = options.LargestSizeMb;
        string store = Path.Combine(work, "store-recovery");
        Directory.CreateDirectory(store);
        RecoveryResult recovery;
        try
        {
            recovery = new KenshellRecovery(options.KenshellPath, options.TurnTimeout, progress)
                .Measure(store, sizeMb, options.ReplayTurns);
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
        report.WriteLine();
        report.WriteLine($"recovery at {sizeMb} MB ({recovery.Records:N0} records): kenshell started on an existing store, its first input `{KenshellRecovery.FirstInput}` written at once");
        report.WriteLine(RecoveryRow, "replayed", "1st answer", "store open", "ckpt load", "rest", "checkpoint");
        foreach (RecoverySample sample in new[] { recovery.NothingToReplay, recovery.WithReplay })
        {
            RestoredLine r = sample.Restored;
            report.WriteLine(RecoveryRow,
                Turns(r.Replayed),
                $"{Units.Ms(sample.WallMs)} ms",
                $"{Units.Ms(r.TotalMs)} ms",
                $"{Units.Ms(r.LoadedMs)} ms",
                $"{Units.Ms(r.TotalMs - r.LoadedMs)} ms",
                $"{r.Checkpoint} (turn {r.CheckpointTurn}, {r.CheckpointMb:0.0} MB)");
        }
        report.WriteLine("1st answer: from starting the process to the answer on stdout (.NET start-up included); store open, ckpt load:");
        report.WriteLine("the 'E ms in all' and 'loaded in L ms' (deserializing the heap) of kenshell's 'restored turn' line; rest: store open -");
        report.WriteLine("ckpt load (reading the checkpoint file and checking its CRC, reading the log, replaying it, opening the log for new turns)");
        RestoredLine none = recovery.NothingToReplay.Restored, some = recovery.WithReplay.Restored;
        if (some.Replayed > none.Replayed)
        {
            // The rest, not the whole store open: the heap's deserialization
            // varies by tens of ms from one start to the next, which would
            // swamp the replay of a few turns.
            double perTurnUs = (some.TotalMs - some.LoadedMs - (none.TotalMs - none.LoadedMs)) / (some.Replayed - none.Replayed) * 1000;
            report.WriteLine($"replay cost: {Units.Ms(perTurnUs)} us per logged turn (the difference of the two rests, over {Turns(some.Replayed - none.Replayed)} replayed in addition)");
        }
        report.WriteLine($"the session between the two starts fed {Turns(recovery.SessionTurns)} `{KenshellRoundTrip.TrivialTurn}` in one go"
            + $" ({CheckpointTrace.EveryVariable}={KenshellRecovery.Rarely:D}): {Units.Ms(recovery.SessionPerTurnMs)} ms per turn;");
        report.WriteLine($"after the second start, x is {KenshellRoundTrip.Format(recovery.SessionTurns)} and ballast.length {KenshellRoundTrip.Format(recovery.Records)}, as they were");
        if (recovery.SessionCheckpoints.Count == 0 && some.Replayed == recovery.SessionTurns && none.Replayed == 0)
        {
            report.WriteLine($"no checkpoint was taken during it: the second start replayed all {Turns(recovery.SessionTurns)}, the first none");
        }
        else
        {
            if (recovery.SessionCheckpoints.Count > 0)
                report.WriteLine($"NOTE: that session started {recovery.SessionCheckpoints.Count} checkpoint(s) anyway (of turn {string.Join(", ", recovery.SessionCheckpoints)}),"
                    + " by log size or turn run time since the last one");
            report.WriteLine($"NOTE: the starts replayed {none.Replayed:N0} and {Turns(some.Replayed)}, not 0 and {recovery.SessionTurns:N0}");
        }
        foreach (var (name, sample) in new[] { ("first", recovery.NothingToReplay), ("second", recovery.WithReplay) })
        {
            foreach (string warning in sample.Warnings) report.WriteLine($"NOTE: the {name} start printed: {warning}");
        }
        report.WriteLine("Both starts read a checkpoint this run has just written, from the page cache: a cold start also waits for the disk.");
    }

    private static string Turns(int count) =>
        count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + (count == 1 ? " turn" : " turns");

    private static double Median(IReadOnlyCollection<double> millis) => LatencySummary.Of(millis).P50;

    /// <summary>p50 and max of a few round trips, or "no turns" when none fell in that class.</summary>
    private static string MedianMax(IReadOnlyCollection<double> millis, double? target)
    {
        if (millis.Count == 0) return "no turns";
        LatencySummary summary = LatencySummary.Of(millis);
        string text = $"p50 {Units.Ms(summary.P50)} ms  max {Units.Ms(summary.Max)} ms  ({summary.Count} turn{(summary.Count == 1 ? "" : "s")})";
        return target is { } goal ? $"{text}  p50 / target {Units.Ratio(summary.P50 / goal)}" : text;
    }

    private static string Percentiles(LatencySummary summary) =>
        $"p50 {Units.Ms(summary.P50)} ms  p99 {Units.Ms(summary.P99)} ms  ({summary.Count} samples)";
}
