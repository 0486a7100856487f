using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using KenShell.Engine;
using KenShell.Store;

namespace KenShell.Shell;

/// <summary>
/// The history dot commands (.history, .save, .undo, .redo, .rewind,
/// .forget), over the store's kept history (<see cref="HistoryLog"/>). The
/// REPL's command table calls these; the state changes themselves are
/// <see cref="TurnRunner.TravelTo"/> (a committed rewind turn).
/// </summary>
public static class TimeTravel
{
    private const int DefaultHistoryLines = 20;

    /// <summary>.info's line about the kept history.</summary>
    public static string Describe(PersistentStore store)
    {
        var (first, segments, bytes) = store.HistorySize();
        if (first is null) return "history:          none kept";
        return $"history:          turns {first}..{store.Turn} kept ({bytes / 1024.0 / 1024.0:F1} MB in {segments} log segment{(segments == 1 ? "" : "s")}; .forget TURN drops older turns)";
    }

    /// <summary>.history [N]: the last N turns of the log, every branch, the ones not in the current state marked.</summary>
    public static void History(TurnRunner runner, string argument, TextWriter stdout)
    {
        int count = DefaultHistoryLines;
        if (argument.Length > 0 && (!int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count <= 0))
        {
            stdout.WriteLine("Usage: .history [N] (the last N turns; N a positive number)");
            return;
        }
        HistoryLog history = Read(runner, stdout);
        HashSet<ulong> line = history.Line(runner.Turn);
        var shown = history.Records.Keys.Where(t => t <= runner.Turn).OrderByDescending(t => t).Take(count).Reverse().ToList();
        if (shown.Count == 0)
        {
            stdout.WriteLine("No turns in the kept history.");
            return;
        }
        stdout.WriteLine(" turn  time                 kind     input");
        bool anyBranch = false;
        foreach (ulong turn in shown)
        {
            TurnRecord record = history.Records[turn];
            bool off = !RewindRecord.IsRewind(record) && !line.Contains(turn);
            anyBranch |= off;
            string time = record.TimeMs == 0 ? "-".PadRight(19)
                : DateTimeOffset.FromUnixTimeMilliseconds(record.TimeMs).ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            stdout.WriteLine($"{turn,5}  {time}  {HistoryLog.Kind(record),-8} {Summary(record)}{(off ? "   [branch: undone]" : "")}");
        }
        if (history.FirstTurn is > 1 && shown[0] <= history.FirstTurn) stdout.WriteLine($"(the history before turn {history.FirstTurn} is not kept)");
        if (anyBranch) stdout.WriteLine("Turns marked [branch] are not in the current state; .rewind TURN returns to the state after any of them.");
    }

    /// <summary>.save FILE: every input on the line of turns that built the current heap, from turn 1, one after another as typed.</summary>
    public static void Save(TurnRunner runner, string file, TextWriter stdout)
    {
        HistoryLog history = Read(runner, stdout);
        List<ulong> walk = history.Walk(runner.Turn, out bool complete, out ulong missing);
        var inputs = new StringBuilder();
        int count = 0, others = 0;
        for (int i = walk.Count - 1; i >= 0; i--)
        {
            if (!history.Records.TryGetValue(walk[i], out TurnRecord? record) || RewindRecord.IsRewind(record)) continue;
            if (HistoryLog.InputText(record) is { } text)
            {
                // As .save always wrote them: one after another, each ending in one newline.
                inputs.Append(text.TrimEnd('\r', '\n')).Append('\n');
                count++;
            }
            else
            {
                others++;
            }
        }
        try
        {
            File.WriteAllText(file, inputs.ToString());
            stdout.WriteLine($"Session saved to: {file}");
            if (!complete || others > 0)
            {
                stdout.WriteLine($"({count} input{(count == 1 ? "" : "s")} that built the current state" +
                                 (complete ? ", from turn 1" : $", from turn {missing + 1}: the history before it is not kept") +
                                 (others > 0 ? $"; {others} timer/message turn{(others == 1 ? "" : "s")} in between are not inputs and are not in the file" : "") + ")");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stdout.WriteLine($"Failed to save: {file}: {e.Message}");
        }
    }

    /// <summary>.undo [N]: back to the state before the N-th most recent input of the current state.</summary>
    public static void Undo(TurnRunner runner, string argument, TextWriter stdout, Action afterTravel)
    {
        int n = 1;
        if (argument.Length > 0 && (!int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out n) || n <= 0))
        {
            stdout.WriteLine("Usage: .undo [N] (undo the last N inputs; N a positive number)");
            return;
        }
        HistoryLog history = Read(runner, stdout);
        int seen = 0;
        foreach (ulong state in history.Walk(runner.Turn, out _, out _))
        {
            if (!history.Records.TryGetValue(state, out TurnRecord? record) || !HistoryLog.IsInput(record)) continue;
            if (++seen == n)
            {
                Travel(runner, history, state - 1, RewindRecord.Undo, stdout, afterTravel);
                return;
            }
        }
        stdout.WriteLine(seen == 0 ? "Nothing to undo: no input in the kept history built the current state."
                                   : $"Cannot undo {n} inputs: the kept history holds only {seen} that built the current state.");
    }

