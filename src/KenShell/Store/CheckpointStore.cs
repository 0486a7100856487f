using KenShell.Checksums;
using System.Security.Cryptography;
using KenShell.Engine;

namespace KenShell.Store;

/// <summary>
/// The store's checkpoints: whole-heap V8 snapshots, each written by a
/// forked child; two generations kept for recovery, and older ones spaced
/// exponentially for time travel.
///
/// Durability protocol of one checkpoint (the Redis BGSAVE pattern):
///  1. fork; the child writes ken_&lt;addr&gt;_ckpt_N.tmp and fsyncs it;
///  2. the parent renames .tmp to ken_&lt;addr&gt;_ckpt_N and fsyncs the
///     directory — only now does recovery see it, complete;
///  3. checkpoints older than the previous one are removed, except those
///     kept for time travel: two generations stay, so damage to any one
///     file never loses the store.
/// A checkpoint is normally taken in the background (the shell goes on
/// running turns while the child writes; the turn log holds those turns);
/// step 2 then runs on a worker thread under <see cref="Sync"/>.
/// </summary>
public sealed class CheckpointStore
{
    private readonly StoreLayout _layout;
    private readonly TextWriter _diagnostics;
    private readonly string _engineId;
    private readonly uint _hostFunctionCount;
    private byte[] _storeId = new byte[16];
    // Checkpoints known to be intact (verified at open, or written by us), newest first.
    private readonly List<ulong> _good = new();
    private Task? _inFlight;
    private ulong _inFlightTurn;
    // Cancelled to abandon the checkpoint in flight (at exit).
    private CancellationTokenSource? _abandon;

    public CheckpointStore(StoreLayout layout, TextWriter diagnostics)
    {
        _layout = layout;
        _diagnostics = diagnostics;
        _engineId = JsShell.EngineId;
        _hostFunctionCount = JsShell.HostFunctionCount;
    }

    /// <summary>
    /// Guards the checkpoint files and the list of good ones against the
    /// worker thread that finishes background checkpoints.
    /// </summary>
    public object Sync { get; } = new();

    public StoreLayout Layout => _layout;

    /// <summary>The store's random id (from its checkpoints; new stores get a new one).</summary>
    public byte[] StoreId => _storeId;

    /// <summary>Turn of the newest durable checkpoint.</summary>
    public ulong NewestTurn { get; private set; }

    /// <summary>Turn of the older of the two kept checkpoints (what the log must cover from), or null.</summary>
    public ulong? OlderKeptTurn
    {
        get
        {
            lock (Sync) return _good.Count >= 2 ? _good[1] : null;
        }
    }

    /// <summary>How long a checkpoint child may run before it is killed and counted as failed.</summary>
    public TimeSpan CheckpointTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// True when the store's files were removed under the running shell: a
    /// finished checkpoint is then not put in place (nor old files pruned),
    /// since the directory may already hold another store under these names.
    /// </summary>
    public Func<bool>? StoreRemoved { get; init; }

    /// <summary>The pause the last checkpoint's fork caused in the shell.</summary>
    public TimeSpan LastForkPause { get; private set; }

    /// <summary>True while a background checkpoint is being written.</summary>
    public bool IsCheckpointing => _inFlight is { IsCompleted: false };

    /// <summary>Removes leftovers of checkpoint writes that never finished.</summary>
    public void RemoveUnfinished()
    {
        foreach (string tmp in _layout.ListTemporaryFiles())
        {
            // A .tmp file is a checkpoint whose writer never finished: it was
            // never renamed, so nothing depends on it. Removing it loses nothing.
            // No directory fsync after the unlink: if a crash undoes it, the
            // .tmp is back, nothing reads it (ListCheckpoints never lists a
            // .tmp name), and the next open removes it again. A later write of
            // the same turn's checkpoint opens the name with O_TRUNC. The
            // unlink is ordered against nothing that must be durable.
            _diagnostics.WriteLine($"kenshell: removing {Path.GetFileName(tmp)}: an unfinished checkpoint write (the process stopped during it)");
            File.Delete(tmp);
        }
    }

