using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace KenShell.Store;

/// <summary>
/// Names of a store's files. Everything is <c>ken_&lt;addr&gt;_*</c> in one
/// directory, so <c>rm ken_*</c> resets every store there.
/// </summary>
public sealed partial class StoreLayout
{
    public StoreLayout(string directory, string address)
    {
        Directory = Path.GetFullPath(directory);
        Address = address;
        Prefix = $"ken_{address}_";
    }

    public string Directory { get; }
    public string Address { get; }
    public string Prefix { get; }

    public string LockPath => Path.Combine(Directory, Prefix + "lock");

    /// <summary>
    /// Lines typed at the prompt (the line editor's history). Not part of the
    /// heap's state: recovery never reads it; it is here so that it stays
    /// with its store and <c>rm ken_*</c> clears it.
    /// </summary>
    public string HistoryPath => Path.Combine(Directory, Prefix + "history");

    /// <summary>The store's genesis record (see <see cref="GenesisFile"/>).</summary>
    public string GenesisPath => Path.Combine(Directory, Prefix + "genesis");

    public string CheckpointPath(ulong turn) => Path.Combine(Directory, $"{Prefix}ckpt_{turn}");

    /// <summary>Where a checkpoint is written before it is renamed into place.</summary>
    public string TemporaryCheckpointPath(ulong turn) => CheckpointPath(turn) + ".tmp";

    /// <summary>Where a damaged file is moved so it is kept, reported and out of the way.</summary>
    public string QuarantinePath(string path) => AsidePath(path, "damaged");

    /// <summary>A free name <c>path.&lt;why&gt;[N]</c> to keep a file out of the way (still ken_*).</summary>
    public string AsidePath(string path, string why)
    {
        string candidate = $"{path}.{why}";
        for (int i = 1; File.Exists(candidate); i++) candidate = $"{path}.{why}{i}";
        return candidate;
    }

    /// <summary>
    /// Checkpoints present on disk, newest first. Only canonical names count:
    /// <c>ckpt_7</c>, not <c>ckpt_07</c>, <c>ckpt_7.tmp</c> or <c>ckpt_7.damaged</c>.
    /// </summary>
    public IReadOnlyList<(ulong Turn, string Path)> ListCheckpoints()
    {
        var found = new List<(ulong, string)>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, Prefix + "ckpt_*"))
        {
            string suffix = Path.GetFileName(path).Substring(Prefix.Length + "ckpt_".Length);
            // Only canonical names count (ckpt_7, not ckpt_07): the one
            // file of turn 7 is the one recovery loads and pruning removes.
            if (ulong.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out ulong turn) &&
                suffix == turn.ToString(CultureInfo.InvariantCulture))
                found.Add((turn, path));
        }
        found.Sort((a, b) => b.Item1.CompareTo(a.Item1));
        return found;
    }

    /// <summary>Leftovers of checkpoint writes that never completed.</summary>
    public IEnumerable<string> ListTemporaryFiles() =>
        System.IO.Directory.EnumerateFiles(Directory, Prefix + "ckpt_*.tmp");

    /// <summary>
    /// The turn-log segment whose first record is turn <paramref name="firstTurn"/>:
    /// <c>ken_&lt;addr&gt;_log_&lt;firstTurn&gt;</c> (decimal, no leading zeros).
    /// </summary>
    public string LogSegmentPath(ulong firstTurn) =>
        Path.Combine(Directory, $"{Prefix}log_{firstTurn.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Where a log segment is created before it is renamed into place.</summary>
    public string TemporaryLogSegmentPath(ulong firstTurn) => LogSegmentPath(firstTurn) + ".tmp";

    /// <summary>
    /// Turn-log segments present on disk, oldest (lowest first turn) first.
    /// Only canonical names count: <c>log_7</c>, not <c>log_007</c>, <c>log_7.tmp</c>
    /// or <c>log_7.damaged</c>.
    /// </summary>
    public IReadOnlyList<(ulong FirstTurn, string Path)> ListLogSegments()
    {
        var found = new List<(ulong, string)>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, Prefix + "log_*"))
        {
            string suffix = Path.GetFileName(path).Substring(Prefix.Length + "log_".Length);
            if (ulong.TryParse(suffix, NumberStyles.None, CultureInfo.InvariantCulture, out ulong first) &&
                suffix == first.ToString(CultureInfo.InvariantCulture))
                found.Add((first, path));
        }
        found.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return found;
    }

    /// <summary>
    /// Whether every turn segment <paramref name="index"/> of <paramref name="segments"/>
    /// (as <see cref="ListLogSegments"/> returns them) holds is ≤ <paramref name="turn"/>.
    /// The one place that says what a segment holds: segment i holds the turns before
    /// segment i+1's first (its name), so no segment is read; the newest segment is open
    /// ended, never covered.
    /// </summary>
    public static bool SegmentCoveredBy(IReadOnlyList<(ulong FirstTurn, string Path)> segments, int index, ulong turn) =>
        SegmentLastTurn(segments, index) is { } last && last <= turn;

    /// <summary>
    /// The last turn segment <paramref name="index"/> holds (the turn before
    /// segment i+1's first), or null for the newest segment, which is open ended.
    /// </summary>
    public static ulong? SegmentLastTurn(IReadOnlyList<(ulong FirstTurn, string Path)> segments, int index)
    {
        if (index < 0 || index + 1 >= segments.Count) return null;
        ulong nextFirst = segments[index + 1].FirstTurn;
        return nextFirst == 0 ? null : nextFirst - 1;
    }

    /// <summary>Leftovers of log segment creations that never completed.</summary>
    public IEnumerable<string> ListTemporaryLogFiles() =>
        System.IO.Directory.EnumerateFiles(Directory, Prefix + "log_*.tmp");

    /// <summary>
    /// Checks that an address is host:port (IPv4, [IPv6] or a host name) and
    /// safe as part of a file name. Returns an error message or null.
    /// </summary>
    public static string? ValidateAddress(string address)
    {
        Match m = AddressPattern().Match(address);
        if (!m.Success)
            return $"'{address}' is not an address of the form HOST:PORT (e.g. 127.0.0.1:6666 or [::1]:6666)";
        if (!int.TryParse(m.Groups["port"].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int port) || port is < 1 or > 65535)
            return $"'{address}': the port must be between 1 and 65535";
        string host = m.Groups["host"].Value;
        if (host.StartsWith('[') && !IPAddress.TryParse(host.Trim('[', ']'), out _))
            return $"'{address}': '{host}' is not an IPv6 address";
        return null;
    }

    [GeneratedRegex(@"^(?<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?):(?<port>[0-9]{1,5})$")]
    private static partial Regex AddressPattern();
}
