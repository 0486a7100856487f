namespace KenShell.Store;

/// <summary>
/// What <see cref="TurnLogReader.Read"/> found: the records up to the last
/// good one, and why reading stopped if it stopped before the end of the
/// log. At most one of <see cref="HasTornTail"/> and <see cref="IsCorrupt"/>
/// is true: reading stops at the first bad byte.
/// </summary>
public sealed record TurnLogReadResult
{
    /// <summary>Every good record, in turn order, up to the first problem.</summary>
    public required IReadOnlyList<TurnRecord> Records { get; init; }

    /// <summary>Human-readable: file, byte offset, what is wrong. Empty when the log is clean.</summary>
    public required IReadOnlyList<string> Problems { get; init; }

    /// <summary>The store id in the segment headers that were read (null when none was).</summary>
    public byte[]? StoreId { get; init; }

    /// <summary>Segments found on disk, oldest first (whether or not reading got to them).</summary>
    public IReadOnlyList<(ulong FirstTurn, string Path)> Segments { get; init; } = [];

    /// <summary>The segment in which the valid data ends (null when no segment has a good header).</summary>
    public string? ValidEndPath { get; init; }

    /// <summary>Byte offset in <see cref="ValidEndPath"/> just past the last good record (or its header, if it has none).</summary>
    public long ValidEndOffset { get; init; }

    /// <summary>The turn the next record must have; null when no segment has a good header.</summary>
    public ulong? NextTurn { get; init; }

    /// <summary>
    /// The last segment ends with the remains of an interrupted append (or an
    /// interrupted segment creation): normal after a crash, no committed turn
    /// is lost. <see cref="TurnLogReader.TruncateTornTail"/> removes it.
    /// </summary>
    public bool HasTornTail => TornTailPath is not null;

    /// <summary>The segment with the torn tail.</summary>
    public string? TornTailPath { get; init; }

    /// <summary>Where the torn tail starts in <see cref="TornTailPath"/>; 0 when even the segment header is incomplete.</summary>
    public long TornTailOffset { get; init; }

    /// <summary>Length of the torn tail in bytes (0 for an empty segment file).</summary>
    public long TornTailBytes { get; init; }

    /// <summary>
    /// Damage that is not a torn tail: a bad record with more data after it,
    /// a bad segment header, a gap in the turn numbers, another store's
    /// segment. Records after it were not read; nothing was changed on disk.
    /// </summary>
    public bool IsCorrupt => CorruptPath is not null;

    /// <summary>The file where the damage is.</summary>
    public string? CorruptPath { get; init; }

    /// <summary>Byte offset of the damage in <see cref="CorruptPath"/>.</summary>
    public long CorruptOffset { get; init; }
}