    /// <summary>
    /// Loads the newest intact checkpoint. Damaged files are reported and
    /// moved aside; a checkpoint from another engine build stops everything
    /// (<see cref="EngineMismatchException"/>). Null when there is none.
    /// </summary>
    public LoadedCheckpoint? LoadNewest(out bool sawAny)
    {
        lock (Sync)
        {
            sawAny = false;
            // The genesis record names this store. A checkpoint with another
            // store id was copied in from elsewhere: loading it would replace
            // this store's state with a stranger's.
            byte[]? expectedStoreId = CheckGenesis();
            foreach (var (turn, path) in _layout.ListCheckpoints())
            {
                sawAny = true;
                CheckpointFileView file;
                try
                {
                    file = new CheckpointFileView(path);
                }
                catch (IOException e)
                {
                    _diagnostics.WriteLine($"kenshell: cannot read {Path.GetFileName(path)}: {e.Message}; trying an older checkpoint");
                    continue;
                }
                using (file)
                {
                    ReadOnlySpan<byte> bytes = file.Span;
                    string? problem = Verify(bytes, turn, out CheckpointHeader? header);
                    // Whose it is comes before which engine wrote it: a
                    // stranger's checkpoint is set aside whatever engine wrote
                    // it, not taken for this store's own (exit 4 would stop
                    // the shell over a file that is not even its own).
                    if (problem is null && expectedStoreId is not null && !header!.StoreId.AsSpan().SequenceEqual(expectedStoreId))
                        problem = $"it belongs to another store (store id {Convert.ToHexString(header.StoreId)}, this store is {Convert.ToHexString(expectedStoreId)})";
                    if (header is not null && problem is null && header.Engine != _engineId)
                    {
                        throw new EngineMismatchException(
                            $"{Path.GetFileName(path)} was written by {header.Engine}, but this kenshell runs {_engineId}. " +
                            "A checkpoint can only be loaded by the V8 build that wrote it. Nothing was changed; " +
                            "run the kenshell build that wrote this store, or move the store's files away to start afresh.");
                    }
                    if (header is not null && problem is null && header.HostFunctionCount > _hostFunctionCount)
                    {
                        throw new EngineMismatchException(
                            $"{Path.GetFileName(path)} was written by a newer kenshell ({header.HostFunctionCount} host functions; " +
                            $"this one has {_hostFunctionCount}). Nothing was changed.", newerKenshell: true);
                    }
                    if (problem is not null)
                    {
                        Quarantine(path, problem);
                        continue;
                    }
                    var clock = System.Diagnostics.Stopwatch.StartNew();
                    JsShell shell;
                    try
                    {
                        shell = JsShell.Restore(bytes[CheckpointHeader.Size..]);
                    }
                    catch (EngineException e)
                    {
                        Quarantine(path, e.Message);
                        continue;
                    }
                    _storeId = header!.StoreId;
                    NewestTurn = turn;
                    _good.RemoveAll(t => t >= turn);
                    _good.Insert(0, turn);
                    return new LoadedCheckpoint(shell, turn, path, file.Length, clock.Elapsed);
                }
            }
            return null;
        }
    }

