using System.Globalization;
using System.Text.RegularExpressions;

namespace KenShell.Bench;

/// <summary>
/// kenshell's checkpoint trace (KENSHELL_TRACE=1) as read from its stderr:
/// <c>kenshell: trace: checkpoint of turn N started; fork pause X ms</c> when
/// the parent has forked the child that writes the checkpoint, and
/// <c>kenshell: trace: checkpoint of turn N durable after Y ms</c> when the
/// file is committed. A checkpoint that fails prints a warning instead of the
/// second line; it ends the checkpoint all the same.
/// </summary>
public static partial class CheckpointTrace
{
    /// <summary>The environment that turns the trace on.</summary>
    public const string TraceVariable = "KENSHELL_TRACE";

    /// <summary>kenshell takes a background checkpoint after this many turns (default 1000).</summary>
    public const string EveryVariable = "KENSHELL_CHECKPOINT_EVERY";

    [GeneratedRegex(@"^kenshell: trace: checkpoint of turn (\d+) started; fork pause ([0-9.]+) ms$", RegexOptions.CultureInvariant)]
    private static partial Regex StartedPattern();

    [GeneratedRegex(@"^kenshell: trace: checkpoint of turn (\d+) durable after ([0-9.]+) ms$", RegexOptions.CultureInvariant)]
    private static partial Regex DurablePattern();

    [GeneratedRegex(@"^kenshell: warning: the checkpoint of turn (\d+) failed", RegexOptions.CultureInvariant)]
    private static partial Regex FailedPattern();

    /// <summary>The environment for a traced kenshell that checkpoints after every <paramref name="every"/> turns.</summary>
    public static Dictionary<string, string> Environment(long every) => new()
    {
        [TraceVariable] = "1",
        [EveryVariable] = every.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A "started" line: the checkpoint's turn and the parent's fork pause.</summary>
    public static bool IsStarted(string line, out long turn, out double forkPauseMs) =>
        Match(StartedPattern(), line, out turn, out forkPauseMs);

    /// <summary>A "durable" line: the checkpoint's turn and its time from start to commit.</summary>
    public static bool IsDurable(string line, out long turn, out double elapsedMs) =>
        Match(DurablePattern(), line, out turn, out elapsedMs);

    /// <summary>A durable line or a failure warning: the child is gone either way.</summary>
    public static bool IsEnd(string line) => IsDurable(line, out _, out _) || FailedPattern().IsMatch(line);

    public static bool IsFailure(string line) => FailedPattern().IsMatch(line);

    /// <summary>
    /// Whether a checkpoint was being written at <paramref name="timestamp"/>,
    /// judged from the lines that had arrived by then (kenshell writes one
    /// checkpoint at a time); if so, <paramref name="startedAt"/> is when its
    /// "started" line arrived.
    /// </summary>
    public static bool InFlightAt(IReadOnlyList<TimedLine> lines, long timestamp, out long startedAt)
    {
        startedAt = 0;
        bool inFlight = false;
        foreach (TimedLine line in lines)
        {
            if (line.Timestamp > timestamp) break;
            if (IsStarted(line.Text, out _, out _)) (inFlight, startedAt) = (true, line.Timestamp);
            else if (IsEnd(line.Text)) inFlight = false;
        }
        return inFlight;
    }

    /// <summary>True when every checkpoint started so far has ended.</summary>
    public static bool NoneInFlight(IReadOnlyList<TimedLine> lines) => !InFlightAt(lines, long.MaxValue, out _);

    private static bool Match(Regex pattern, string line, out long turn, out double millis)
    {
        System.Text.RegularExpressions.Match match = pattern.Match(line);
        turn = 0;
        millis = 0;
        if (!match.Success) return false;
        turn = long.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        millis = double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture);
        return true;
    }
}
