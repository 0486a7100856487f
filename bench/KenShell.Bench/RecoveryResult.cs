namespace KenShell.Bench;

/// <summary>What the recovery measurement found at one heap size.</summary>
/// <param name="BallastMb">the ballast, in MiB</param>
/// <param name="Records">the ballast records built</param>
/// <param name="NothingToReplay">a start whose newest checkpoint holds every turn</param>
/// <param name="WithReplay">a start after <paramref name="SessionTurns"/> more turns were logged without a checkpoint</param>
/// <param name="SessionTurns">trivial turns the session between the two starts fed in one go</param>
/// <param name="SessionPerTurnMs">that session's time per turn, from writing the first to the last answer</param>
/// <param name="SessionCheckpoints">turns whose checkpoint that session started anyway (expected: none)</param>
public sealed record RecoveryResult(
    int BallastMb,
    int Records,
    RecoverySample NothingToReplay,
    RecoverySample WithReplay,
    int SessionTurns,
    double SessionPerTurnMs,
    IReadOnlyList<long> SessionCheckpoints);
