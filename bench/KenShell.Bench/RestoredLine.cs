using System.Globalization;
using System.Text.RegularExpressions;

namespace KenShell.Bench;

/// <summary>
/// The line kenshell prints on stderr when it starts on an existing store:
/// <c>kenshell: restored turn T: checkpoint NAME (turn C, S MB, loaded in L ms)
/// + R turns replayed from the log; E ms in all</c>.
/// </summary>
/// <param name="Turn">the turn the state was restored to</param>
/// <param name="Checkpoint">the checkpoint file's name</param>
/// <param name="CheckpointTurn">the turn the checkpoint holds</param>
/// <param name="CheckpointMb">its size as kenshell prints it (MiB, one decimal)</param>
/// <param name="LoadedMs">deserializing the heap from the snapshot (JsShell.Restore); reading the file and checking its CRC come before and are not included</param>
/// <param name="Replayed">logged turns run again after the checkpoint</param>
/// <param name="TotalMs">opening the store in all: loading, reading the log, replaying</param>
public sealed partial record RestoredLine(
    long Turn,
    string Checkpoint,
    long CheckpointTurn,
    double CheckpointMb,
    double LoadedMs,
    int Replayed,
    double TotalMs)
{
    [GeneratedRegex(@"^kenshell: restored turn (\d+): checkpoint (\S+) \(turn (\d+), ([0-9.]+) MB, loaded in (\d+) ms\) \+ (\d+) turns? replayed from the log; (\d+) ms in all$",
        RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    public static RestoredLine? TryParse(string line)
    {
        Match m = Pattern().Match(line);
        if (!m.Success) return null;
        return new RestoredLine(
            long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
            m.Groups[2].Value,
            long.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[4].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture),
            int.Parse(m.Groups[6].Value, CultureInfo.InvariantCulture),
            double.Parse(m.Groups[7].Value, CultureInfo.InvariantCulture));
    }
}
