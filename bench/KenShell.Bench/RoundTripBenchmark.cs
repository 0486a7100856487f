namespace KenShell.Bench;

/// <summary>
/// One run of the benchmark: the disk floor, the Node REPL baseline, then
/// kenshell at every heap size, each printed as soon as it is measured.
/// </summary>
public sealed class RoundTripBenchmark(BenchOptions options, TextWriter report, TextWriter progress)
{
    /// <summary>Issue 3: the largest heap's p50 within this factor of the smallest's.</summary>
    private const double SizeIndependenceTarget = 1.5;

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
    }

    private static string Percentiles(LatencySummary summary) =>
        $"p50 {Units.Ms(summary.P50)} ms  p99 {Units.Ms(summary.P99)} ms  ({summary.Count} samples)";
}
