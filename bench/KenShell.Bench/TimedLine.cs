namespace KenShell.Bench;

/// <summary>
/// A line a child printed, with the <see cref="System.Diagnostics.Stopwatch"/>
/// timestamp of its arrival, so it can be ordered against the inputs sent to
/// the child (which checkpoint was being written when a turn was sent).
/// </summary>
public readonly record struct TimedLine(long Timestamp, string Text);
