namespace KenShell.Store;

/// <summary>
/// When to take a background checkpoint: whichever limit the log since the
/// last checkpoint reaches first. Replay cost (the time the logged turns
/// took to run) bounds how long a recovery or a Ctrl-C rollback can take.
/// </summary>
public sealed record CheckpointPolicy(ulong Turns, long LogBytes, TimeSpan ReplayCost)
{
    public static CheckpointPolicy FromEnvironment()
    {
        // KENSHELL_CHECKPOINT_EVERY=N (turns) is for tests and experiments.
        ulong turns = ulong.TryParse(Environment.GetEnvironmentVariable("KENSHELL_CHECKPOINT_EVERY"), out ulong n) && n > 0 ? n : 1000;
        return new CheckpointPolicy(turns, 16L << 20, TimeSpan.FromSeconds(2));
    }
}
