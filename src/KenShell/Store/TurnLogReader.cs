using System.Globalization;
using Microsoft.Win32.SafeHandles;

namespace KenShell.Store;

/// <summary>
/// Reads a store's turn log (format: <see cref="TurnLogFormat"/>), all
/// segments in order, and checks every byte of it: magics, lengths, CRCs,
/// turn numbers consecutive within and across segments, segment names
/// matching their headers, one store id throughout.
///
/// Two kinds of trouble are told apart:
///  - a torn tail: the last segment ends in an incomplete or bad record
///    with nothing valid after it, or the last segment is shorter than its
///    header. That is what a crash during an append leaves; the turn in it
///    was never acknowledged, so nothing committed is lost.
///    <see cref="TruncateTornTail"/> cuts it off.
///  - corruption: anything else. Reading stops at the last good record
///    before it and reports file, offset and what; it never skips ahead.
/// Reading never changes a file.
/// </summary>
public sealed class TurnLogReader
{
    private const int ScanChunk = 1 << 20;

    private readonly StoreLayout _layout;
    private readonly byte[]? _expectedStoreId;
    private readonly ulong _skipThroughTurn;

    /// <param name="layout">The store's files.</param>
    /// <param name="expectedStoreId">
    /// The store id every segment must carry (the one in the checkpoints);
    /// null to accept the first segment's and require the same of the rest.
    /// </param>
    /// <param name="skipThroughTurn">
    /// Segments all of whose records are turns ≤ this are not read (they
    /// are covered by the checkpoint recovery starts from); 0 reads all.
    /// </param>
    public TurnLogReader(StoreLayout layout, byte[]? expectedStoreId, ulong skipThroughTurn = 0)
    {
        _skipThroughTurn = skipThroughTurn;
        if (expectedStoreId is not null && expectedStoreId.Length != TurnLogFormat.StoreIdSize)
            throw new ArgumentException($"a store id is {TurnLogFormat.StoreIdSize} bytes", nameof(expectedStoreId));
        _layout = layout;
        _expectedStoreId = expectedStoreId?.ToArray();
    }

    /// <summary>The result of the last <see cref="Read"/> (updated by <see cref="TruncateTornTail"/>).</summary>
    public TurnLogReadResult? LastResult { get; private set; }

    public TurnLogReadResult Read()
    {
        var segments = _layout.ListLogSegments();
        if (_skipThroughTurn > 0)
        {
            int skip = 0;
            while (StoreLayout.SegmentCoveredBy(segments, skip, _skipThroughTurn)) skip++;
            segments = segments.Skip(skip).ToArray();
        }
        var state = new ReadState(segments, _expectedStoreId);
        for (int i = 0; i < state.Segments.Count && !state.Stopped; i++)
        {
            ReadSegment(state, i);
        }
        LastResult = state.ToResult();
        return LastResult;
    }

    /// <summary>
    /// Removes the torn tail the last <see cref="Read"/> found: truncates the
    /// last segment to its last good record (at the least, its header) and
    /// fsyncs it. A torn tail never starts inside the segment header: a
    /// segment shorter than its header is damage, not a torn tail
    /// (<see cref="ReadSegment"/>). Returns the number of bytes removed (0 when
    /// there was no torn tail). Refuses when the file changed since it was read.
    /// </summary>
    public long TruncateTornTail()
    {
        TurnLogReadResult result = LastResult ?? throw new InvalidOperationException("call Read() first");
        if (!result.HasTornTail) return 0;
        string path = result.TornTailPath!;
        long expectedLength = result.TornTailOffset + result.TornTailBytes;
        try
        {
            using (SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
            {
                long length = RandomAccess.GetLength(handle);
                if (length != expectedLength)
                {
                    throw new TurnLogException(
                        $"{Path.GetFileName(path)} is {length} bytes, but it was {expectedLength} when it was read; " +
                        "not truncating a file that changed meanwhile (read the log again)", path, logUnchanged: true);
                }
                if (result.TornTailOffset < TurnLogFormat.SegmentHeaderSize)
                    throw new InvalidOperationException($"a torn tail at offset {result.TornTailOffset}, inside the segment header of {Path.GetFileName(path)}");
                FileSync.Truncate(handle, result.TornTailOffset, path);
                // fsync so the repair is final: after a crash the reader
                // does not meet (and report) the same torn bytes again,
                // and the file's size on disk is the one new appends
                // continue from.
                FileSync.FullSync(handle, path);
            }
        }
        catch (IOException e) when (e is not TurnLogException)
        {
            throw new TurnLogException($"could not cut the torn tail off {Path.GetFileName(path)}: {e.Message}", path, inner: e);
        }
        LastResult = result with
        {
            TornTailPath = null,
            TornTailOffset = 0,
            TornTailBytes = 0,
        };
        return result.TornTailBytes;
    }

    private void ReadSegment(ReadState state, int index)
    {
        var (nameTurn, path) = state.Segments[index];
        bool last = index == state.Segments.Count - 1;
        string name = Path.GetFileName(path);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            state.Corrupt(path, 0, $"{name}: cannot open: {e.Message}");
            return;
        }
        using (handle)
        {
            try
            {
                ReadOpenSegment(state, index, handle, path, nameTurn, last);
            }
            catch (IOException e)
            {
                state.Corrupt(path, state.ValidEndPath == path ? state.ValidEndOffset : 0,
                    $"{name}: read error after offset {(state.ValidEndPath == path ? state.ValidEndOffset : 0)}: {e.Message}");
            }
        }
    }

