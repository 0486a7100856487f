using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace KenShell.Store;

/// <summary>
/// Appends committed turns to the store's turn log, the write-ahead part of
/// the store: a turn is committed when its record is durable, before any of
/// its output is released. Byte layout: <see cref="TurnLogFormat"/>.
///
/// Where the syncs are, and why:
///  - <see cref="Append"/> / <see cref="AppendAll"/>: one pwrite of the
///    record(s), then fdatasync. fdatasync and not fsync because only the
///    data and the file size matter for reading the record back; the
///    mtime update fsync would also force is a second journal write for
///    nothing. The caller releases the turn's output only after this
///    returns, so every turn whose output was seen survives a crash.
///    AppendAll is group commit: several records, one fdatasync.
///  - <see cref="StartSegment"/>: the header is written to a .tmp file and
///    fsynced (a new inode: all its metadata matters), renamed into place,
///    and the directory fsynced. Without the directory fsync a crash could
///    lose the new name while records appended to it had been reported
///    durable; with the rename a crash leaves the segment either absent or
///    complete with its header, never half-created.
///  - On a failed write or sync, the file is cut back (ftruncate) to its
///    last durable length and fdatasynced, so the failed records are
///    durably absent (<see cref="TurnLogException.LogUnchanged"/>). If that
///    repair fails too the writer refuses all further work: the file may
///    end with a torn record (which the reader reports as a torn tail), or,
///    if the bytes reached the disk despite the error, with a complete
///    record of a turn whose output was never released.
///
/// Not thread-safe: one writer per store, used from one thread at a time.
/// </summary>
public sealed class TurnLogWriter : IDisposable
{
    // Records of one AppendAll are gathered into writes of up to this size.
    private const int BatchBytes = 4 << 20;

    private readonly StoreLayout _layout;
    private readonly byte[] _storeId;
    private SafeFileHandle? _segment;
    private string? _segmentPath;
    private string? _broken;
    private bool _disposed;

    /// <summary>A writer with no segment open: call <see cref="Resume"/> or <see cref="StartSegment"/>.</summary>
    public TurnLogWriter(StoreLayout layout, ReadOnlySpan<byte> storeId)
    {
        if (storeId.Length != TurnLogFormat.StoreIdSize)
            throw new ArgumentException($"a store id is {TurnLogFormat.StoreIdSize} bytes", nameof(storeId));
        _layout = layout;
        _storeId = storeId.ToArray();
    }

    /// <summary>The segment records are appended to; null before the first Resume/StartSegment.</summary>
    public string? SegmentPath => _segmentPath;

    /// <summary>The first turn of the current segment.</summary>
    public ulong SegmentFirstTurn { get; private set; }

    /// <summary>Durable length of the current segment in bytes.</summary>
    public long SegmentLength { get; private set; }

    /// <summary>The turn the next appended record must have.</summary>
    public ulong NextTurn { get; private set; }

    /// <summary>True when the current segment's file was removed (rm) while open: appends would go nowhere.</summary>
    public bool SegmentRemoved => _segment is not null && FileSync.IsUnlinked(_segment);

    /// <summary>Why the writer refuses further work after a failure it could not repair; null while usable.</summary>
    public string? BrokenReason => _broken;

