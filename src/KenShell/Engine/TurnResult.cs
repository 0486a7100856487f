namespace KenShell.Engine;

/// <summary>What one evaluation produced: its status and its (not yet released) output.</summary>
public sealed record TurnResult(TurnStatus Status, IReadOnlyList<OutputRecord> Output, string? Error)
{
    /// <summary>True when the heap now holds a partial turn that must be rolled back.</summary>
    public bool NeedsRollback => Status is TurnStatus.Terminated or TurnStatus.Failed;

    /// <summary>True when the turn completed and must be committed before its output is released.</summary>
    public bool IsCompletedTurn => Status is TurnStatus.Ok or TurnStatus.Threw or TurnStatus.SyntaxError;
}