    private static void ReadOpenSegment(ReadState state, int index, SafeFileHandle handle, string path, ulong nameTurn, bool last)
    {
        string name = Path.GetFileName(path);
        var file = new WindowReader(handle);
        long length = file.Length;
        if (length < TurnLogFormat.SegmentHeaderSize)
        {
            // Not a torn tail, even in the last segment: a segment is created
            // under a temporary name, its header fsynced, then renamed into
            // place, so one in place always had a whole header. A shorter one
            // was damaged (truncated, emptied) after it was made, and any
            // records it held are gone: that must be reported as damage, not
            // cut off quietly as an unfinished append (found by the torture
            // suite: an emptied newest segment lost its committed turns under
            // a message saying the input "had not completed").
            state.Corrupt(path, 0,
                $"{name} at offset 0: only {length} bytes, less than a segment header ({TurnLogFormat.SegmentHeaderSize}); " +
                (last ? "any records it held are lost" : $"{state.Segments.Count - index - 1} later segment(s) follow"));
            return;
        }
        string? problem = TurnLogFormat.CheckSegmentHeader(file.Get(0, TurnLogFormat.SegmentHeaderSize), out ulong firstTurn, out byte[] storeId);
        if (problem is not null)
        {
            state.Corrupt(path, 0, $"{name} at offset 0: {problem}");
            return;
        }
        if (firstTurn != nameTurn)
        {
            state.Corrupt(path, 0, $"{name} at offset 0: the segment header says its first turn is {firstTurn}, the file name says {nameTurn}");
            return;
        }
        if (state.StoreId is null)
        {
            state.StoreId = storeId;
        }
        else if (!storeId.AsSpan().SequenceEqual(state.StoreId))
        {
            state.Corrupt(path, 0,
                $"{name} at offset 0: belongs to another store (store id {Convert.ToHexString(storeId)}, expected {Convert.ToHexString(state.StoreId)})");
            return;
        }
        if (state.NextTurn is { } expected && firstTurn != expected)
        {
            state.Corrupt(path, 0,
                $"{name} at offset 0: the segment starts at turn {firstTurn}, but the log before it ends at turn {expected - 1} " +
                (firstTurn > expected ? $"(turns {expected}..{firstTurn - 1} are missing)" : "(turn numbers overlap)"));
            return;
        }
        state.NextTurn = firstTurn;
        state.ValidEndPath = path;
        state.ValidEndOffset = TurnLogFormat.SegmentHeaderSize;

        long offset = TurnLogFormat.SegmentHeaderSize;
        while (offset < length)
        {
            string? bad = ReadRecord(state, file, path, offset, out long next);
            if (state.Stopped) return;
            if (bad is not null)
            {
                BadRecord(state, file, path, offset, bad, last, index);
                return;
            }
            offset = next;
            state.ValidEndOffset = offset;
        }
    }

