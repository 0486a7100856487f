namespace KenShell.Store;

/// <summary>What opening a store found and did, for the banner and diagnostics.</summary>
public sealed record RecoveryReport(
    bool Fresh,
    ulong Turn,
    string? CheckpointPath,
    ulong CheckpointTurn,
    long CheckpointBytes,
    TimeSpan CheckpointLoadTime,
    int TurnsReplayed,
    TimeSpan Elapsed)
{
    /// <summary>One line saying what recovery did.</summary>
    public string Describe() => Fresh
        ? "new store"
        : $"restored turn {Turn}: checkpoint {System.IO.Path.GetFileName(CheckpointPath)} (turn {CheckpointTurn}, " +
          $"{CheckpointBytes / 1024.0 / 1024.0:F1} MB, loaded in {CheckpointLoadTime.TotalMilliseconds:F0} ms) + " +
          $"{TurnsReplayed} turn{(TurnsReplayed == 1 ? "" : "s")} replayed from the log; {Elapsed.TotalMilliseconds:F0} ms in all";
}