    /// <summary>
    /// The store id the genesis record names, to check the checkpoints
    /// against; null when there is no usable genesis record. A damaged
    /// genesis record is reported and set aside. So is one that names a store
    /// none of the checkpoints belongs to: then the genesis file is the
    /// stranger (copied in from another store), not every checkpoint; trusting
    /// it set the whole store aside and started an empty one (found by the
    /// torture suite: one foreign file must not cost the store).
    /// </summary>
    private byte[]? CheckGenesis()
    {
        GenesisFile? genesis = GenesisFile.Read(_layout, out string? problem);
        if (genesis is null)
        {
            if (File.Exists(_layout.GenesisPath)) Quarantine(_layout.GenesisPath, problem + "; the store works without it, but cannot be rebuilt with --rebuild");
            return null;
        }
        var ids = new List<byte[]>();
        foreach (var (_, path) in _layout.ListCheckpoints())
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var header = new byte[CheckpointHeader.Size];
                if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length &&
                    CheckpointHeader.TryParse(header, out _) is { } parsed)
                {
                    ids.Add(parsed.StoreId);
                }
            }
            catch (IOException) { }
        }
        if (ids.Count > 0 && !ids.Any(id => id.AsSpan().SequenceEqual(genesis.StoreId)))
        {
            Quarantine(_layout.GenesisPath,
                $"it belongs to another store (store id {Convert.ToHexString(genesis.StoreId)}), and none of this store's checkpoints does; " +
                "the store works without it, but cannot be rebuilt with --rebuild");
            return null;
        }
        return genesis.StoreId;
    }

    /// <summary>Starts a new store: a random id and turn 0 = the heap with the prelude, written synchronously.</summary>
    public void CreateGenesis(JsShell shell)
    {
        _storeId = RandomNumberGenerator.GetBytes(16);
        lock (Sync) _good.Clear();
        Commit(shell, 0);
    }

    /// <summary>
    /// Sets every checkpoint file aside (kept, renamed <c>*.other-engine</c>):
    /// the store is about to be rebuilt by replay under this engine.
    /// </summary>
    public void SetAsideAll(byte[] storeId)
    {
        lock (Sync)
        {
            foreach (var (_, path) in _layout.ListCheckpoints())
            {
                string aside = _layout.AsidePath(path, "other-engine");
                File.Move(path, aside);
                _diagnostics.WriteLine($"kenshell: kept {Path.GetFileName(path)} as {Path.GetFileName(aside)} (written by another engine build)");
            }
            Durability.SyncDirectory(_layout.Directory);
            _good.Clear();
            _storeId = storeId;
            NewestTurn = 0;
        }
    }

    /// <summary>
    /// Read-only opens (--at): the store id is taken from the genesis record
    /// or a checkpoint header (<see cref="ReadAnyStoreId"/>) instead of by loading.
    /// </summary>
    public void AdoptStoreId(byte[] storeId) => _storeId = storeId;

    /// <summary>The store id in the newest checkpoint header that parses, or null. Reads only headers.</summary>
    public byte[]? ReadAnyStoreId()
    {
        foreach (var (_, path) in _layout.ListCheckpoints())
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                var header = new byte[CheckpointHeader.Size];
                if (stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length &&
                    CheckpointHeader.TryParse(header, out _) is { } parsed)
                {
                    return parsed.StoreId;
                }
            }
            catch (IOException) { }
        }
        return null;
    }

    /// <summary>Checks a checkpoint file's bytes. Returns why it is bad, or null.</summary>
    public static string? Verify(ReadOnlySpan<byte> bytes, ulong expectedTurn, out CheckpointHeader? header)
    {
        header = CheckpointHeader.TryParse(bytes, out string? problem);
        if (header is null) return bytes.Length == 0 ? "empty file" : problem;
        if (header.Turn != expectedTurn) return $"header says turn {header.Turn}, file name says {expectedTurn}";
        long expected = CheckpointHeader.Size + (long)header.BlobSize;
        if (bytes.Length != expected)
            return $"truncated or extended: {bytes.Length} bytes, expected {expected}";
        if (Crc32C.Compute(bytes.Slice(CheckpointHeader.Size)) != header.BlobCrc) return "checksum mismatch in the snapshot data";
        return null;
    }

    private void Quarantine(string path, string problem)
    {
        // Never delete what might be someone's data: move it aside under a
        // ken_* name (so rm ken_* still resets) and say so.
        string aside = _layout.QuarantinePath(path);
        try
        {
            Durability.RenameDurably(path, aside);
            _diagnostics.WriteLine($"kenshell: {Path.GetFileName(path)} is damaged ({problem}); skipped it and kept it as {Path.GetFileName(aside)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.WriteLine($"kenshell: {Path.GetFileName(path)} is damaged ({problem}); skipped it (could not move it aside: {e.Message})");
        }
        _good.RemoveAll(t => _layout.CheckpointPath(t) == path);
    }

    /// <summary>
    /// Writes a checkpoint of the heap as it is now, as turn
    /// <paramref name="turn"/>, and waits until it is durable. Throws
    /// <see cref="CheckpointFailedException"/> when it cannot; the previous
    /// checkpoints are then untouched.
    /// </summary>
    public void Commit(JsShell shell, ulong turn)
    {
        CheckpointWriter writer = Begin(shell, turn);
        Finish(writer, turn);
    }

    /// <summary>
    /// Forks a checkpoint of the heap as it is now and returns at once; a
    /// worker thread waits for the child and puts the file in place.
    /// <paramref name="onDone"/> runs on that thread, outside <see cref="Sync"/>,
    /// with null on success or why it failed.
    /// </summary>
    public void BeginBackground(JsShell shell, ulong turn, Action<ulong, string?> onDone)
    {
        if (IsCheckpointing) throw new InvalidOperationException("a checkpoint is already being written");
        CheckpointWriter writer;
        try
        {
            writer = Begin(shell, turn);
        }
        catch (CheckpointFailedException e)
        {
            onDone(turn, e.Message);
            return;
        }
        var abandon = new CancellationTokenSource();
        _abandon?.Dispose();
        _abandon = abandon;
        _inFlightTurn = turn;
        _inFlight = Task.Run(() =>
        {
            string? failure = null;
            try
            {
                Finish(writer, turn, abandon.Token);
            }
            catch (CheckpointFailedException e)
            {
                failure = e.Message;
            }
            // Abandoned on purpose: nothing failed, nothing to retry.
            if (failure is null || !abandon.IsCancellationRequested) onDone(turn, failure);
        });
    }

    /// <summary>Waits for a background checkpoint, if one is being written. False on timeout.</summary>
    public bool WaitForBackground(TimeSpan timeout) => _inFlight is null || _inFlight.Wait(timeout);

    /// <summary>
    /// At exit: lets a background checkpoint that is being written finish
    /// within <paramref name="grace"/>; after that kills its writer and
    /// removes its .tmp file. Losing it costs nothing: the turn log holds
    /// every turn it would have covered, the previous checkpoints are
    /// untouched, and the next start replays a little more. Returns the turn
    /// of the checkpoint abandoned, or null when none was.
    /// </summary>
    public ulong? AbandonBackground(TimeSpan grace)
    {
        if (_inFlight is not { } task || task.IsCompleted) return null;
        if (grace > TimeSpan.Zero && task.Wait(grace)) return null;
        _abandon!.Cancel();
        // The worker kills the child within milliseconds of the cancel and
        // deletes the file; the bound only guards against a wedged kernel.
        task.Wait(TimeSpan.FromSeconds(30));
        return File.Exists(_layout.CheckpointPath(_inFlightTurn)) ? null : _inFlightTurn;
    }

    private CheckpointWriter Begin(JsShell shell, ulong turn)
    {
        try
        {
            CheckpointWriter writer = shell.BeginCheckpoint(_layout.TemporaryCheckpointPath(turn), turn, _storeId);
            LastForkPause = writer.ForkPause;
            return writer;
        }
        catch (EngineException e)
        {
            throw new CheckpointFailedException(e.Message);
        }
    }

    private void Finish(CheckpointWriter writer, ulong turn, CancellationToken abandon = default)
    {
        string tmp = _layout.TemporaryCheckpointPath(turn);
        string final = _layout.CheckpointPath(turn);
        string? failure = writer.Wait(CheckpointTimeout, abandon);
        failure ??= FaultInjection.CheckpointChildFault(tmp);
        if (failure is null && StoreRemoved?.Invoke() == true) failure = "the store's files were removed while the shell ran";
        lock (Sync)
        {
            if (failure is not null)
            {
                // No directory fsync: a .tmp that comes back after a crash is
                // never read and is removed at the next open (RemoveUnfinished).
                TryDelete(tmp);
                throw new CheckpointFailedException(failure);
            }
            try
            {
                // The child fsynced the file; this rename and the directory
                // fsync make it the newest durable checkpoint.
                FaultInjection.Hit(FaultInjection.CheckpointBeforeRename);
                FaultInjection.BeforeRename(final);
                File.Move(tmp, final, overwrite: true);
                FaultInjection.Hit(FaultInjection.CheckpointAfterRename);
                Durability.SyncDirectory(_layout.Directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                TryDelete(tmp);
                throw new CheckpointFailedException($"could not put the checkpoint in place: {e.Message}");
            }
            NewestTurn = Math.Max(NewestTurn, turn);
            _good.RemoveAll(t => t == turn);
            _good.Add(turn);
            _good.Sort((a, b) => b.CompareTo(a));
            PruneOldGenerations();
        }
    }

    /// <summary>
    /// How far apart (in turns) the older checkpoints kept for time travel
    /// are, at the finest: the checkpoint interval.
    /// </summary>
    public ulong HistorySpacing { get; init; } = 1000;

    private void PruneOldGenerations()
    {
        // Keep the newest two intact checkpoints (recovery's two generations),
        // and, for time travel (--at, .rewind, .undo), older checkpoints spaced
        // exponentially: a checkpoint whose age (turns before the newest) is
        // about 2^k spacings is kept when it is the first checkpoint in its
        // window of 2^k spacings (KeepForHistory). Reaching a turn then
        // replays at most about as many turns as the turn's age, with
        // O(log(turns)) checkpoints on disk; turn 0's is always kept.
        //
        // Only files this process verified or wrote are among _good; older
        // files on disk are judged by the same rule. Damaged ones were moved
        // aside and are never touched here.
        //
        // These unlinks (TryDelete) are not followed by a directory fsync, on
        // purpose. They run only after the new checkpoint's rename and its
        // directory fsync (Finish), so no crash can keep a deletion while
        // losing the checkpoint that made it safe. A crash may undo a
        // deletion: an intact older checkpoint comes back; recovery loads the
        // newest intact checkpoint first, and the next prune removes it again.
        // The log is never pruned here: it is the history.
        while (_good.Count > 2) _good.RemoveAt(_good.Count - 1);
        if (_good.Count < 2) return;
        var onDisk = _layout.ListCheckpoints().Select(c => c.Turn).ToList();
        foreach (var (turn, path) in _layout.ListCheckpoints())
        {
            if (turn >= _good[1]) continue;
            // An older file this process never verified (left by an earlier
            // run, or copied in) is kept or deleted only if its header says
            // it is this store's; anything else is set aside, never deleted
            // (S13), and never counts as a state time travel can reach.
            if (NotOurs(path) is { } problem)
            {
                Quarantine(path, problem);
                onDisk.Remove(turn);
                continue;
            }
            if (KeepForHistory(turn, _good[0], onDisk, HistorySpacing)) continue;
            FaultInjection.Hit(FaultInjection.DuringPruning);
            TryDelete(path);
            onDisk.Remove(turn);
        }
    }

    /// <summary>Why the checkpoint file at <paramref name="path"/> is not one of this store's (its header alone), or null.</summary>
    private string? NotOurs(string path)
    {
        byte[] head = new byte[CheckpointHeader.Size];
        try
        {
            using FileStream stream = File.OpenRead(path);
            stream.ReadExactly(head);
        }
        catch (EndOfStreamException)
        {
            return "shorter than a checkpoint header";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read its header: {e.Message}";
        }
        CheckpointHeader? header = CheckpointHeader.TryParse(head, out string? problem);
        if (header is null) return problem ?? "not a checkpoint header";
        if (!header.StoreId.AsSpan().SequenceEqual(_storeId))
            return $"it belongs to another store (store id {Convert.ToHexString(header.StoreId)})";
        return null;
    }
    /// <summary>
    /// Whether an older checkpoint of <paramref name="turn"/> stays for time
    /// travel: it is the first of the checkpoints in its window, whose size
    /// doubles with the checkpoint's age (the first is kept as its window
    /// grows: a window of one size is two of the size below).
    /// </summary>
    public static bool KeepForHistory(ulong turn, ulong newest, IReadOnlyList<ulong> checkpoints, ulong spacing)
    {
        spacing = Math.Max(1, spacing);
        ulong age = newest - turn;
        int level = 0;
        while (level < 62 && (spacing << (level + 1)) <= age) level++;
        ulong window = spacing << level;
        return !checkpoints.Any(c => c < turn && c / window == turn / window);
    }

    /// <summary>
    /// Loads the checkpoint of <paramref name="turn"/> without changing any
    /// file (time travel, --at): null with the reason when it is damaged,
    /// from another engine build or store, or V8 refuses it.
    /// </summary>
    public JsShell? TryLoad(ulong turn, byte[]? expectedStoreId, out string? problem)
    {
        try
        {
            using var file = new CheckpointFileView(_layout.CheckpointPath(turn));
            problem = Loadable(file.Span, turn, expectedStoreId);
            if (problem is not null) return null;
            return JsShell.Restore(file.Span[CheckpointHeader.Size..]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or EngineException)
        {
            problem = e.Message;
            return null;
        }
    }

    /// <summary>
    /// Why the checkpoint of <paramref name="turn"/> cannot be loaded, or null
    /// when its checks pass (only V8 restoring it can still refuse). Reads the
    /// file, changes nothing.
    /// </summary>
    public string? CheckLoadable(ulong turn, byte[]? expectedStoreId)
    {
        try
        {
            using var file = new CheckpointFileView(_layout.CheckpointPath(turn));
            return Loadable(file.Span, turn, expectedStoreId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
    }

    private string? Loadable(ReadOnlySpan<byte> bytes, ulong turn, byte[]? expectedStoreId)
    {
        string? problem = Verify(bytes, turn, out CheckpointHeader? header);
        if (problem is null && header!.Engine != _engineId) problem = $"written by {header.Engine}";
        if (problem is null && header!.HostFunctionCount > _hostFunctionCount) problem = "written by a newer kenshell";
        if (problem is null && expectedStoreId is not null && !header!.StoreId.AsSpan().SequenceEqual(expectedStoreId))
            problem = "it belongs to another store";
        return problem;
    }

    private void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.WriteLine($"kenshell: could not remove {Path.GetFileName(path)}: {e.Message}");
        }
    }
}
