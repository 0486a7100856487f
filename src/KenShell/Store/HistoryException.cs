namespace KenShell.Store;

/// <summary>A state the history cannot reach (forgotten, damaged, not yet run), or a malformed rewind turn.</summary>
public sealed class HistoryException(string message) : Exception(message);
