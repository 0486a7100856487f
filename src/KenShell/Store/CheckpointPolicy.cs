namespace KenShell.Store;

/// <summary>
/// When to take a background checkpoint: whichever limit the log since the
/// last checkpoint reaches first. Replay cost (the time the logged turns
/// took to run) bounds how long a recovery or a Ctrl-C rollback can take.
/// </summary>
public sealed record CheckpointPolicy(ulong Turns, long LogBytes, TimeSpan ReplayCost)
{
    /// <summary>A checkpoint every <paramref name="turns"/> turns, 16 MB of log or 2 s of replay.</summary>
    public static CheckpointPolicy Default(ulong turns = 1000) =>
        new(turns, 16L << 20, TimeSpan.FromSeconds(2));

    /// <summary>How long a checkpoint child may run before it is killed and counted as failed.</summary>
    public TimeSpan CheckpointTimeout { get; init; } = TimeSpan.FromMinutes(10);
}
