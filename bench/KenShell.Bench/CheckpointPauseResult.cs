namespace KenShell.Bench;

/// <summary>What the checkpoint-pause measurement found at one heap size.</summary>
/// <param name="BallastMb">the ballast, in MiB</param>
/// <param name="Records">the ballast records built</param>
/// <param name="GapMs">the sleep before every timed turn</param>
/// <param name="CheckpointBytes">the newest checkpoint file after the run (one of the ballast heap)</param>
/// <param name="ForkPausesMs">the fork pause of every checkpoint started after the ballast turn</param>
/// <param name="CheckpointMs">start-to-durable time of each of those checkpoints that finished</param>
/// <param name="FailedCheckpoints">checkpoints that printed a failure warning instead of becoming durable</param>
/// <param name="Quiet">round trips with no checkpoint being written, from the shell that checkpoints rarely</param>
/// <param name="IdleEveryTurn">round trips sent while no checkpoint was being written, from the shell that checkpoints after every turn</param>
/// <param name="During">round trips of turns sent while a checkpoint was being written</param>
/// <param name="FirstAfterStart">of <paramref name="During"/>, the first turn sent after each checkpoint started</param>
/// <param name="QuietCheckpoints">checkpoints the rarely-checkpointing shell started after its ballast turn (expected: none)</param>
public sealed record CheckpointPauseResult(
    int BallastMb,
    int Records,
    int GapMs,
    long CheckpointBytes,
    IReadOnlyList<double> ForkPausesMs,
    IReadOnlyList<double> CheckpointMs,
    int FailedCheckpoints,
    IReadOnlyList<double> Quiet,
    IReadOnlyList<double> IdleEveryTurn,
    IReadOnlyList<double> During,
    IReadOnlyList<double> FirstAfterStart,
    int QuietCheckpoints);
