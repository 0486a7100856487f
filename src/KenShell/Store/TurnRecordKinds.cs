namespace KenShell.Store;

/// <summary>
/// Flags in <see cref="TurnRecord.Status"/> (the low bits hold the turn's
/// TurnStatus). A hook turn's Source is the name of the runtime hook it
/// called (fireTimer, ...) instead of JavaScript source.
/// </summary>
public static class TurnRecordKinds
{
    public const byte HookTurn = 0x80;
}
