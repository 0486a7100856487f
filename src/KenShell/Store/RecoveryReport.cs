namespace KenShell.Store;

/// <summary>What opening a store found and did, for the banner and diagnostics.</summary>
public sealed record RecoveryReport(bool Fresh, ulong Turn, string? CheckpointPath, long CheckpointBytes, TimeSpan Elapsed);
