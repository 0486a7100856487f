namespace KenShell.Store;

/// <summary>A checkpoint could not be written; the turn it was to commit is not durable.</summary>
public sealed class CheckpointFailedException(string message) : Exception(message);
