using System.Diagnostics;
using KenShell.Engine;

namespace KenShell.Store;

/// <summary>
/// The whole store: the turn log (write-ahead, one small fdatasync per
/// turn) plus checkpoints taken in the background.
///
///  - Commit of a turn = its log record is durable. Only then is the turn's
///    output released. The cost is one append + fdatasync, whatever the
///    heap size.
///  - Every so often (by turns, log bytes or replay cost since the last
///    one) a checkpoint of the heap is forked off in the background; the
///    log continues in a new segment. When the checkpoint is durable, log
///    segments older than the older of the two kept checkpoints go.
///  - Recovery and rollback = newest intact checkpoint + replay of the
///    logged turns after it, each fed the outside values (clock,
///    randomness) it consumed the first time, each checked against the
///    digest of the output it printed the first time.
/// </summary>
public sealed class PersistentStore : IDisposable
{
    private readonly StoreLayout _layout;
    private readonly TextWriter _diagnostics;
    private readonly bool _progressOnTerminal;
    private readonly CheckpointStore _checkpoints;
    private TurnLogWriter? _writer;
    private readonly CheckpointPolicy _policy;
    private long _bytesSinceCheckpoint;
    private ulong _turnsSinceCheckpoint;
    private TimeSpan _runTimeSinceCheckpoint;
    private int _failedCheckpoints;
    /// <summary>One stderr line per checkpoint (KENSHELL_TRACE=1, for benchmarks).</summary>
    public bool Trace { get; init; }

    /// <summary>When a replay shows its progress bar on a terminal (KENSHELL_PROGRESS_AFTER_MS).</summary>
    public TimeSpan ProgressAfter { get; init; } = TimeSpan.FromSeconds(1);
    private readonly Stopwatch _checkpointClock = new();
    // The runtime source a heap is built from when a state must be reached
    // from turn 0 by replay (a rebuild under another engine).
    private string? _prelude;
    private int _divergences;
    private bool _rebuilding;
    // The rewind turn the last Replay stopped at (its target unreachable), or 0.
    private ulong _stoppedAt;

    public PersistentStore(StoreLayout layout, TextWriter diagnostics, CheckpointPolicy policy, bool progressOnTerminal)
    {
        _layout = layout;
        _diagnostics = diagnostics;
        _policy = policy;
        _progressOnTerminal = progressOnTerminal;
        _checkpoints = new CheckpointStore(layout, diagnostics)
        {
            StoreRemoved = () => RemovedProblem() is not null,
            CheckpointTimeout = policy.CheckpointTimeout,
            HistorySpacing = policy.Turns,
        };
    }

    public StoreLayout Layout => _layout;

    public CheckpointStore Checkpoints => _checkpoints;

    /// <summary>The store's lock, held by this process; checked with the log for removed files.</summary>
    public StoreLock? Lock { get; init; }

    /// <summary>
    /// Why the store can no longer be written, when its files were removed
    /// while this shell ran (the open log segment or the lock file has no
    /// name left); null while they are in place. Two fstat calls.
    /// </summary>
    public string? RemovedProblem()
    {
        bool log = _writer?.SegmentRemoved == true;
        bool lockFile = Lock?.IsRemoved == true;
        if (!log && !lockFile) return null;
        string which = log && lockFile ? "its turn log and lock file" : log ? "its turn log" : "its lock file";
        return $"the store's files were removed while this shell ran ({which}: ken_{_layout.Address}_* in {_layout.Directory}); " +
               "nothing more can be saved, so this shell stops: this input and anything after it were not saved. " +
               "A new shell on this address starts a new store.";
    }

    private void ThrowIfRemoved()
    {
        if (RemovedProblem() is { } problem) throw new StoreRemovedException(problem);
    }

    /// <summary>
    /// Runs on every heap as soon as it exists (fresh, restored or rebuilt),
    /// before any turn is replayed: per-process setup such as the shell's identity.
    /// </summary>
    public Action<JsShell>? PrepareShell { get; init; }

    /// <summary>The last committed turn.</summary>
    public ulong Turn { get; private set; }