    /// <summary>.redo: right after .undo (or several), returns to the state before the last undo not yet redone.</summary>
    public static void Redo(TurnRunner runner, TextWriter stdout, Action afterTravel)
    {
        HistoryLog history = Read(runner, stdout);
        int redone = 0;
        for (ulong t = runner.Turn; t > 0 && history.Records.TryGetValue(t, out TurnRecord? record) && RewindRecord.IsRewind(record); t--)
        {
            RewindRecord.TryDecode(record.Source, out _, out string reason);
            if (reason == RewindRecord.Redo) redone++;
            else if (reason != RewindRecord.Undo) break;
            else if (redone > 0) redone--;
            else
            {
                Travel(runner, history, t - 1, RewindRecord.Redo, stdout, afterTravel);
                return;
            }
        }
        stdout.WriteLine("Nothing to redo (.redo follows .undo; .rewind TURN returns to any turn .history lists).");
    }

    /// <summary>.rewind TURN: to the state right after TURN (on the current line or a branch).</summary>
    public static void Rewind(TurnRunner runner, string argument, TextWriter stdout, Action afterTravel)
    {
        if (!ulong.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out ulong target))
        {
            stdout.WriteLine("Usage: .rewind TURN (a turn number .history lists; 0 is the new store)");
            return;
        }
        if (target > runner.Turn)
        {
            stdout.WriteLine($"Turn {target} has not run yet (the last turn is {runner.Turn}).");
            return;
        }
        if (target == runner.Turn)
        {
            stdout.WriteLine($"The current state is already the state after turn {target}.");
            return;
        }
        Travel(runner, Read(runner, stdout), target, RewindRecord.Rewind, stdout, afterTravel);
    }

    /// <summary>.forget TURN [yes]: drops the history before TURN, after a confirmation.</summary>
    public static void Forget(TurnRunner runner, string argument, TextWriter stdout)
    {
        string[] words = argument.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length is < 1 or > 2 || !ulong.TryParse(words[0], NumberStyles.None, CultureInfo.InvariantCulture, out ulong turn) ||
            (words.Length == 2 && words[1] != "yes"))
        {
            stdout.WriteLine("Usage: .forget TURN (drops the history before TURN; it asks for a confirmation)");
            return;
        }
        var (through, paths, bytes) = runner.Store.ForgetPlan(turn);
        if (paths.Count == 0)
        {
            stdout.WriteLine($"Nothing to forget before turn {turn}: the history is dropped by whole log segments, and recovery still needs the oldest one kept.");
            return;
        }
        if (words.Length == 1)
        {
            stdout.WriteLine($"This drops the history up to turn {through} ({paths.Count} log segment{(paths.Count == 1 ? "" : "s")}, {bytes / 1024.0 / 1024.0:F1} MB): " +
                             ".history, .save, .undo, .rewind and --at will no longer reach before it, and the store can no longer be rebuilt " +
                             "by replay under another engine build. The current state is not changed.");
            stdout.WriteLine($"To confirm, type: .forget {turn} yes");
            return;
        }
        try
        {
            ulong done = runner.Store.Forget(turn);
            stdout.WriteLine($"Dropped the history up to turn {done}.");
        }
        catch (TurnLogException e)
        {
            stdout.WriteLine($"Could not drop all of it: {e.Message}");
        }
    }

    private static HistoryLog Read(TurnRunner runner, TextWriter stdout)
    {
        HistoryLog history = HistoryLog.Read(runner.Store.Layout, runner.Store.Checkpoints.StoreId);
        foreach (string problem in history.Problems) stdout.WriteLine($"(the history is damaged: {problem})");
        return history;
    }

    private static void Travel(TurnRunner runner, HistoryLog history, ulong target, string reason, TextWriter stdout, Action afterTravel)
    {
        HashSet<ulong> before = history.Line(runner.Turn);
        HashSet<ulong> after = history.Line(target);
        var undone = before.Where(t => !after.Contains(t)).Order().ToList();
        var redone = after.Where(t => !before.Contains(t)).Order().ToList();
        Dictionary<string, ulong> outboxBefore = Outbox(runner.QueryText(RuntimeHooks.OutboxState));
        try
        {
            runner.TravelTo(target, reason);
        }
        catch (Exception e) when (e is HistoryException or TurnLogException or CheckpointFailedException or EngineException)
        {
            stdout.WriteLine($"Cannot go back to turn {target}: {e.Message}. Nothing was changed.");
            return;
        }
        afterTravel();
        stdout.WriteLine($"Now at the state after turn {target} (turn {runner.Turn} records this {reason}).");
        if (undone.Count > 0)
        {
            stdout.WriteLine($"Undone: {Describe(history, undone)}; kept as a branch (.history lists it; " +
                             (reason == RewindRecord.Undo ? ".redo or " : "") + $".rewind {undone[^1]} returns to it).");
        }
        if (redone.Count > 0) stdout.WriteLine($"Back in the state: {Describe(history, redone)}.");
        // What left the process cannot be taken back.
        // The outbox as the target state had it: the rewind turn then laid
        // the numbers from before it over that (RewindRecord), so the
        // difference is what the undone turns sent.
        Dictionary<string, ulong> outboxAfter = Outbox(runner.Store.TargetOutbox);
        foreach (var (peer, next) in outboxBefore)
        {
            // A peer the earlier state never wrote to numbers from 1 (500-messaging.js).
            ulong now = outboxAfter.TryGetValue(peer, out ulong afterNext) ? afterNext : 1;
            if (next > now)
            {
                stdout.WriteLine($"Note: {next - now} message(s) to {peer} from the undone turns were already sent and cannot be taken back " +
                                 "(the log still shows them; new messages are numbered after them, so the peer takes them).");
            }
        }
        int messages = undone.Count(t => HistoryLog.Kind(history.Records[t]) == "message");
        if (messages > 0)
            stdout.WriteLine($"Note: {messages} message(s) received in the undone turns were acknowledged to their senders, who will not send them again.");
        if (undone.Count > 0)
            stdout.WriteLine("Anything the undone turns wrote outside the heap (files, output already shown) stays as it is.");
        runner.Files?.AfterTravel();
    }

    private static string Describe(HistoryLog history, List<ulong> turns)
    {
        var kinds = turns.GroupBy(t => HistoryLog.Kind(history.Records[t])).Select(g => $"{g.Count()} {(g.Count() == 1 || g.Key == "written" ? g.Key : g.Key.EndsWith("ch", StringComparison.Ordinal) ? g.Key + "es" : g.Key + "s")}");
        string range = turns.Count == 1 ? $"turn {turns[0]}" : $"turns {string.Join(", ", turns.Take(8))}{(turns.Count > 8 ? ", ..." : "")}";
        return $"{range} ({string.Join(", ", kinds)})";
    }

    // Messages queued per peer (the runtime's outbox numbering), to tell when time travel crosses sent messages.
    private static Dictionary<string, ulong> Outbox(string text)
    {
        var result = new Dictionary<string, ulong>();
        try
        {
            if (text.Length == 0) return result;
            foreach (JsonNode? node in JsonNode.Parse(text)!.AsArray())
                result[node!["to"]!.GetValue<string>()] = node["next"]!.GetValue<ulong>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
        }
        return result;
    }

    private static string Summary(TurnRecord record)
    {
        string text;
        if (RewindRecord.IsRewind(record))
        {
            RewindRecord.TryDecode(record.Source, out ulong target, out _);
            text = $"-> state after turn {target}";
        }
        else if ((record.Status & TurnRecordKinds.ProgramTurn) != 0)
        {
            text = record.Source.Split('\n')[0];
        }
        else if ((record.Status & TurnRecordKinds.HookTurn) != 0)
        {
            var (hook, arg) = HookTurnRecord.Decode(record.Source);
            text = arg is null ? hook : $"{hook} {arg}";
        }
        else
        {
            text = record.Source;
        }
        string first = text.TrimStart().Split('\n')[0].TrimEnd();
        bool more = first.Length > 60 || text.Trim().Contains('\n');
        if (first.Length > 60) first = first[..60];
        return first + (more ? " ..." : "");
    }
}
