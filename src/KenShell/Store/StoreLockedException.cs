namespace KenShell.Store;

/// <summary>Another process holds the store (G6).</summary>
public sealed class StoreLockedException(string message) : Exception(message);
