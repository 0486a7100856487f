namespace KenShell.Bench;

/// <summary>
/// One traced kenshell session of the checkpoint-pause measurement: when
/// each timed turn was sent and how long its round trip took, and the
/// shell's stderr with arrival times, to tell which turns met a checkpoint.
/// </summary>
/// <param name="BallastAnswered">when the ballast turn's answer arrived: checkpoints started later are of the full heap</param>
/// <param name="Sent">the Stopwatch timestamp at which each timed turn was written</param>
/// <param name="RoundTripsMs">each timed turn's round trip</param>
/// <param name="Stderr">all of the shell's stderr lines, the checkpoint trace among them</param>
/// <param name="CheckpointBytes">the newest checkpoint file once the shell had exited</param>
public sealed record TracedTurns(
    long BallastAnswered,
    IReadOnlyList<long> Sent,
    IReadOnlyList<double> RoundTripsMs,
    IReadOnlyList<TimedLine> Stderr,
    long CheckpointBytes);
