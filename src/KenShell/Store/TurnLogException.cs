namespace KenShell.Store;

/// <summary>
/// A turn-log operation failed (write error such as ENOSPC or EIO, failed
/// fsync, unusable file). The message says what, where and what state the
/// log was left in.
/// </summary>
public sealed class TurnLogException : IOException
{
    public TurnLogException(string message, string? segmentPath = null, bool logUnchanged = false, Exception? inner = null)
        : base(message, inner)
    {
        SegmentPath = segmentPath;
        LogUnchanged = logUnchanged;
    }

    /// <summary>The file the failure concerns, when there is one.</summary>
    public string? SegmentPath { get; }

    /// <summary>
    /// True when the failed operation left no trace: the log on disk is
    /// durably what it was before the call (for an append: the records of the
    /// failed call are not in the log and cannot come back after a crash).
    /// False when that could not be established; see the message.
    /// </summary>
    public bool LogUnchanged { get; }
}
