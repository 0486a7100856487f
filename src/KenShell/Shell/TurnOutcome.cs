namespace KenShell.Shell;

/// <summary>What became of one input.</summary>
public enum TurnOutcome
{
    /// <summary>The input is not complete yet; nothing ran. Read more lines.</summary>
    Incomplete,
    /// <summary>The turn completed, is durable, and its output was released.</summary>
    Committed,
    /// <summary>The turn was undone (interrupted, out of memory, or could not be saved).</summary>
    RolledBack,
    /// <summary>Nothing was due (a timer turn found no timer to fire); nothing was logged.</summary>
    Idle,
}