    /// <summary>
    /// Opens the store: the newest intact checkpoint plus the log after it,
    /// or a new store. Reports what it did on the diagnostics writer.
    /// </summary>
    public (JsShell Shell, RecoveryReport Report) Open(string prelude, bool rebuild)
    {
        var clock = Stopwatch.StartNew();
        _prelude = prelude;
        _checkpoints.RemoveUnfinished();
        if (File.Exists(_layout.GenesisPath + ".tmp"))
        {
            // A genesis write that never finished: never renamed, so nothing uses it.
            File.Delete(_layout.GenesisPath + ".tmp");
            _diagnostics.WriteLine($"kenshell: removed {Path.GetFileName(_layout.GenesisPath)}.tmp: an unfinished genesis write");
        }
        foreach (string tmp in TurnLogPruner.DeleteUnfinishedSegments(_layout))
            _diagnostics.WriteLine($"kenshell: removed {Path.GetFileName(tmp)}: an unfinished log segment creation");

        LoadedCheckpoint? loaded;
        bool sawAny;
        try
        {
            loaded = _checkpoints.LoadNewest(out sawAny);
        }
        catch (EngineMismatchException e) when (!e.NewerKenshell)
        {
            // An engine change is a migration: the kept history rebuilds the
            // heap by replay (--rebuild only says so explicitly).
            string? obstacle = RebuildObstacle();
            if (obstacle is not null) throw new EngineMismatchException(e.Message + $" It cannot be rebuilt by replay: {obstacle}.");
            _diagnostics.WriteLine($"kenshell: {e.Message.Split(". ")[0]}: migrating the store to this engine{(rebuild ? "" : " automatically")}");
            return RebuildByReplay(prelude, clock);
        }
        if (loaded is null && (sawAny || _layout.ListLogSegments().Count > 0) && RebuildObstacle() is null)
        {
            // No intact checkpoint, but the whole history and the genesis
            // record: the state is rebuilt by replay from turn 0, as for an
            // engine migration (also what finishes a migration killed before
            // its checkpoint was durable: its old checkpoints are already aside).
            _diagnostics.WriteLine("kenshell: no intact checkpoint of this engine is left; rebuilding the state from the kept history");
            try
            {
                return RebuildByReplay(prelude, clock);
            }
            catch (EngineMismatchException e)
            {
                _diagnostics.WriteLine($"kenshell: {e.Message}");
            }
        }
        if (loaded is null)
        {
            if (sawAny || _layout.ListLogSegments().Count > 0)
            {
                // Without a checkpoint there is no state to replay the log
                // onto (the log starts after the store's first checkpoint).
                foreach (var (_, segment) in _layout.ListLogSegments()) MoveAside(segment, "no intact checkpoint to replay it onto");
                _diagnostics.WriteLine("kenshell: warning: no intact checkpoint is left; starting a new, empty store. " +
                                       "The damaged files were kept (*.damaged) and nothing was deleted.");
            }
            JsShell fresh = JsShell.CreateFresh(prelude, null, out byte[] genesisTape);
            bool genesisWritten = false;
            try
            {
                PrepareShell?.Invoke(fresh);
                _checkpoints.CreateGenesis(fresh);
                new GenesisFile(_checkpoints.StoreId, genesisTape).Write(_layout);
                genesisWritten = true;
                _writer = new TurnLogWriter(_layout, _checkpoints.StoreId);
                _writer.StartSegment(1);
            }
            catch
            {
                fresh.Dispose();
                UndoCreation(genesisWritten);
                throw;
            }
            Turn = 0;
            return (fresh, new RecoveryReport(true, 0, null, 0, 0, TimeSpan.Zero, 0, clock.Elapsed));
        }

        JsShell shell = loaded.Shell;
        try
        {
            PrepareShell?.Invoke(shell);
            // Recovery reads only the segments it needs: those with turns
            // after the checkpoint. Of the older segments (the history), those
            // of the last two generations are checked (CheckRecentHistory);
            // damage further back is found and reported when the history is
            // used (HistoryLog). Either way it cannot cost the turns recovery
            // needs, nor make the store unopenable; and the time an open takes
            // does not grow with the history.
            CheckRecentHistory(loaded.Turn);
            var reader = new TurnLogReader(_layout, _checkpoints.StoreId, skipThroughTurn: loaded.Turn);
            TurnLogReadResult log = reader.Read();
            if (log.HasTornTail)
            {
                // A crash during an append: that turn never committed, so
                // its output was never released. Cutting it off loses nothing.
                long bytes = reader.TruncateTornTail();
                // A bit flip in the last record looks exactly like a torn
                // append (a complete length, a bad checksum), so the message
                // says both, rather than claiming the input never completed.
                ulong next = (log.NextTurn ?? loaded.Turn + 1);
                _diagnostics.WriteLine($"kenshell: cut {bytes} bytes of an unfinished or damaged record off the end of {Path.GetFileName(log.TornTailPath)}: " +
                                       $"the remains of an input that was being committed when the process stopped (its output was never shown), " +
                                       $"or, if the output of turn {next} was seen, damage that cost that turn");
            }
            foreach (string problem in log.IsCorrupt ? log.Problems : [])
                _diagnostics.WriteLine($"kenshell: warning: the turn log is damaged: {problem}");

            int replayed = Replay(ref shell, log.Records, loaded.Turn, ulong.MaxValue, out ulong turn);
            Turn = turn;

            bool clean = !log.IsCorrupt && log.NextTurn == turn + 1 && log.ValidEndPath is not null &&
                         _layout.ListLogSegments() is { Count: > 0 } segments && segments[^1].Path == log.ValidEndPath &&
                         (log.Records.Count == 0 || log.Records[^1].Turn == turn);
            _writer = new TurnLogWriter(_layout, _checkpoints.StoreId);
            if (clean)
            {
                _writer.Resume(reader.Read());
            }
            else
            {
                RepairLog(shell, turn, loaded.Turn, log.CorruptPath ?? SegmentHolding(_stoppedAt));
            }
            _turnsSinceCheckpoint = turn - _checkpoints.NewestTurn;
            return (shell, new RecoveryReport(false, turn, loaded.Path, loaded.Turn, loaded.Bytes, loaded.Elapsed, replayed, clock.Elapsed));
        }
        catch
        {
            shell.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the state after <paramref name="turn"/> read-only (--at): no
    /// file is created, changed, renamed or deleted, and no lock is needed
    /// (every file read is either immutable once named or only appended to).
    /// The heap returned is a scratch copy; nothing it does is ever committed.
    /// </summary>
    public JsShell OpenAt(string prelude, ulong turn)
    {
        _prelude = prelude;
        byte[]? id = GenesisFile.Read(_layout, out _)?.StoreId ?? _checkpoints.ReadAnyStoreId();
        if (id is null) throw new HistoryException($"there is no store ken_{_layout.Address}_* in {_layout.Directory}");
        _checkpoints.AdoptStoreId(id);
        HistoryLog history = HistoryLog.Read(_layout, id);
        ulong last = Math.Max(history.LastTurn, _layout.ListCheckpoints().Select(c => c.Turn).DefaultIfEmpty(0UL).Max());
        if (turn > last) throw new HistoryException($"turn {turn} has not run yet (the store's last turn is {last})");
        foreach (string problem in history.Problems) _diagnostics.WriteLine($"kenshell: warning: the history is damaged: {problem}");
        return ReachState(turn, history);
    }

    /// <summary>
    /// Creating a new store failed part way (an I/O error): removes what the
    /// attempt made, so that the next start creates the store afresh instead
    /// of opening a half-made one (found by the torture suite: a failed
    /// genesis write left ckpt_0 without its genesis record, and every later
    /// start opened that store, which then could never be rebuilt with
    /// --rebuild nor check its checkpoints' store id). Nothing in these files
    /// was ever committed: no turn has run. Best effort: what cannot be
    /// removed is a store without turns, which opens as before.
    /// </summary>
    private void UndoCreation(bool genesisWritten)
    {
        _writer?.Dispose();
        _writer = null;
        var made = new List<string>
        {
            _layout.CheckpointPath(0), _layout.TemporaryCheckpointPath(0), _layout.GenesisPath + ".tmp",
            _layout.LogSegmentPath(1), _layout.TemporaryLogSegmentPath(1),
        };
        if (genesisWritten) made.Add(_layout.GenesisPath);
        try
        {
            foreach (string path in made) File.Delete(path);
            Durability.SyncDirectory(_layout.Directory);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.WriteLine($"kenshell: could not remove the files of the store that could not be created: {e.Message}");
        }
    }

    /// <summary>
    /// Checks every byte of the segments that the recovery checkpoint
    /// (<paramref name="checkpointTurn"/>) covers but the second newest
    /// checkpoint on disk does not: the log that recovery would have needed
    /// one generation back, as much as the log held when it was pruned to two
    /// generations. Damage in one is reported and the segment set aside (S13:
    /// kept as *.damaged): it holds only turns the checkpoint contains, so the
    /// state loses nothing; the history loses those turns. Each segment is
    /// read on its own (a gap left by an earlier set-aside is not damage).
    /// </summary>
    private void CheckRecentHistory(ulong checkpointTurn)
    {
        var checkpoints = _layout.ListCheckpoints();
        ulong from = checkpoints.Count >= 2 ? checkpoints[1].Turn : 0;
        var segments = _layout.ListLogSegments();
        for (int i = 0; i + 1 < segments.Count; i++)
        {
            if (StoreLayout.SegmentLastTurn(segments, i) is not { } last) break;
            if (last <= from) continue;
            if (last > checkpointTurn) break;
            ulong first = segments[i].FirstTurn;
            TurnLogReadResult one = new TurnLogReader(_layout, _checkpoints.StoreId, skipThroughTurn: first == 0 ? 0 : first - 1).Read();
            if (one.CorruptPath != segments[i].Path && !(one.HasTornTail && one.TornTailPath == segments[i].Path)) continue;
            foreach (string problem in one.Problems)
                _diagnostics.WriteLine($"kenshell: warning: the turn log is damaged: {problem}");
            MoveAside(segments[i].Path, $"it is damaged; it holds only turns that checkpoint {checkpointTurn} already contains, so the state " +
                                        $"loses nothing (the history of turns {first}..{last} is lost to .history, .save and time travel)");
        }
    }

    /// <summary>Why the store cannot be rebuilt by replaying its whole log, or null if it can.</summary>
    private string? RebuildObstacle()
    {
        GenesisFile? genesis = GenesisFile.Read(_layout, out string? problem);
        if (genesis is null) return problem;
        var segments = _layout.ListLogSegments();
        if (segments.Count == 0 || segments[0].FirstTurn != 1)
            return $"its history no longer starts at turn 1 (it starts at turn {(segments.Count == 0 ? 0 : segments[0].FirstTurn)}: " +
                   "the turns before it were forgotten, or the store predates kept history)";
        return null;
    }

    /// <summary>
    /// The checkpoints were written by another engine build: set them aside
    /// and rebuild the heap from the genesis record by replaying every
    /// logged turn, then checkpoint the result under this engine.
    /// </summary>
    private (JsShell Shell, RecoveryReport Report) RebuildByReplay(string prelude, Stopwatch clock)
    {
        GenesisFile genesis = GenesisFile.Read(_layout, out string? problem)
            ?? throw new EngineMismatchException($"cannot rebuild: {problem}");
        var reader = new TurnLogReader(_layout, genesis.StoreId);
        TurnLogReadResult log = reader.Read();
        if (log.HasTornTail) reader.TruncateTornTail();
        if (log.IsCorrupt) throw new EngineMismatchException("cannot rebuild: the log is damaged: " + string.Join("; ", log.Problems));
        _diagnostics.WriteLine($"kenshell: rebuilding the store under {JsShell.EngineId} by replaying {log.Records.Count} logged turns " +
                               "(the old checkpoints are kept as *.other-engine)");
        _checkpoints.SetAsideAll(genesis.StoreId);
        JsShell shell = JsShell.CreateFresh(prelude, genesis.Tape, out _);
        try
        {
            PrepareShell?.Invoke(shell);
            _divergences = 0;
            var replayClock = Stopwatch.StartNew();
            _rebuilding = true;
            int replayed = Replay(ref shell, log.Records, 0, ulong.MaxValue, out ulong turn);
            _rebuilding = false;
            Turn = turn;
            _diagnostics.WriteLine($"kenshell: rebuilt turn {turn} by replaying {replayed} turns in {replayClock.Elapsed.TotalSeconds:F1} s; " +
                                   (_divergences == 0
                                       ? "every turn printed what it printed when it first ran (no divergence)"
                                       : $"{_divergences} turn(s) diverged (listed above): the rebuilt heap may differ from the old one there"));
            _checkpoints.Commit(shell, turn);
            _writer = new TurnLogWriter(_layout, genesis.StoreId);
            TurnLogReadResult again = reader.Read();
            if (!again.IsCorrupt && !again.HasTornTail && again.NextTurn == turn + 1) _writer.Resume(again);
            else RepairLog(shell, turn, turn, again.CorruptPath ?? SegmentHolding(_stoppedAt));
            return (shell, new RecoveryReport(false, turn, _layout.CheckpointPath(turn), 0, 0, TimeSpan.Zero, replayed, clock.Elapsed));
        }
        catch
        {
            shell.Dispose();
            throw;
        }
    }

    private void RepairLog(JsShell shell, ulong turn, ulong checkpointTurn, string? corruptSegment)
    {
        // The log cannot simply be continued (damage, a gap, or no log at
        // all, as in a store from before the log existed). Make the state
        // recovered so far durable as a checkpoint, set aside the damaged
        // segment and every segment that starts after it (kept, never
        // deleted), and start a new segment.
        if (turn > checkpointTurn) _checkpoints.Commit(shell, turn);
        foreach (var (first, path) in _layout.ListLogSegments())
        {
            if (path == corruptSegment) MoveAside(path, "it is damaged, or holds turns that can no longer be replayed");
            else if (first > turn) MoveAside(path, $"it holds turns after {turn} that could not be used");
        }
        _writer!.StartSegment(turn + 1);
    }

    private void MoveAside(string path, string why)
    {
        string aside = _layout.QuarantinePath(path);
        try
        {
            Durability.RenameDurably(path, aside);
            _diagnostics.WriteLine($"kenshell: kept {Path.GetFileName(path)} as {Path.GetFileName(aside)}: {why}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _diagnostics.WriteLine($"kenshell: could not move {Path.GetFileName(path)} aside ({e.Message})");
        }
    }

    /// <summary>
    /// Replays the logged turns after <paramref name="fromTurn"/> (up to
    /// <paramref name="toTurn"/>) on a heap restored at fromTurn. Returns
    /// how many were replayed; <paramref name="reached"/> is the last turn.
    /// A rewind turn replaces the heap with the state it names
    /// (<see cref="ReachState"/>), so <paramref name="shell"/> may change.
    /// </summary>
    private int Replay(ref JsShell shell, IReadOnlyList<TurnRecord> records, ulong fromTurn, ulong toTurn, out ulong reached)
    {
        reached = fromTurn;
        _stoppedAt = 0;
        var pending = records.Where(r => r.Turn > fromTurn && r.Turn <= toTurn).ToList();
        if (pending.Count == 0) return 0;
        if (pending[0].Turn != fromTurn + 1)
        {
            _diagnostics.WriteLine($"kenshell: warning: the log has no record of turns {fromTurn + 1}..{pending[0].Turn - 1}; " +
                                   $"the state stops at turn {fromTurn}, the later logged turns were set aside");
            return 0;
        }
        using var progress = new ReplayProgress(_diagnostics, pending.Count, _progressOnTerminal, ProgressAfter);
        int done = 0;
        foreach (TurnRecord record in pending)
        {
            if (RewindRecord.IsRewind(record))
            {
                shell.StopTape();
                progress.Clear();
                HistoryLog history = HistoryLog.Read(_layout, _checkpoints.StoreId);
                string? unreachable = !RewindRecord.TryDecode(record.Source, out ulong target, out _) || target >= record.Turn
                    ? "the record names no earlier turn"
                    : Unreachable(target, history);
                if (unreachable is not null)
                {
                    // Checked before the heap is given up: the state reached so
                    // far is kept, and the log is repaired from here (the
                    // caller sets the later turns aside), rather than the store
                    // becoming unopenable.
                    _diagnostics.WriteLine($"kenshell: warning: turn {record.Turn} returns to the state after turn {target}, which can no " +
                                           $"longer be reached ({unreachable}); the state stops at turn {reached}, and the turns from " +
                                           $"{record.Turn} on are set aside");
                    _stoppedAt = record.Turn;
                    break;
                }
                // One heap at a time (isolates are entered when made, left when disposed).
                shell.Dispose();
                shell = ReachState(target, history);
                RewindRecord.ApplyCarry(shell, record, _diagnostics);
            }
            else
            {
                ReplayOne(shell, record, progress);
            }
            reached = record.Turn;
            progress.Report(++done);
        }
        shell.StopTape();
        return done;
    }

    private void ReplayOne(JsShell shell, TurnRecord record, ReplayProgress progress)
    {
        if (_rebuilding) FaultInjection.Hit(FaultInjection.DuringRebuild);
        shell.ReplayTape(record.Tape);
        TurnResult result = ReplayTurn(shell, record);
        string? divergence = shell.TapeDivergence;
        if (result.NeedsRollback) divergence ??= $"it did not complete ({result.Status}{(result.Error is null ? "" : ": " + result.Error)})";
        if (divergence is null && TurnDigest.Compute(result.Output) != record.OutputDigest)
            divergence = "its output differs from what it printed when it first ran";
        if (divergence is not null)
        {
            _divergences++;
            progress.Clear();
            _diagnostics.WriteLine($"kenshell: warning: replay of turn {record.Turn} diverged: {divergence}. " +
                                   "Continuing with the replayed state; please report this.");
        }
    }

    /// <summary>
    /// A new heap holding the state after <paramref name="target"/> (any
    /// turn the history still reaches, on the current line or a branch):
    /// the nearest checkpoint on the way to it (<see cref="HistoryLog.Walk"/>),
    /// or turn 0 rebuilt from the genesis record, plus the replay of the
    /// turns after it. Changes no file. Throws <see cref="HistoryException"/>
    /// when the history does not reach the state.
    /// </summary>
    public JsShell ReachState(ulong target, HistoryLog? history = null)
    {
        history ??= HistoryLog.Read(_layout, _checkpoints.StoreId);
        List<ulong> walk = history.Walk(target, out bool complete, out ulong missing);
        var checkpoints = _layout.ListCheckpoints().Select(c => c.Turn).ToHashSet();
        for (int i = 0; i < walk.Count; i++)
        {
            if (!checkpoints.Contains(walk[i])) continue;
            JsShell? shell = _checkpoints.TryLoad(walk[i], _checkpoints.StoreId, out string? problem);
            if (shell is null)
            {
                _diagnostics.WriteLine($"kenshell: note: cannot use checkpoint {walk[i]} ({problem}); trying an older state");
                continue;
            }
            ReplayWalk(shell, history, walk, i);
            return shell;
        }
        if (complete && _prelude is not null && GenesisFile.Read(_layout, out _) is { } genesis)
        {
            JsShell shell = JsShell.CreateFresh(_prelude, genesis.Tape, out _);
            ReplayWalk(shell, history, walk, walk.Count - 1);
            return shell;
        }
        string why = complete
            ? "no checkpoint on the way to it can be loaded, and the genesis record is missing"
            : $"the history no longer holds turn {missing}{(history.FirstTurn is { } first ? $" (it starts at turn {first})" : "")}, " +
              "and no checkpoint after it is on the way";
        if (history.Problems.Count > 0) why += "; damage in the log: " + string.Join("; ", history.Problems);
        throw new HistoryException($"the state after turn {target} cannot be reached: {why}");
    }

    /// <summary>
    /// Why <see cref="ReachState"/> of <paramref name="target"/> would find
    /// no state to start from (no loadable checkpoint on the way, and no way
    /// back to turn 0), or null. Reads files, restores nothing.
    /// </summary>
    private string? Unreachable(ulong target, HistoryLog history)
    {
        List<ulong> walk = history.Walk(target, out bool complete, out ulong missing);
        var checkpoints = _layout.ListCheckpoints().Select(c => c.Turn).ToHashSet();
        if (walk.Any(state => checkpoints.Contains(state) && _checkpoints.CheckLoadable(state, _checkpoints.StoreId) is null)) return null;
        if (complete && _prelude is not null && GenesisFile.Read(_layout, out _) is not null) return null;
        return complete ? "no checkpoint on the way to it can be loaded, and the genesis record is missing"
                        : $"the history no longer holds turn {missing}, and no loadable checkpoint is after it on the way";
    }

    /// <summary>The log segment holding <paramref name="turn"/>, or null.</summary>
    private string? SegmentHolding(ulong turn) =>
        turn == 0 ? null : _layout.ListLogSegments().LastOrDefault(s => s.FirstTurn <= turn).Path;

    /// <summary>Replays, on a heap holding state walk[<paramref name="from"/>], the turns that lead from it to walk[0].</summary>
    private void ReplayWalk(JsShell shell, HistoryLog history, List<ulong> walk, int from)
    {
        try
        {
            PrepareShell?.Invoke(shell);
            var turns = new List<TurnRecord>();
            for (int i = from - 1; i >= 0; i--) turns.Add(history.Records[walk[i]]);
            int count = turns.Count(r => !RewindRecord.IsRewind(r));
            using var progress = new ReplayProgress(_diagnostics, count, _progressOnTerminal, ProgressAfter);
            int done = 0;
            foreach (TurnRecord record in turns)
            {
                // A rewind turn on the way: the walk already jumped to its
                // target; what it adds is the messaging state it carried.
                if (RewindRecord.IsRewind(record))
                {
                    shell.StopTape();
                    RewindRecord.ApplyCarry(shell, record, _diagnostics);
                    continue;
                }
                ReplayOne(shell, record, progress);
                progress.Report(++done);
            }
            shell.StopTape();
            LastReachReplayed = count;
            LastReachBase = walk[from];
        }
        catch
        {
            shell.Dispose();
            throw;
        }
    }

    /// <summary>How many turns the last <see cref="ReachState"/> replayed, and from which state (for --at and the bench).</summary>
    public int LastReachReplayed { get; private set; }

    public ulong LastReachBase { get; private set; }

    /// <summary>
    /// Time travel (.undo, .redo, .rewind): a heap holding the state after
    /// <paramref name="target"/>, made current by a committed rewind turn.
    /// Nothing is destroyed: the turns after the target stay in the log as a
    /// branch. Durable like any turn (the record is fdatasynced); the caller
    /// disposed the old heap before (isolates nest) and takes this one. On
    /// any failure nothing was committed.
    /// </summary>
    /// <param name="carry">The messaging state from before the rewind (RuntimeHooks.MessagingState), laid over the target's state and kept in the record; "" for none.</param>
    public JsShell Rewind(ulong target, string reason, string carry = "")
    {
        if (_writer is null) throw new InvalidOperationException("the store is not open");
        ThrowIfRemoved();
        if (target > Turn) throw new HistoryException($"turn {target} has not run yet (the last turn is {Turn})");
        JsShell shell;
        lock (_checkpoints.Sync) shell = ReachState(target);
        try
        {
            TargetOutbox = shell.QueryText(RuntimeHooks.OutboxState);
            RewindRecord.ApplyCarry(shell, carry);
            var record = new TurnRecord(Turn + 1, RewindRecord.Encode(target, reason, carry), [], TurnDigest.Compute([]),
                TurnRecordKinds.RewindTurn, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
            FaultInjection.Hit(FaultInjection.BeforeRewind);
            CommitTurn(record, TimeSpan.Zero);
            return shell;
        }
        catch
        {
            shell.Dispose();
            throw;
        }
    }

    /// <summary>The outbound streams (RuntimeHooks.OutboxState) of the last <see cref="Rewind"/>'s target state, before the carried state replaced them: what the undone turns sent.</summary>
    public string TargetOutbox { get; private set; } = "";

    /// <summary>The history kept: its first turn (null: none), the segment count and their bytes (.info).</summary>
    public (ulong? FirstTurn, int Segments, long Bytes) HistorySize()
    {
        var segments = _layout.ListLogSegments();
        long bytes = 0;
        foreach (var (_, path) in segments)
        {
            try { bytes += new FileInfo(path).Length; } catch (IOException) { }
        }
        return (segments.Count == 0 ? null : segments[0].FirstTurn, segments.Count, bytes);
    }

    /// <summary>
    /// What <see cref="Forget"/> of <paramref name="turn"/> would remove: the
    /// segments all of whose turns are before it and covered by the older of
    /// the two newest checkpoints (recovery's two generations keep the log
    /// they need, S12).
    /// </summary>
    public (ulong Through, IReadOnlyList<string> Paths, long Bytes) ForgetPlan(ulong turn)
    {
        var checkpoints = _layout.ListCheckpoints();
        ulong covered = checkpoints.Count >= 2 ? checkpoints[1].Turn : 0;
        var segments = _layout.ListLogSegments();
        var paths = new List<string>();
        long bytes = 0;
        ulong through = 0;
        for (int i = 0; i + 1 < segments.Count; i++)
        {
            if (StoreLayout.SegmentLastTurn(segments, i) is not { } last) break;
            if (last >= turn || last > covered) break;
            paths.Add(segments[i].Path);
            through = last;
            try { bytes += new FileInfo(segments[i].Path).Length; } catch (IOException) { }
        }
        return (through, paths, bytes);
    }

    /// <summary>
    /// Drops the history before <paramref name="turn"/> (.forget, --forget):
    /// deletes, oldest first and durably (S11), the segments
    /// <see cref="ForgetPlan"/> names. Returns the last turn forgotten (0: none).
    /// </summary>
    public ulong Forget(ulong turn)
    {
        ThrowIfRemoved();
        var (through, paths, _) = ForgetPlan(turn);
        if (paths.Count == 0) return 0;
        lock (_checkpoints.Sync) TurnLogPruner.DeleteCoveredSegments(_layout, through);
        return through;
    }

    /// <summary>Runs a logged turn again the way it first ran (<see cref="TurnRecordKinds"/>).</summary>
    private static TurnResult ReplayTurn(JsShell shell, TurnRecord record)
    {
        string source = record.Source;
        if ((record.Status & TurnRecordKinds.HookTurn) != 0)
        {
            var (hook, argument) = HookTurnRecord.Decode(source);
            return argument is null ? shell.HookTurn(hook).Result : shell.HookTurn(hook, argument).Result;
        }
        int cut = source.IndexOf('\n');
        if ((record.Status & TurnRecordKinds.ProgramTurn) != 0 && cut >= 0)
            return shell.Eval(source[(cut + 1)..], source[..cut], EvalMode.Program);
        // A logged input was whole when it ran (an incomplete one is never
        // logged): replay it as such, so that it does what it did then even
        // if it was a syntax error at its end (--eval, .load) or this build's
        // rules for "more lines needed" differ from the ones it was typed under.
        return shell.Eval(source, $"REPL{record.Turn}", EvalMode.Whole);
    }

    /// <summary>
    /// Makes a turn durable: appends its record and fdatasyncs. When this
    /// returns the turn's output may be released. Throws <see cref="TurnLogException"/>.
    /// </summary>
    public void CommitTurn(TurnRecord record, TimeSpan runTime)
    {
        if (_writer is null) throw new InvalidOperationException("the store is not open");
        // After rm ken_*, appends would go to a deleted file and a second
        // shell could already be running a new store under the same names.
        ThrowIfRemoved();
        _writer.Append(record);
        FaultInjection.Hit(FaultInjection.LogAfterSync);
        Turn = record.Turn;
        _turnsSinceCheckpoint++;
        _bytesSinceCheckpoint += record.Source.Length + record.Tape.Length + 48;
        _runTimeSinceCheckpoint += runTime;
    }

    /// <summary>
    /// Between turns: starts a background checkpoint when the log has grown
    /// enough since the last one. Never waits for one.
    /// </summary>
    public void AfterTurn(JsShell shell)
    {
        if (_checkpoints.IsCheckpointing) return;
        int backoff = 1 << Math.Min(_failedCheckpoints, 6); // after failures, try less often
        bool due = _turnsSinceCheckpoint >= _policy.Turns * (ulong)backoff ||
                   _bytesSinceCheckpoint >= _policy.LogBytes * backoff ||
                   _runTimeSinceCheckpoint >= _policy.ReplayCost * backoff;
        if (!due || _turnsSinceCheckpoint == 0) return;
        StartCheckpoint(shell);
    }

    /// <summary>Takes a checkpoint now, in the background (the .checkpoint command, tests).</summary>
    public bool StartCheckpoint(JsShell shell)
    {
        if (_checkpoints.IsCheckpointing || _writer is null) return false;
        // Its new log segment would land among another store's files.
        ThrowIfRemoved();
        ulong turn = Turn;
        _turnsSinceCheckpoint = 0;
        _bytesSinceCheckpoint = 0;
        _runTimeSinceCheckpoint = TimeSpan.Zero;
        _checkpointClock.Restart();
        _checkpoints.BeginBackground(shell, turn, OnCheckpointDone);
        if (Trace)
            _diagnostics.WriteLine($"kenshell: trace: checkpoint of turn {turn} started; fork pause {_checkpoints.LastForkPause.TotalMilliseconds:F3} ms");
        try
        {
            // Turns after the checkpoint go to a new segment, so that once
            // it is durable the older segments can go as whole files.
            lock (_checkpoints.Sync) _writer.StartSegment(turn + 1);
        }
        catch (TurnLogException e)
        {
            _diagnostics.WriteLine($"kenshell: could not start a new log segment ({e.Message}); the current one goes on");
        }
        return true;
    }

    private void OnCheckpointDone(ulong turn, string? failure)
    {
        if (failure is not null)
        {
            _failedCheckpoints++;
            string why = failure.Contains("signal", StringComparison.Ordinal)
                ? "the heap holds something V8's snapshot cannot save"
                : "an I/O error";
            _diagnostics.WriteLine($"kenshell: warning: the checkpoint of turn {turn} failed ({why}: {failure}). " +
                                   "Every turn is still safe in the log; recovery will just replay more of it. Will retry later.");
            return;
        }
        _failedCheckpoints = 0;
        if (Trace)
            _diagnostics.WriteLine($"kenshell: trace: checkpoint of turn {turn} durable after {_checkpointClock.Elapsed.TotalMilliseconds:F1} ms");
        // The log segments behind the checkpoint are the history: kept
        // (.forget drops them on request).
    }

    /// <summary>
    /// Rolls back to the last committed turn: a fresh isolate from the
    /// newest checkpoint, with the logged turns after it replayed — the
    /// same path as crash recovery.
    /// </summary>
    public JsShell Reload()
    {
        // With the files removed, the directory may hold another store by now.
        ThrowIfRemoved();
        lock (_checkpoints.Sync)
        {
            LoadedCheckpoint loaded = _checkpoints.LoadNewest(out _)
                ?? throw new CheckpointFailedException("no intact checkpoint to roll back to");
            JsShell shell = loaded.Shell;
            try
            {
                PrepareShell?.Invoke(shell);
                TurnLogReadResult log = new TurnLogReader(_layout, _checkpoints.StoreId, skipThroughTurn: loaded.Turn).Read();
                Replay(ref shell, log.Records, loaded.Turn, Turn, out ulong reached);
                if (reached != Turn)
                    throw new CheckpointFailedException($"the log holds turns only up to {reached}, not {Turn}");
                return shell;
            }
            catch
            {
                shell.Dispose();
                throw;
            }
        }
    }

    /// <summary>
    /// How long exit waits for a background checkpoint before abandoning it:
    /// long enough for a small heap's (tens of milliseconds), far shorter
    /// than a big one's (seconds; 22 s at 200 MB were spent waiting in
    /// silence, with Ctrl-C ignored).
    /// </summary>
    public static readonly TimeSpan ExitGrace = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Before the process exits: a background checkpoint still being written
    /// after <paramref name="grace"/> is abandoned (its writer killed, its
    /// .tmp removed) rather than waited for. Every turn is already durable in
    /// the log, so this loses nothing; finishing it detached instead would
    /// leave a child renaming files in a store another process may already
    /// have opened.
    /// </summary>
    public void Close(TimeSpan grace)
    {
        if (_checkpoints.AbandonBackground(grace) is { } turn)
        {
            _diagnostics.WriteLine($"kenshell: the checkpoint of turn {turn} was still being written at exit; abandoned it " +
                                   "(every turn is in the log: the next start replays a little more)");
        }
    }

    public void Dispose()
    {
        // Also on the way out after a fatal error: no checkpoint writer outlives the shell.
        _checkpoints.AbandonBackground(TimeSpan.Zero);
        _writer?.Dispose();
    }
}
