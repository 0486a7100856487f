namespace KenShell.Store;

/// <summary>
/// Flags in <see cref="TurnRecord.Status"/> (the low bits hold the turn's
/// TurnStatus). They tell replay how the turn ran its source (an input is
/// always replayed as a whole input: it was complete when it ran):
/// <list type="bullet">
/// <item><see cref="HookTurn"/>: Source is the name of the runtime hook it
/// called (fireTimer, ...), optionally "\n" and the hook's argument;</item>
/// <item><see cref="ProgramTurn"/>: a script file run as a program; Source is
/// the file's path, "\n", then its text;</item>
/// <item><see cref="RewindTurn"/>: a time-travel step (.undo, .redo,
/// .rewind): the state after this turn is the state after an earlier turn
/// (<see cref="RewindRecord"/>); nothing runs.</item>
/// </list>
/// </summary>
public static class TurnRecordKinds
{
    public const byte HookTurn = 0x80;
    public const byte ProgramTurn = 0x40;
    public const byte RewindTurn = 0x20;
}
