using System.CommandLine;
using System.CommandLine.Parsing;
using System.ComponentModel;
using System.Globalization;

namespace KenShell.Bench;

/// <summary>The benchmark's command line.</summary>
public static class BenchCommand
{
    public const int ExitOk = 0, ExitFailed = 1, ExitUsage = 2;

    public static RootCommand Build()
    {
        var sizes = new Option<int[]>("--sizes")
        {
            Description = "Heap sizes to measure kenshell at: ballast in MB, comma-separated",
            HelpName = "1,64,256",
            CustomParser = ParsePositiveList,
            DefaultValueFactory = _ => BenchOptions.DefaultSizesMb,
        };
        // Not given reads as an empty list (System.CommandLine's default for
        // arrays), which stands for the per-size defaults.
        var turns = new Option<int[]>("--turns")
        {
            Description = "Timed trivial turns: one count for every size, or one for all (default: 50 up to 16 MB, 20 up to 64 MB, 8 above)",
            HelpName = "50,20,8",
            CustomParser = ParsePositiveList,
        };
        var floorSamples = PositiveCount("--floor-samples", 500, "Timed 100-byte appends + fdatasync for the disk floor");
        var nodeSamples = PositiveCount("--node-samples", 200, "Timed Node REPL round trips");
        var kenshell = new Option<string?>("--kenshell")
        {
            Description = "The kenshell executable (default: build/bin/kenshell in the repository this benchmark was built from)",
            HelpName = "PATH",
        };
        var dir = new Option<string?>("--dir")
        {
            Description = "Folder in which the benchmark makes its temporary store folder, removed at the end (default: the system temp folder)",
            HelpName = "DIR",
        };
        var turnTimeout = PositiveCount("--turn-timeout", 600, "Seconds one turn (or one Node round trip) may take before the run is abandoned");
        var pauseTurns = PositiveCount("--pause-turns", BenchOptions.DefaultPauseTurns,
            "Checkpoint pause at the largest size: timed turns, in a shell that checkpoints after every turn and in one that does not");
        var pauseGap = PositiveCount("--pause-gap-ms", BenchOptions.DefaultPauseGapMs,
            "Checkpoint pause: milliseconds of sleep before each timed turn");
        var replayTurns = PositiveCount("--replay-turns", BenchOptions.DefaultReplayTurns,
            "Recovery at the largest size: turns logged without a checkpoint before the second timed start");
        var skipPause = new Option<bool>("--skip-pause") { Description = "Leave out the checkpoint pause measurement" };
        var skipRecovery = new Option<bool>("--skip-recovery") { Description = "Leave out the recovery measurement" };
        var messageRoundTrips = PositiveCount("--message-round-trips", BenchOptions.DefaultMessageRoundTrips,
            "Messaging: timed round trips between two kenshell processes (and of plain UDP)");
        var messages = PositiveCount("--messages", BenchOptions.DefaultMessages,
            "Messaging: messages sent in one turn for the throughput (and plain UDP datagrams)");
        var skipMessaging = new Option<bool>("--skip-messaging") { Description = "Leave out the messaging measurement" };
        var messagingOnly = new Option<bool>("--messaging-only")
        {
            Description = "Run only the messaging measurement (two kenshell processes on loopback, plain UDP, the disk floor)",
        };

        var root = new RootCommand(
            "Measures kenshell's durable trivial-turn round trip at several heap sizes, next to the disk's floor " +
            "(100-byte append + fdatasync) and a Node REPL round trip (issue 3's figures); then, at the largest size, " +
            "the pause a background checkpoint causes and the time a restart takes to recover; last, messages between two " +
            "kenshell processes on loopback next to plain UDP.")
        {
            sizes, turns, floorSamples, nodeSamples, kenshell, dir, turnTimeout,
            pauseTurns, pauseGap, replayTurns, skipPause, skipRecovery,
            messageRoundTrips, messages, skipMessaging, messagingOnly,
        };
        root.SetAction(result =>
        {
            int[] sizeList = result.GetRequiredValue(sizes);
            int[] turnList = result.GetValue(turns) ?? [];
            if (turnList.Length > 1 && turnList.Length != sizeList.Length)
            {
                Console.Error.WriteLine($"bench: --turns has {turnList.Length} counts for {sizeList.Length} sizes; give one per size, or one for all");
                return ExitUsage;
            }
            string? kenshellPath = result.GetValue(kenshell) ?? RepoRoot.DefaultKenshell();
            if (kenshellPath is null || !File.Exists(kenshellPath))
            {
                Console.Error.WriteLine(kenshellPath is null
                    ? "bench: no KenShell.sln above this program, so no build/bin/kenshell; pass --kenshell PATH"
                    : $"bench: {kenshellPath} does not exist; build it with ./build.sh, or pass --kenshell PATH");
                return ExitFailed;
            }
            var options = new BenchOptions(
                SizesMb: sizeList,
                TurnsPerSize: turnList switch
                {
                    [] => [.. sizeList.Select(BenchOptions.DefaultTurns)],
                    [int all] => [.. sizeList.Select(_ => all)],
                    _ => turnList,
                },
                FloorSamples: result.GetValue(floorSamples),
                NodeSamples: result.GetValue(nodeSamples),
                KenshellPath: Path.GetFullPath(kenshellPath),
                ParentDirectory: Path.GetFullPath(result.GetValue(dir) ?? Path.GetTempPath()),
                TurnTimeout: TimeSpan.FromSeconds(result.GetValue(turnTimeout)),
                PauseTurns: result.GetValue(pauseTurns),
                PauseGapMs: result.GetValue(pauseGap),
                ReplayTurns: result.GetValue(replayTurns),
                SkipPause: result.GetValue(skipPause),
                SkipRecovery: result.GetValue(skipRecovery),
                MessageRoundTrips: result.GetValue(messageRoundTrips),
                Messages: result.GetValue(messages),
                SkipMessaging: result.GetValue(skipMessaging),
                MessagingOnly: result.GetValue(messagingOnly));
            if (options.MessagingOnly && options.SkipMessaging)
            {
                Console.Error.WriteLine("bench: --messaging-only and --skip-messaging leave nothing to run");
                return ExitUsage;
            }
            try
            {
                if (options.MessagingOnly) new MessagingBenchmark(options, Console.Out, Console.Error).Run();
                else new RoundTripBenchmark(options, Console.Out, Console.Error).Run();
                return ExitOk;
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException
                                           or UnauthorizedAccessException or Win32Exception)
            {
                Console.Error.WriteLine($"bench: {e.Message}");
                return ExitFailed;
            }
        });
        return root;
    }

    private static Option<int> PositiveCount(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name)
        {
            Description = description,
            HelpName = "N",
            DefaultValueFactory = _ => defaultValue,
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() <= 0) result.AddError($"{name} must be a positive number");
        });
        return option;
    }

    /// <summary>"1,64,256" (or "1 64 256") as numbers, all positive.</summary>
    private static int[] ParsePositiveList(ArgumentResult result)
    {
        var values = new List<int>();
        foreach (Token token in result.Tokens)
        {
            foreach (string part in token.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value <= 0)
                {
                    result.AddError($"'{part}' is not a positive whole number");
                    return [];
                }
                values.Add(value);
            }
        }
        if (values.Count == 0) result.AddError("expected a comma-separated list of positive whole numbers");
        return [.. values];
    }
}
