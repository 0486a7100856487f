using System.Diagnostics;
using System.Security.Cryptography;
using KenShell.Engine;

namespace KenShell.Store;

/// <summary>
/// The store: checkpoints of the whole heap, one per committed turn, and
/// recovery from the newest intact one.
///
/// Durability protocol for a turn (the Redis BGSAVE pattern):
///  1. fork; the child writes ken_&lt;addr&gt;_ckpt_N.tmp and fsyncs it;
///  2. the parent renames .tmp to ken_&lt;addr&gt;_ckpt_N and fsyncs the
///     directory — from this instant turn N survives any crash;
///  3. only then is the turn's output released (output commit, G3);
///  4. checkpoints older than the previous one are removed: two generations
///     stay, so damage to any one file costs at most the newest turn.
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

    public CheckpointStore(StoreLayout layout, TextWriter diagnostics)
    {
        _layout = layout;
        _diagnostics = diagnostics;
        _engineId = JsShell.EngineId;
        _hostFunctionCount = JsShell.HostFunctionCount;
    }

    public StoreLayout Layout => _layout;

    /// <summary>Turn number of the newest durable checkpoint.</summary>
    public ulong Turn { get; private set; }

    /// <summary>How long a checkpoint child may run before it is killed and counted as failed.</summary>
    public TimeSpan CheckpointTimeout { get; init; } = TimeSpan.FromMilliseconds(
        int.TryParse(Environment.GetEnvironmentVariable("KENSHELL_CHECKPOINT_TIMEOUT_MS"), out int ms) ? ms : 300_000);

    /// <summary>The pause the last checkpoint's fork caused.</summary>
    public TimeSpan LastForkPause { get; private set; }

    /// <summary>
    /// Opens the store: loads the newest intact checkpoint, or creates a new
    /// store when there is none. Damaged files are reported and kept aside.
    /// </summary>
    public (JsShell Shell, RecoveryReport Report) Open(Func<JsShell> createFresh)
    {
        var clock = Stopwatch.StartNew();
        foreach (string tmp in _layout.ListTemporaryFiles())
        {
            // A .tmp file is a checkpoint whose writer never finished: it was
            // never renamed, so no turn depends on it. Removing it loses nothing.
            _diagnostics.WriteLine($"kenshell: removing {Path.GetFileName(tmp)}: an unfinished checkpoint write (the process stopped during it)");
            File.Delete(tmp);
        }

        var loaded = LoadNewestGood(out bool sawAny);
        if (loaded is { } found)
        {
            return (found.Shell, new RecoveryReport(false, Turn, found.Path, found.Bytes, clock.Elapsed));
        }
        if (sawAny)
        {
            _diagnostics.WriteLine("kenshell: warning: no intact checkpoint is left; starting a new, empty store. " +
                                   "The damaged files were kept (*.damaged) and nothing was deleted.");
        }

        // A new store: a random id, and turn 0 = the heap with the prelude.
        _storeId = RandomNumberGenerator.GetBytes(16);
        JsShell shell = createFresh();
        try
        {
            Turn = 0;
            _good.Clear();
            Commit(shell, 0);
        }
        catch
        {
            shell.Dispose();
            throw;
        }
        return (shell, new RecoveryReport(true, 0, null, 0, clock.Elapsed));
    }

    /// <summary>
    /// Rolls back: a fresh isolate from the newest durable checkpoint (the
    /// state after the last committed turn).
    /// </summary>
    public JsShell Reload()
    {
        var loaded = LoadNewestGood(out _);
        if (loaded is null) throw new CheckpointFailedException("no intact checkpoint to roll back to");
        return loaded.Value.Shell;
    }

    private (JsShell Shell, string Path, long Bytes)? LoadNewestGood(out bool sawAny)
    {
        sawAny = false;
        foreach (var (turn, path) in _layout.ListCheckpoints())
        {
            sawAny = true;
            byte[] bytes;
            try
            {
                bytes = File.ReadAllBytes(path);
            }
            catch (IOException e)
            {
                _diagnostics.WriteLine($"kenshell: cannot read {Path.GetFileName(path)}: {e.Message}; trying an older checkpoint");
                continue;
            }
            string? problem = Verify(bytes, turn, out CheckpointHeader? header);
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
                    $"this one has {_hostFunctionCount}). Nothing was changed.");
            }
            if (problem is not null)
            {
                Quarantine(path, problem);
                continue;
            }
            JsShell shell;
            try
            {
                shell = JsShell.Restore(bytes.AsSpan(CheckpointHeader.Size));
            }
            catch (EngineException e)
            {
                Quarantine(path, e.Message);
                continue;
            }
            _storeId = header!.StoreId;
            Turn = turn;
            _good.RemoveAll(t => t >= turn);
            _good.Insert(0, turn);
            return (shell, path, bytes.LongLength);
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
            File.Move(path, aside);
            Durability.SyncDirectory(_layout.Directory);
            _diagnostics.WriteLine($"kenshell: {Path.GetFileName(path)} is damaged ({problem}); skipped it and kept it as {Path.GetFileName(aside)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.WriteLine($"kenshell: {Path.GetFileName(path)} is damaged ({problem}); skipped it (could not move it aside: {e.Message})");
        }
        _good.RemoveAll(t => _layout.CheckpointPath(t) == path);
    }

    /// <summary>
    /// Makes the heap's current state durable as turn <paramref name="turn"/>.
    /// Throws <see cref="CheckpointFailedException"/> when it cannot; the
    /// previous durable state is then untouched.
    /// </summary>
    public void Commit(JsShell shell, ulong turn)
    {
        string tmp = _layout.TemporaryCheckpointPath(turn);
        string final = _layout.CheckpointPath(turn);
        CheckpointWriter writer;
        try
        {
            writer = shell.BeginCheckpoint(tmp, turn, _storeId);
        }
        catch (EngineException e)
        {
            throw new CheckpointFailedException(e.Message);
        }
        LastForkPause = writer.ForkPause;
        string? failure = writer.Wait(CheckpointTimeout);
        if (failure is not null)
        {
            TryDelete(tmp);
            throw new CheckpointFailedException(failure);
        }
        try
        {
            // The child fsynced the file; this rename + directory fsync is the
            // commit point of the turn.
            Durability.RenameDurably(tmp, final);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(tmp);
            throw new CheckpointFailedException($"could not put the checkpoint in place: {e.Message}");
        }
        Turn = turn;
        _good.RemoveAll(t => t >= turn);
        _good.Insert(0, turn);
        PruneOldGenerations();
    }

    private void PruneOldGenerations()
    {
        // Keep the newest two intact checkpoints; everything older is covered.
        // Only files this process verified or wrote are removed; damaged ones
        // were moved aside and are never touched here.
        while (_good.Count > 2)
        {
            ulong old = _good[^1];
            _good.RemoveAt(_good.Count - 1);
            TryDelete(_layout.CheckpointPath(old));
        }
        foreach (var (turn, path) in _layout.ListCheckpoints())
        {
            if (_good.Count == 2 && turn < _good[1]) TryDelete(path);
        }
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
