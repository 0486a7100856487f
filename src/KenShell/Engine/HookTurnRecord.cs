namespace KenShell.Engine;

/// <summary>
/// How a hook turn is written in the turn log's Source field: the hook's
/// name, then, when it took a string argument, "\n" and the argument
/// (TurnRecordKinds.HookTurn marks such records). The one codec for both
/// directions: TurnRunner writes it, replay reads it.
/// </summary>
public static class HookTurnRecord
{
    public static string Encode(string hook, string? argument) =>
        argument is null ? hook : hook + "\n" + argument;

    /// <summary>The hook's name and its argument (null when it took none).</summary>
    public static (string Hook, string? Argument) Decode(string source)
    {
        int cut = source.IndexOf('\n');
        return cut < 0 ? (source, null) : (source[..cut], source[(cut + 1)..]);
    }
}