    /// <summary>
    /// Reads the record at <paramref name="offset"/>. Returns what is wrong
    /// with its bytes (a candidate torn tail), or null; a well-formed record
    /// out of sequence stops reading as corruption directly.
    /// </summary>
    private static string? ReadRecord(ReadState state, WindowReader file, string path, long offset, out long next)
    {
        next = offset;
        long remaining = file.Length - offset;
        if (remaining < TurnLogFormat.RecordHeaderSize)
            return $"incomplete record header ({remaining} of {TurnLogFormat.RecordHeaderSize} bytes before the end of the file)";
        ReadOnlySpan<byte> header = file.Get(offset, TurnLogFormat.RecordHeaderSize);
        string? problem = TurnLogFormat.CheckRecordHeader(header, out int payloadLength, out ulong turn, out uint bodyCrc);
        if (problem is not null) return problem;
        Span<byte> turnBytes = stackalloc byte[8];
        header.Slice(8, 8).CopyTo(turnBytes);
        if (remaining - TurnLogFormat.RecordHeaderSize < payloadLength)
        {
            return $"incomplete record for turn {turn}: {payloadLength} payload bytes declared, " +
                   $"{remaining - TurnLogFormat.RecordHeaderSize} present before the end of the file";
        }
        ReadOnlySpan<byte> payload = file.Get(offset + TurnLogFormat.RecordHeaderSize, payloadLength);
        if (TurnLogFormat.BodyCrc(turnBytes, payload) != bodyCrc) return $"record checksum mismatch (turn {turn}, {payloadLength} payload bytes)";
        string name = Path.GetFileName(path);
        if (turn != state.NextTurn)
        {
            state.Corrupt(path, offset,
                $"{name} at offset {offset}: a record for turn {turn} where turn {state.NextTurn} belongs " +
                (turn > state.NextTurn ? $"(turns {state.NextTurn}..{turn - 1} are missing)" : "(turn numbers go backwards)"));
            return null;
        }
        TurnRecord? record = TurnLogFormat.DecodePayload(turn, payload, out problem);
        if (record is null)
        {
            // The CRC matched, so these are the bytes that were written: a
            // writer bug or a format mismatch, not a torn write.
            state.Corrupt(path, offset, $"{name} at offset {offset}: record for turn {turn} is malformed: {problem}");
            return null;
        }
        state.Records.Add(record);
        state.NextTurn = turn + 1;
        next = offset + TurnLogFormat.RecordHeaderSize + payloadLength;
        return null;
    }

    private static void BadRecord(ReadState state, WindowReader file, string path, long offset, string problem, bool lastSegment, int index)
    {
        string name = Path.GetFileName(path);
        long rest = file.Length - offset;
        string after = state.ValidEndOffset > TurnLogFormat.SegmentHeaderSize
            ? $"the last good record is turn {state.NextTurn - 1}"
            : "no good record before it in this segment";
        if (!lastSegment)
        {
            state.Corrupt(path, offset,
                $"{name} at offset {offset}: {problem}; {rest} byte(s) to the end of this segment ({after}), " +
                $"and {state.Segments.Count - index - 1} later segment(s) follow");
            return;
        }
        if (FindValidRecord(file, offset + 1) is { } found)
        {
            state.Corrupt(path, offset,
                $"{name} at offset {offset}: {problem}; a valid record (turn {found.Turn}) follows at offset {found.Offset}, " +
                $"so this is damage, not an interrupted append ({after})");
            return;
        }
        state.Torn(path, offset, rest,
            $"{name}: torn tail at offset {offset} ({problem}): {rest} byte(s) after the last good record with nothing valid after them, " +
            $"the remains of an interrupted append ({after})");
    }

    /// <summary>The first offset ≥ <paramref name="from"/> holding a complete record whose CRCs match, if any.</summary>
    private static (long Offset, ulong Turn)? FindValidRecord(WindowReader file, long from)
    {
        ReadOnlySpan<byte> magic = TurnLogFormat.RecordMagic;
        var chunk = new byte[ScanChunk];
        long pos = from;
        while (file.Length - pos >= TurnLogFormat.RecordHeaderSize)
        {
            int n = (int)Math.Min(chunk.Length, file.Length - pos);
            file.ReadExactly(pos, chunk.AsSpan(0, n));
            for (int start = 0; ;)
            {
                int idx = chunk.AsSpan(start, n - start).IndexOf(magic);
                if (idx < 0) break;
                long candidate = pos + start + idx;
                if (IsValidRecordAt(file, candidate, out ulong turn)) return (candidate, turn);
                start += idx + 1;
            }
            if (n < chunk.Length) break;
            // The magic may straddle the chunk's end: the next chunk starts
            // that many bytes (its length minus one) earlier.
            pos += n - (magic.Length - 1);
        }
        return null;
    }

