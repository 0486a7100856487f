namespace KenShell.Bench;

/// <summary>What one heap size measured.</summary>
/// <param name="BallastMb">the requested ballast, in MiB</param>
/// <param name="Records">how many ballast records were built for it</param>
/// <param name="ResidentBytes">the kenshell process's RSS after the ballast turn</param>
/// <param name="CheckpointBytes">the newest checkpoint file's size after the timed turns</param>
/// <param name="BallastTurnMs">the ballast turn's round trip (building it, making it durable)</param>
/// <param name="Turns">the trivial turns' round trips</param>
public sealed record KenshellSizeResult(
    int BallastMb,
    int Records,
    long ResidentBytes,
    long CheckpointBytes,
    double BallastTurnMs,
    LatencySummary Turns);