    /// <summary>
    /// Continues the log where a read left it: opens the segment in which
    /// <paramref name="log"/>'s valid data ends, for appending after its
    /// last good record. The log must be clean (no corruption; a torn tail
    /// already removed with <see cref="TurnLogReader.TruncateTornTail"/>)
    /// and that segment must still be the newest one.
    /// </summary>
    public void Resume(TurnLogReadResult log)
    {
        EnsureUsable();
        if (_segment is not null) throw new InvalidOperationException("a segment is already open");
        if (log.IsCorrupt) throw new InvalidOperationException("the log is damaged (" + string.Join("; ", log.Problems) + "); it cannot be continued");
        if (log.HasTornTail) throw new InvalidOperationException("the log has a torn tail: call TurnLogReader.TruncateTornTail() first");
        if (log.ValidEndPath is null || log.NextTurn is null) throw new InvalidOperationException("the log has no segment to continue: call StartSegment");
        if (log.StoreId is not null && !log.StoreId.AsSpan().SequenceEqual(_storeId))
            throw new InvalidOperationException("the log belongs to another store id");
        string path = log.ValidEndPath;
        var segments = _layout.ListLogSegments();
        if (segments.Count == 0 || segments[^1].Path != path)
            throw new InvalidOperationException($"{Path.GetFileName(path)} is no longer the newest log segment; read the log again");
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new TurnLogException($"cannot open log segment {Path.GetFileName(path)} for appending: {e.Message}", path, logUnchanged: true, inner: e);
        }
        long length = RandomAccess.GetLength(handle);
        if (length != log.ValidEndOffset)
        {
            handle.Dispose();
            throw new TurnLogException(
                $"{Path.GetFileName(path)} is {length} bytes but its valid data ends at {log.ValidEndOffset}; read the log again " +
                "(and remove a torn tail with TurnLogReader.TruncateTornTail)", path, logUnchanged: true);
        }
        _segment = handle;
        _segmentPath = path;
        SegmentFirstTurn = segments[^1].FirstTurn;
        SegmentLength = length;
        NextTurn = log.NextTurn.Value;
    }

    /// <summary>
    /// Creates segment <c>log_&lt;firstTurn&gt;</c> durably and makes it the
    /// current one; the previous segment (every record of which is already
    /// durable) is closed. <paramref name="firstTurn"/> must be
    /// <see cref="NextTurn"/> when a segment is open. Nothing to do when the
    /// current segment starts at <paramref name="firstTurn"/> and is still
    /// empty. If it fails the writer stays on the previous segment.
    /// </summary>
    public void StartSegment(ulong firstTurn)
    {
        EnsureUsable();
        if (_segment is not null && firstTurn != NextTurn)
            throw new ArgumentException($"the next segment must start at turn {NextTurn}, not {firstTurn}", nameof(firstTurn));
        // The current segment already starts there and holds no record yet: it
        // is the segment asked for. A checkpoint started at turn T opens
        // log_(T+1); when that checkpoint never became durable (the process
        // was killed while the child wrote, or the child failed) and the next
        // one is taken before any turn, that is exactly the segment again.
        // Creating it anew failed with "log_(T+1) already exists" (seen after
        // an interrupted session: restart, then .checkpoint).
        if (_segment is not null && firstTurn == SegmentFirstTurn && SegmentLength == TurnLogFormat.SegmentHeaderSize) return;
        string path = _layout.LogSegmentPath(firstTurn);
        string tmp = _layout.TemporaryLogSegmentPath(firstTurn);
        string name = Path.GetFileName(path);
        if (_layout.ListLogSegments().FirstOrDefault(s => s.FirstTurn >= firstTurn) is { Path: { } existing })
        {
            throw new TurnLogException(
                $"cannot start log segment {name}: {Path.GetFileName(existing)} already exists, and the log must stay in turn order",
                path, logUnchanged: true);
        }

        try
        {
            using (SafeFileHandle handle = File.OpenHandle(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                Span<byte> header = stackalloc byte[TurnLogFormat.SegmentHeaderSize];
                TurnLogFormat.WriteSegmentHeader(header, _storeId, firstTurn);
                FileSync.Write(handle, header, 0, tmp);
                // fsync, not fdatasync: the file is new, its inode must be on disk
                // before a name that points to it is.
                FileSync.FullSync(handle, tmp);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new TurnLogException($"cannot create log segment {name}: {e.Message}", path, logUnchanged: true, inner: e);
        }

        try
        {
            FaultInjection.BeforeRename(path);
            File.Move(tmp, path, overwrite: false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new TurnLogException($"cannot put log segment {name} in place: {e.Message}", path, logUnchanged: true, inner: e);
        }

        SafeFileHandle next;
        try
        {
            // The rename is durable only once the directory is: until then a
            // crash may lose the name, and with it every record appended to
            // the file, though each was fdatasynced.
            Durability.SyncDirectory(_layout.Directory);
            next = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.Read);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Staying on the old segment with this one left behind would put
            // the log out of order (the old one would grow past this one's
            // first turn), so the new file must go.
            bool removed = TryDelete(path) && TrySyncDirectory();
            if (!removed)
            {
                _broken = $"log segment {name} was created but is not known to be durable, and removing it failed too";
            }
            throw new TurnLogException(
                $"cannot make log segment {name} durable: {e.Message}" +
                (removed ? "" : $"; removing it failed too, so the writer cannot go on (the segment may or may not survive a crash, holding no record)"),
                path, logUnchanged: removed, inner: e);
        }

        _segment?.Dispose();
        _segment = next;
        _segmentPath = path;
        SegmentFirstTurn = firstTurn;
        SegmentLength = TurnLogFormat.SegmentHeaderSize;
        NextTurn = firstTurn;
    }

    /// <summary>
    /// Appends one record and fdatasyncs: when this returns, the turn is
    /// committed. Its turn must be <see cref="NextTurn"/>. Throws
    /// <see cref="TurnLogException"/> when the record could not be made
    /// durable.
    /// </summary>
    public void Append(TurnRecord record) => AppendAll([record]);

    /// <summary>
    /// Group commit: appends the records (consecutive turns from
    /// <see cref="NextTurn"/>) and fdatasyncs once. When this returns all of
    /// them are committed; when it throws, none may be treated as committed.
    /// </summary>
    public void AppendAll(IReadOnlyList<TurnRecord> records)
    {
        EnsureUsable();
        if (_segment is null || _segmentPath is null) throw new InvalidOperationException("no log segment is open: call Resume or StartSegment first");
        if (records.Count == 0) return;

        var sizes = new (int Size, int SourceBytes, bool Utf16)[records.Count];
        int largest = 0;
        long total = 0;
        for (int i = 0; i < records.Count; i++)
        {
            TurnRecord r = records[i];
            if (r.Turn != NextTurn + (ulong)i)
                throw new ArgumentException($"record {i} is for turn {r.Turn}, but turn {NextTurn + (ulong)i} comes next", nameof(records));
            long size = TurnLogFormat.EncodedSize(r, out int sourceBytes, out bool utf16);
            if (size - TurnLogFormat.RecordHeaderSize > TurnLogFormat.MaxPayloadLength)
            {
                throw new TurnLogException(
                    $"turn {r.Turn} is too large for the log ({size - TurnLogFormat.RecordHeaderSize} bytes of input and tape; " +
                    $"the limit is {TurnLogFormat.MaxPayloadLength}); nothing was written", _segmentPath, logUnchanged: true);
            }
            sizes[i] = ((int)size, sourceBytes, utf16);
            largest = Math.Max(largest, (int)size);
            total += size;
        }

        long start = SegmentLength;
        byte[] buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(largest, Math.Min(total, BatchBytes)));
        try
        {
            long offset = start;
            int used = 0;
            for (int i = 0; i < records.Count; i++)
            {
                if (used + sizes[i].Size > buffer.Length)
                {
                    FileSync.Write(_segment, buffer.AsSpan(0, used), offset, _segmentPath);
                    offset += used;
                    used = 0;
                }
                TurnLogFormat.WriteRecord(buffer.AsSpan(used), records[i], sizes[i].SourceBytes, sizes[i].Utf16);
                used += sizes[i].Size;
            }
            FileSync.Write(_segment, buffer.AsSpan(0, used), offset, _segmentPath);
            // The commit point: the caller may release the turns' output once
            // this returns.
            FaultInjection.Hit(FaultInjection.LogBeforeSync);
            FileSync.DataSync(_segment, _segmentPath);
        }
        catch (IOException e)
        {
            string what = records.Count == 1 ? $"turn {records[0].Turn}" : $"turns {records[0].Turn}..{records[^1].Turn}";
            throw CutBack(start, $"could not append {what} to {Path.GetFileName(_segmentPath)}: {e.Message}", e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        SegmentLength = start + total;
        NextTurn += (ulong)records.Count;
    }

    /// <summary>
    /// After a failed append: truncates the segment back to its last durable
    /// length and syncs, so the failed records are durably absent; returns
    /// the exception to throw.
    /// </summary>
    /// <remarks>
    /// Why the shell goes on after a failed write or fdatasync, where Redis
    /// (appendfsync always) exits: when Redis's fsync fails, the command has
    /// already changed its in-memory dataset and its reply is queued, and it
    /// cannot take either back, so memory and disk would disagree from then
    /// on. Here nothing of the failed turn has left the process (the caller
    /// releases output only after a successful return; G3), and the caller,
    /// TurnRunner.Commit, throws the heap away and rebuilds it from the newest
    /// checkpoint plus the log up to the last committed turn
    /// (PersistentStore.Reload), so memory again equals what is durable. What
    /// remains is the page cache after a failed fdatasync ("fsyncgate": the
    /// kernel may drop or mark clean the pages it failed to write, and a
    /// later fsync may succeed without them). Every byte before goodLength
    /// was made durable by an earlier fdatasync that succeeded; the failed
    /// bytes all lie at or after goodLength, and the ftruncate + fdatasync
    /// below puts the end of the file on disk at goodLength, so they cannot
    /// be read back whatever the kernel did with their pages. The next append
    /// writes that range again (same segment, same descriptor: the segment is
    /// not abandoned or reopened) and syncs it afresh. So a failed turn is
    /// rolled back with an error, the shell keeps serving (a full disk that
    /// empties again costs nothing, Store/DiskFullTests), and only when the
    /// cut back cannot be made durable either does the writer refuse all
    /// further appends (every later turn is then rolled back too; the shell
    /// stays up and says so for each).
    /// </remarks>
    private TurnLogException CutBack(long goodLength, string message, Exception cause)
    {
        try
        {
            FileSync.Truncate(_segment!, goodLength, _segmentPath!);
            // fdatasync covers the size change: after it the failed records
            // cannot reappear after a crash.
            FileSync.DataSync(_segment!, _segmentPath!);
            return new TurnLogException(
                $"{message}. The log was cut back to its last durable record: these turns are not in it.",
                _segmentPath, logUnchanged: true, inner: cause);
        }
        catch (IOException repair)
        {
            _broken = $"an append failed ({cause.Message}) and cutting the log back failed too ({repair.Message})";
            return new TurnLogException(
                $"{message}. Cutting the log back to its last durable record failed too ({repair.Message}): " +
                "the file may end with a partial record (reported as a torn tail when the log is next read) or, " +
                "if the data reached the disk despite the error, with the failed records complete. " +
                "This writer refuses further appends.",
                _segmentPath, logUnchanged: false, inner: cause);
        }
    }

    private void EnsureUsable()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_broken is not null) throw new TurnLogException($"the turn log writer is unusable: {_broken}", _segmentPath);
    }

    private static bool TryDelete(string path)
    {
        try
        {
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private bool TrySyncDirectory()
    {
        try
        {
            Durability.SyncDirectory(_layout.Directory);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _segment?.Dispose();
        _segment = null;
    }
}