    private static bool IsValidRecordAt(WindowReader file, long offset, out ulong turn)
    {
        turn = 0;
        if (file.Length - offset < TurnLogFormat.RecordHeaderSize) return false;
        ReadOnlySpan<byte> header = file.Get(offset, TurnLogFormat.RecordHeaderSize);
        if (TurnLogFormat.CheckRecordHeader(header, out int payloadLength, out turn, out uint bodyCrc) is not null) return false;
        if (file.Length - offset - TurnLogFormat.RecordHeaderSize < payloadLength) return false;
        Span<byte> turnBytes = stackalloc byte[8];
        header.Slice(8, 8).CopyTo(turnBytes);
        return TurnLogFormat.BodyCrc(turnBytes, file.Get(offset + TurnLogFormat.RecordHeaderSize, payloadLength)) == bodyCrc;
    }

    private sealed class ReadState(IReadOnlyList<(ulong FirstTurn, string Path)> segments, byte[]? storeId)
    {
        public IReadOnlyList<(ulong FirstTurn, string Path)> Segments { get; } = segments;
        public List<TurnRecord> Records { get; } = new();
        public List<string> Problems { get; } = new();
        public byte[]? StoreId { get; set; } = storeId;
        public ulong? NextTurn { get; set; }
        public string? ValidEndPath { get; set; }
        public long ValidEndOffset { get; set; }
        public bool Stopped { get; private set; }
        private string? _tornPath;
        private long _tornOffset;
        private long _tornBytes;
        private string? _corruptPath;
        private long _corruptOffset;

        public void Corrupt(string path, long offset, string message)
        {
            Problems.Add(message);
            _corruptPath = path;
            _corruptOffset = offset;
            Stopped = true;
        }

        public void Torn(string path, long offset, long bytes, string message)
        {
            Problems.Add(message);
            _tornPath = path;
            _tornOffset = offset;
            _tornBytes = bytes;
            Stopped = true;
        }

        public TurnLogReadResult ToResult() => new()
        {
            Records = Records,
            Problems = Problems,
            StoreId = StoreId,
            Segments = Segments,
            ValidEndPath = ValidEndPath,
            ValidEndOffset = ValidEndPath is null ? 0 : ValidEndOffset,
            NextTurn = NextTurn,
            TornTailPath = _tornPath,
            TornTailOffset = _tornOffset,
            TornTailBytes = _tornBytes,
            CorruptPath = _corruptPath,
            CorruptOffset = _corruptOffset,
        };
    }

    /// <summary>Positional reads through a 1 MiB window, so small records cost no syscall each.</summary>
    private sealed class WindowReader(SafeFileHandle handle)
    {
        private readonly byte[] _window = new byte[ScanChunk];
        private long _windowStart;
        private int _windowLength;

        public long Length { get; } = RandomAccess.GetLength(handle);

        /// <summary>Bytes [offset, offset+count), which the caller has checked lie within the file. Valid until the next call.</summary>
        public ReadOnlySpan<byte> Get(long offset, int count)
        {
            if (offset >= _windowStart && offset + count <= _windowStart + _windowLength)
                return _window.AsSpan((int)(offset - _windowStart), count);
            if (count > _window.Length)
            {
                var big = new byte[count];
                ReadExactly(offset, big);
                return big;
            }
            int n = (int)Math.Min(_window.Length, Length - offset);
            ReadExactly(offset, _window.AsSpan(0, n));
            _windowStart = offset;
            _windowLength = n;
            return _window.AsSpan(0, count);
        }

        public void ReadExactly(long offset, Span<byte> destination)
        {
            while (destination.Length > 0)
            {
                int n = RandomAccess.Read(handle, destination, offset);
                if (n <= 0)
                {
                    throw new TurnLogException(
                        $"unexpected end of file at offset {offset.ToString(CultureInfo.InvariantCulture)} (the file shrank while it was read)");
                }
                destination = destination[n..];
                offset += n;
            }
        }
    }
}
