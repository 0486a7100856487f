using KenShell.Engine;

namespace KenShell.Store;

/// <summary>
/// The store's kept history: every turn record the log still holds, read
/// for .history, .save, --at, time travel and a rebuild by replay.
///
/// Recovery never reads the history (only the segments after the checkpoint
/// it starts from), so damage in an old segment cannot make a store
/// unopenable. Damage is found here, when the history is used: reading goes
/// on with the next segment after the damaged one, the turns lost are named
/// in <see cref="Problems"/>, and a state whose line of turns passes through
/// them can be reached only from a checkpoint taken after them.
/// </summary>
public sealed class HistoryLog
{
    private readonly Dictionary<ulong, TurnRecord> _records = new();
    private readonly List<string> _problems = new();

    private HistoryLog() { }

    /// <summary>Every readable record, by turn.</summary>
    public IReadOnlyDictionary<ulong, TurnRecord> Records => _records;

    /// <summary>Damage met while reading (each names the segment, the offset and the turns it costs).</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The oldest turn kept, or null when the log holds none.</summary>
    public ulong? FirstTurn { get; private set; }

    /// <summary>The newest turn in the log, or 0.</summary>
    public ulong LastTurn { get; private set; }

    /// <summary>
    /// Reads every segment (<paramref name="storeId"/>: the id they must carry,
    /// or null to take the first one's). Never changes a file.
    /// </summary>
    public static HistoryLog Read(StoreLayout layout, byte[]? storeId)
    {
        var history = new HistoryLog();
        var segments = layout.ListLogSegments();
        int start = 0;
        while (start < segments.Count)
        {
            ulong first = segments[start].FirstTurn;
            TurnLogReadResult result = new TurnLogReader(layout, storeId, skipThroughTurn: first == 0 ? 0 : first - 1).Read();
            foreach (TurnRecord record in result.Records) history._records[record.Turn] = record;
            storeId ??= result.StoreId;
            if (!result.IsCorrupt) break;
            int at = -1;
            for (int i = 0; i < segments.Count; i++) if (segments[i].Path == result.CorruptPath) at = i;
            if (at > start && result.CorruptOffset == 0)
            {
                // Reading stopped at the start of a later segment: a gap (a
                // segment set aside) or that segment's own header. Read from
                // it on its own: it decides which.
                start = at;
                continue;
            }
            // Damage inside a segment: go on after it (each segment is a
            // whole file of its own).
            int next = at < 0 ? segments.Count : at + 1;
            history._problems.Add(string.Join("; ", result.Problems) +
                                  (next < segments.Count ? $" (the history goes on at turn {segments[next].FirstTurn})" : ""));
            start = Math.Max(next, start + 1);
        }
        if (history._records.Count > 0)
        {
            history.FirstTurn = history._records.Keys.Min();
            history.LastTurn = history._records.Keys.Max();
        }
        return history;
    }

    /// <summary>
    /// The states that lead to the state after <paramref name="target"/>,
    /// newest first: <paramref name="target"/>, then the state each turn ran
    /// on (turn − 1), or, for a rewind turn, the state it returned to. A
    /// checkpoint of any of them can be the start of a replay; the records
    /// to replay from the state at index i are the non-rewind turns at
    /// indexes below i. <paramref name="complete"/> is true when the walk
    /// reached turn 0 (the new store); false when a record it needed is not
    /// kept (forgotten, damaged), and <paramref name="missing"/> names it.
    /// </summary>
    public List<ulong> Walk(ulong target, out bool complete, out ulong missing)
    {
        var states = new List<ulong>();
        ulong j = target;
        missing = 0;
        while (true)
        {
            states.Add(j);
            if (j == 0)
            {
                complete = true;
                return states;
            }
            if (!_records.TryGetValue(j, out TurnRecord? record))
            {
                complete = false;
                missing = j;
                return states;
            }
            if (RewindRecord.IsRewind(record))
            {
                // A rewind target is always an earlier turn; one that is not
                // is damage, and the walk stops there.
                if (!RewindRecord.TryDecode(record.Source, out ulong to, out _) || to >= j)
                {
                    complete = false;
                    missing = j;
                    return states;
                }
                j = to;
            }
            else
            {
                j--;
            }
        }
    }

    /// <summary>The turns (not rewinds) whose effects make up the state after <paramref name="target"/>.</summary>
    public HashSet<ulong> Line(ulong target)
    {
        var line = new HashSet<ulong>();
        foreach (ulong state in Walk(target, out _, out _))
        {
            if (state > 0 && _records.TryGetValue(state, out TurnRecord? r) && !RewindRecord.IsRewind(r)) line.Add(state);
        }
        return line;
    }

    /// <summary>What kind of turn a record is, in a word (.history).</summary>
    public static string Kind(TurnRecord record)
    {
        if (RewindRecord.IsRewind(record))
        {
            RewindRecord.TryDecode(record.Source, out _, out string reason);
            return reason.Length > 0 ? reason : RewindRecord.Rewind;
        }
        if ((record.Status & TurnRecordKinds.ProgramTurn) != 0) return "program";
        if ((record.Status & TurnRecordKinds.HookTurn) == 0) return "input";
        string hook = HookTurnRecord.Decode(record.Source).Hook;
        return hook switch
        {
            RuntimeHooks.FireTimer or RuntimeHooks.CancelDueTimer => "timer",
            RuntimeHooks.Deliver or RuntimeHooks.DeliverWaiting => "message",
            RuntimeHooks.Acked => "ack",
            // Names that fit .history's kind column (the hooks' own overflow it).
            RuntimeHooks.FetchSettle => "fetch",
            RuntimeHooks.FileWritesDone => "written",
            RuntimeHooks.ProcessExitEvent => "exit",
            _ => hook,
        };
    }

    /// <summary>True for turns that ran what someone typed or loaded (what .undo counts and .save writes).</summary>
    public static bool IsInput(TurnRecord record) =>
        (record.Status & (TurnRecordKinds.HookTurn | TurnRecordKinds.RewindTurn)) == 0;

    /// <summary>The text a turn ran as an input (a program's text without its path line), or null for other turns.</summary>
    public static string? InputText(TurnRecord record)
    {
        if (!IsInput(record)) return null;
        if ((record.Status & TurnRecordKinds.ProgramTurn) == 0) return record.Source;
        int cut = record.Source.IndexOf('\n');
        return cut < 0 ? "" : record.Source[(cut + 1)..];
    }
}
