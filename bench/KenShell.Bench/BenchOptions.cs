namespace KenShell.Bench;

/// <summary>What one benchmark run measures, from the command line.</summary>
/// <param name="SizesMb">the ballast sizes, in MiB</param>
/// <param name="TurnsPerSize">timed trivial turns for each entry of <paramref name="SizesMb"/></param>
/// <param name="FloorSamples">timed appends for the disk floor</param>
/// <param name="NodeSamples">timed Node REPL round trips</param>
/// <param name="KenshellPath">the kenshell executable</param>
/// <param name="ParentDirectory">where the benchmark's temporary folder is made</param>
/// <param name="TurnTimeout">how long one turn may take before the run is abandoned</param>
/// <param name="PauseTurns">timed turns of the checkpoint-pause measurement (in each of its two shells)</param>
/// <param name="PauseGapMs">the sleep before each of those turns</param>
/// <param name="ReplayTurns">turns logged without a checkpoint before the second recovery</param>
/// <param name="SkipPause">leave the checkpoint-pause measurement out</param>
/// <param name="SkipRecovery">leave the recovery measurement out</param>
/// <param name="MessageRoundTrips">timed kenshell message round trips (and plain UDP round trips)</param>
/// <param name="Messages">messages sent in one turn for the messaging throughput (and plain UDP datagrams)</param>
/// <param name="SkipMessaging">leave the messaging measurement out</param>
/// <param name="MessagingOnly">run the messaging measurement (and the disk floor) only</param>
public sealed record BenchOptions(
    IReadOnlyList<int> SizesMb,
    IReadOnlyList<int> TurnsPerSize,
    int FloorSamples,
    int NodeSamples,
    string KenshellPath,
    string ParentDirectory,
    TimeSpan TurnTimeout,
    int PauseTurns = BenchOptions.DefaultPauseTurns,
    int PauseGapMs = BenchOptions.DefaultPauseGapMs,
    int ReplayTurns = BenchOptions.DefaultReplayTurns,
    bool SkipPause = false,
    bool SkipRecovery = false,
    int MessageRoundTrips = BenchOptions.DefaultMessageRoundTrips,
    int Messages = BenchOptions.DefaultMessages,
    bool SkipMessaging = false,
    bool MessagingOnly = false)
{
    /// <summary>
    /// The checkpoint-pause and recovery measurements run at the largest
    /// size only: that is where a checkpoint takes longest (seconds) and
    /// where a pause or a slow recovery would show.
    /// </summary>
    public int LargestSizeMb => SizesMb.Max();

    public const int DefaultPauseTurns = 15;

    /// <summary>
    /// A person's pace between inputs rather than a script's: the fork
    /// happens right after a turn's answer, so only a turn sent within the
    /// fork pause waits for it, which the fork pause figure shows by itself.
    /// A 256 MB checkpoint takes about 8 s on a 2-CPU machine, so 15 turns
    /// 2 s apart (30 s) see about four checkpoints start, each at a
    /// different turn: four fork pauses, and turns at every point of a
    /// checkpoint's run.
    /// </summary>
    public const int DefaultPauseGapMs = 2000;

    public const int DefaultReplayTurns = 10_000;

    public const int DefaultMessageRoundTrips = 100;

    public const int DefaultMessages = 2000;

    /// <summary>The heap sizes issue 3 asks for.</summary>
    public static readonly int[] DefaultSizesMb = [1, 64, 256];

    /// <summary>
    /// Default timed turns for a size. A turn costs one log append + fdatasync
    /// whatever the heap size (the turn log), so every size gets enough
    /// turns for a stable p50; the size parameter stays for callers that select per size.
    /// </summary>
    public static int DefaultTurns(int sizeMb) => 200;
}
