using System.Globalization;
using KenShell.Engine;

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
///
/// An optional third part, "TARGET\nREASON\nCARRY", is the messaging
/// protocol state from just before the rewind (sequence numbers, queued
/// copies, receiver windows: JSON of the runtime's messagingState). It is
/// laid over state(TARGET) in the same turn, because what it describes
/// already left the process: a peer saw those numbers and acknowledged
/// those deliveries, and taking them back made the peer drop the next
/// messages as duplicates (or wait forever for ones it already had).
/// Records without it (older shells, older stores) are state(TARGET) alone.
/// </summary>
public static class RewindRecord
{
    public const string Undo = "undo", Redo = "redo", Rewind = "rewind";

    public static string Encode(ulong target, string reason, string carry = "") =>
        target.ToString(CultureInfo.InvariantCulture) + "\n" + reason + (carry.Length == 0 ? "" : "\n" + carry);

    /// <summary>The target and reason of a rewind turn's source; false when it is malformed.</summary>
    public static bool TryDecode(string source, out ulong target, out string reason) => TryDecode(source, out target, out reason, out _);

    /// <summary>Also the carried messaging state ("" when the record has none).</summary>
    public static bool TryDecode(string source, out ulong target, out string reason, out string carry)
    {
        int cut = source.IndexOf('\n');
        reason = cut < 0 ? "" : source[(cut + 1)..];
        carry = "";
        int second = reason.IndexOf('\n');
        if (second >= 0)
        {
            carry = reason[(second + 1)..];
            reason = reason[..second];
        }
        return ulong.TryParse(cut < 0 ? source : source[..cut], NumberStyles.None, CultureInfo.InvariantCulture, out target);
    }

    /// <summary>
    /// Lays a rewind turn's carried messaging state over the state it
    /// reached, in recovery and on every replay through it. A failure is
    /// reported and the state stays state(TARGET), as before carries
    /// existed, rather than making the store unopenable.
    /// </summary>
    public static void ApplyCarry(JsShell shell, TurnRecord record, TextWriter diagnostics)
    {
        if (!TryDecode(record.Source, out _, out _, out string carry)) return;
        try
        {
            ApplyCarry(shell, carry);
        }
        catch (HistoryException e)
        {
            diagnostics.WriteLine($"kenshell: warning: turn {record.Turn}: {e.Message}; messages to and from other shells may be " +
                                  "dropped as duplicates or held back");
        }
    }

    public static void ApplyCarry(JsShell shell, string carry)
    {
        if (carry.Length == 0) return;
        TurnResult result = shell.HookTurn(RuntimeHooks.RestoreMessaging, carry).Result;
        if (result.Status != TurnStatus.Ok)
            throw new HistoryException($"the messaging state a rewind turn carries could not be restored ({result.Status}{(result.Error is null ? "" : ": " + result.Error)})");
    }

    public static bool IsRewind(TurnRecord record) => (record.Status & TurnRecordKinds.RewindTurn) != 0;
}
