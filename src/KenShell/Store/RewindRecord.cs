using System.Globalization;

namespace KenShell.Store;

/// <summary>
/// The source of a rewind turn (<see cref="TurnRecordKinds.RewindTurn"/>):
/// "TARGET\nREASON", where TARGET is the turn whose state becomes the
/// current state and REASON is how it was asked for (undo, redo, rewind).
///
/// Why a record and not a truncation: time travel destroys nothing. The log
/// stays one append-only sequence of turns with consecutive numbers (S6);
/// the turns after TARGET stay in it as a branch. The state after any turn
/// k is defined by its record alone: a rewind turn's state is state(TARGET),
/// any other turn's is that turn run on state(k - 1). Recovery replays a
/// rewind turn by reaching state(TARGET) (<see cref="PersistentStore.ReachState"/>).
/// </summary>
public static class RewindRecord
{
    public const string Undo = "undo", Redo = "redo", Rewind = "rewind";

    public static string Encode(ulong target, string reason) =>
        target.ToString(CultureInfo.InvariantCulture) + "\n" + reason;

    /// <summary>The target and reason of a rewind turn's source; false when it is malformed.</summary>
    public static bool TryDecode(string source, out ulong target, out string reason)
    {
        int cut = source.IndexOf('\n');
        reason = cut < 0 ? "" : source[(cut + 1)..];
        return ulong.TryParse(cut < 0 ? source : source[..cut], NumberStyles.None, CultureInfo.InvariantCulture, out target);
    }

    public static bool IsRewind(TurnRecord record) => (record.Status & TurnRecordKinds.RewindTurn) != 0;
}
