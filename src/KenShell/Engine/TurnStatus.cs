namespace KenShell.Engine;

/// <summary>How one turn ended (mirrors kenv8_status).</summary>
public enum TurnStatus
{
    /// <summary>Ran to completion.</summary>
    Ok = 0,
    /// <summary>Completed by throwing; still a completed turn (its effects commit, as in Node).</summary>
    Threw = 1,
    /// <summary>The source stops mid-construct; nothing ran; read more lines.</summary>
    Incomplete = 2,
    /// <summary>Did not compile; nothing ran.</summary>
    SyntaxError = 3,
    /// <summary>Interrupted; the heap holds a partial turn and must be rolled back.</summary>
    Terminated = 4,
    /// <summary>Engine-level failure (e.g. out of memory); must be rolled back.</summary>
    Failed = 5,
}
