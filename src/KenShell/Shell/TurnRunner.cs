using System.Diagnostics;
using KenShell.Engine;
using KenShell.Store;

namespace KenShell.Shell;

/// <summary>
/// Runs inputs as turns: evaluate (recording the outside values the turn
/// takes), append the turn's record to the log and fdatasync, and only then
/// release the output. A turn that cannot complete or cannot be logged is
/// rolled back by rebuilding the heap from the newest checkpoint plus the
/// log, so it leaves no trace (G2).
/// </summary>
public sealed class TurnRunner : IDisposable
{
    private readonly PersistentStore _store;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly bool _colors;
    private JsShell _shell;
    private volatile bool _turnRunning;

    public TurnRunner(PersistentStore store, JsShell shell, TextWriter stdout, TextWriter stderr, bool colors)
    {
        _store = store;
        _shell = shell;
        _stdout = stdout;
        _stderr = stderr;
        _colors = colors;
        ConfigureShell();
        _exitBaseline = ReadExitState().Serial;
    }

    // process.exit / process.exitCode: the serial the heap had when this
    // process opened it (values set by earlier processes do not count).
    private readonly long _exitBaseline;

    private (long Serial, long ExitCall, int? Code) ReadExitState()
    {
        // Stores created before `process` existed cannot answer.
        string[] parts = _shell.QueryText(RuntimeHooks.ProcessExitState).Split(' ');
        if (parts.Length != 3 || !long.TryParse(parts[0], out long serial) || !long.TryParse(parts[1], out long call)) return (0, 0, null);
        return (serial, call, int.TryParse(parts[2], out int code) ? code : null);
    }

    /// <summary>The exit code process.exitCode set in this process, if any.</summary>
    public int? RequestedExitCode
    {
        get
        {
            var (serial, _, code) = ReadExitState();
            return serial > _exitBaseline ? code : null;
        }
    }

    /// <summary>fetch requests and responses (set once, by the CLI).</summary>
    public FetchDriver? Fetches { get; set; }

    /// <summary>File writes of committed turns (set once, by the CLI).</summary>
    public FileWriteDriver? Files { get; set; }

    /// <summary>Raised after every committed turn (the messaging driver transmits what it queued).</summary>
    public event Action? TurnCommitted;

    /// <summary>
    /// Called before a turn's output or a diagnostic is written (the line
    /// editor takes its prompt off the screen, so that a timer's output does
    /// not land in the middle of the line being typed).
    /// </summary>
    public Action? BeforeOutput { get; set; }

    /// <summary>Turns committed so far in this store.</summary>
    public ulong Turn => _store.Turn;

    public JsShell Shell => _shell;

    /// <summary>The store the turns commit to (time travel reads its history).</summary>
    public PersistentStore Store => _store;

    /// <summary>True while JavaScript of a turn is running (Ctrl-C then interrupts it).</summary>
    public bool TurnRunning => _turnRunning;

    private void ConfigureShell()
    {
        _shell.SetOption("colors", _colors ? 1 : 0);
        _shell.RecordTape();
    }

    /// <summary>Starts a background checkpoint now (the .checkpoint command).</summary>
    public bool Checkpoint() => _store.StartCheckpoint(_shell);

    /// <summary>
    /// Time travel (.undo, .redo, .rewind): makes the state after
    /// <paramref name="target"/> current by a committed rewind turn, then
    /// starts a checkpoint of it (so that recovery need not travel again).
    /// Throws <see cref="HistoryException"/> or <see cref="TurnLogException"/>;
    /// then nothing was committed and the current state is rebuilt as a
    /// rollback rebuilds it.
    /// </summary>
    public void TravelTo(ulong target, string reason)
    {
        // Sequence numbers, queued copies and receiver windows describe what
        // already left the process: the rewind turn carries them over
        // (RewindRecord). "" from a store whose runtime has no such query.
        string carry = _shell.QueryText(RuntimeHooks.MessagingState);
        // One heap at a time: each isolate is entered on this thread when it
        // is made and left when it is disposed, so they must nest.
        _shell.Dispose();
        try
        {
            _shell = _store.Rewind(target, reason, carry);
        }
        catch (Exception e) when (e is HistoryException or TurnLogException or CheckpointFailedException or EngineException)
        {
            _shell = _store.Reload();
            ConfigureShell();
            throw;
        }
        ConfigureShell();
        _store.StartCheckpoint(_shell);
    }

    /// <summary>Stops the running turn. Called from the signal-handling thread.</summary>
    public bool Interrupt()
    {
        try
        {
            return _turnRunning && _shell.Interrupt();
        }
        catch (ObjectDisposedException)
        {
            return false; // the turn ended and its isolate was replaced meanwhile
        }
    }

    /// <summary>The status of the last turn <see cref="Run"/> committed (a program's exit code depends on it).</summary>
    public TurnStatus LastStatus { get; private set; }

    /// <summary>
    /// Runs <paramref name="source"/> as one turn. <paramref name="mode"/>:
    /// typed input (may be incomplete), a whole input (.editor, .load), or a
    /// program named <paramref name="path"/> (a script file).
    /// </summary>
    public TurnOutcome Run(string source, EvalMode mode = EvalMode.Input, string? path = null)
    {
        ulong turn = _store.Turn + 1;
        string label = mode == EvalMode.Program ? path ?? "program" : $"REPL{turn}";
        var clock = Stopwatch.StartNew();
        var (result, evaluated) = WhileRunning(() => mode == EvalMode.Program
            ? (_shell.Eval(source, label, mode), label + "\n" + source)
            : EvaluateInput(source, label, mode));
        LastStatus = result.Status;

        if (result.Status == TurnStatus.Incomplete) return TurnOutcome.Incomplete;
        if (result.NeedsRollback)
        {
            string why = result.Status == TurnStatus.Terminated
                ? "Script execution was interrupted"
                : $"the turn failed: {result.Error ?? "engine error"}";
            Rollback();
            BeforeOutput?.Invoke();
            _stderr.WriteLine($"kenshell: {why}; the input was rolled back (no trace of it is kept).");
            _stderr.Flush();
            return TurnOutcome.RolledBack;
        }

        return Commit(turn, evaluated, result, clock.Elapsed, mode == EvalMode.Program ? TurnRecordKinds.ProgramTurn : (byte)0);
    }

    /// <summary>What .info prints: turns, heap, store, checkpoints, pending work.</summary>
    public string Describe()
    {
        var (used, total) = _shell.Heap;
        StoreLayout layout = _store.Layout;
        long storeBytes = 0;
        int files = 0;
        foreach (string f in Directory.EnumerateFiles(layout.Directory, layout.Prefix + "*"))
        {
            try { storeBytes += new FileInfo(f).Length; files++; } catch (IOException) { }
        }
        var checkpoints = layout.ListCheckpoints();
        var segments = layout.ListLogSegments();
        double timers = _shell.Query(RuntimeHooks.PendingTimers);
        static string Mb(double bytes) => $"{bytes / 1024 / 1024:F1} MB";
        return string.Join('\n',
            $"address:          {layout.Address} ({JsShell.EngineId})",
            $"turns committed:  {_store.Turn}",
            $"heap:             {Mb(used)} used of {Mb(total)}",
            $"store:            {Mb(storeBytes)} in {files} files (ken_{layout.Address}_*) in {layout.Directory}",
            $"checkpoints:      {(checkpoints.Count == 0 ? "none" : string.Join(", ", checkpoints.Select(c => $"turn {c.Turn}")))}" +
                (_store.Checkpoints.IsCheckpointing ? " (one being written)" : "") +
                $"; last fork pause {_store.Checkpoints.LastForkPause.TotalMilliseconds:F1} ms",
            $"turn log:         {segments.Count} segment{(segments.Count == 1 ? "" : "s")}, turns {(_store.Turn - _store.Checkpoints.NewestTurn)} since the newest checkpoint",
            $"pending timers:   {(double.IsNaN(timers) ? 0 : timers)}; top-level awaits pending: {PendingAwaits}",
            $"pending messages: {PendingMessages()}",
            $"file writes:      {FileWrites()}",
            $"fetch requests:   {FetchRequests()}");
    }

    private string FetchRequests()
    {
        string pending = _shell.QueryText(RuntimeHooks.FetchPending);
        int waiting = pending.Length == 0 ? 0 : System.Text.Json.Nodes.JsonNode.Parse(pending)!.AsArray().Count;
        return $"{waiting} waiting for a response ({Fetches?.InFlight ?? 0} in flight in this process)";
    }

    private string FileWrites()
    {
        string[] lines = _shell.QueryText(RuntimeHooks.FileWriteState).Split('\n');
        string[] counts = lines[0].Split(' ');
        if (counts.Length != 2) return "unknown (this store predates fs)";
        string text = $"{counts[0]} waiting for their turn's commit; {counts[1]} failed after commit";
        foreach (string failure in lines.Skip(1)) text += $"\n  failed: {failure}";
        return text;
    }

    private string PendingMessages()
    {
        // Stores created before this query existed cannot answer it.
        string[] counts = _shell.QueryText(RuntimeHooks.PendingMessages).Split(' ');
        if (counts.Length != 2) return "unknown (this store predates the count)";
        return $"{counts[0]} sent and not yet acknowledged; {counts[1]} received, waiting for ken.onmessage";
    }

    /// <summary>When the next timer is due, or null when none is pending.</summary>
    public DateTimeOffset? NextTimerDue
    {
        get
        {
            double due = _shell.Query(RuntimeHooks.NextTimerDue);
            if (double.IsNaN(due) || double.IsInfinity(due)) return null;
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Min(due, 253402300799000));
        }
    }

    /// <summary>Top-level awaits still pending (the REPL holds its prompt while there are).</summary>
    public int PendingAwaits => _shell.Query(RuntimeHooks.PendingAwaits) is var n && double.IsNaN(n) ? 0 : (int)n;

    /// <summary>
    /// Fires the earliest due timer as a turn of its own: logged, durable,
    /// and output-committed like an input.
    /// </summary>
    public TurnOutcome RunTimer()
    {
        ulong turn = _store.Turn + 1;
        var clock = Stopwatch.StartNew();
        var (result, fired) = WhileRunning(() => _shell.HookTurn(RuntimeHooks.FireTimer));
        if (result.NeedsRollback)
        {
            Rollback();
            BeforeOutput?.Invoke();
            _stderr.WriteLine($"kenshell: a timer callback was {(result.Status == TurnStatus.Terminated ? "interrupted" : "stopped: " + result.Error)}; " +
                              "its turn was rolled back and the timer cancelled.");
            _stderr.Flush();
            // Running it again would do the same: cancel that timer, as a
            // committed turn of its own.
            var (cancel, _) = _shell.HookTurn(RuntimeHooks.CancelDueTimer);
            if (!cancel.NeedsRollback) Commit(_store.Turn + 1, HookTurnRecord.Encode(RuntimeHooks.CancelDueTimer, null), cancel, TimeSpan.Zero, TurnRecordKinds.HookTurn);
            return TurnOutcome.RolledBack;
        }
        // Nothing was due after all (the runtime's clock decides): no state
        // changed, nothing to log.
        if (fired == 0 && result.Output.Count == 0 && result.Status == TurnStatus.Ok) return TurnOutcome.Idle;
        return Commit(turn, HookTurnRecord.Encode(RuntimeHooks.FireTimer, null), result, clock.Elapsed, TurnRecordKinds.HookTurn);
    }

    /// <summary>
    /// Runs the runtime hook <paramref name="hook"/> as a turn of its own
    /// with a string argument (delivering a message, recording an ack):
    /// logged (hook name and argument), durable, output-committed.
    /// <paramref name="value"/> is what the hook returned.
    /// </summary>
    public TurnOutcome RunHook(string hook, string argument, out double value)
    {
        ulong turn = _store.Turn + 1;
        var clock = Stopwatch.StartNew();
        (TurnResult result, value) = WhileRunning(() => _shell.HookTurn(hook, argument));
        if (result.NeedsRollback)
        {
            Rollback();
            BeforeOutput?.Invoke();
            _stderr.WriteLine($"kenshell: {hook} was {(result.Status == TurnStatus.Terminated ? "interrupted" : "stopped: " + result.Error)}; its turn was rolled back.");
            _stderr.Flush();
            return TurnOutcome.RolledBack;
        }
        return Commit(turn, HookTurnRecord.Encode(hook, argument), result, clock.Elapsed, TurnRecordKinds.HookTurn);
    }

    /// <summary>A read-only question to the runtime with a string answer.</summary>
    public string QueryText(string name, string argument = "") => _shell.QueryText(name, argument);

    /// <summary>A read-only numeric question to the runtime (NaN if it cannot answer).</summary>
    public double Query(string name) => _shell.Query(name);

    private TurnOutcome Commit(ulong turn, string source, TurnResult result, TimeSpan runTime, byte kind)
    {
        var record = new TurnRecord(turn, source, _shell.LastTape, TurnDigest.Compute(result.Output), (byte)((byte)result.Status | kind),
            DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        try
        {
            // The commit point: the record is durable when this returns.
            _store.CommitTurn(record, runTime);
        }
        catch (TurnLogException e)
        {
            Rollback();
            BeforeOutput?.Invoke();
            _stderr.WriteLine($"kenshell: error: could not make the turn durable ({e.Message}); it was rolled back.");
            _stderr.Flush();
            return TurnOutcome.RolledBack;
        }

        // Output commit (G3): only now, with the turn durable, does anything
        // leave: its file writes first (a write is on disk once the turn's
        // output is seen), then its output.
        Files?.PerformCommitted(turn);
        Release(result.Output);
        _store.AfterTurn(_shell);
        TurnCommitted?.Invoke();
        // process.exit() in this turn: the turn and its effects are out.
        var (_, exitCall, exitCode) = ReadExitState();
        if (exitCall > _exitBaseline) throw new ProcessExitException(exitCode ?? 0);
        return TurnOutcome.Committed;
    }

    /// <summary>Runs a turn with Ctrl-C armed: <see cref="Interrupt"/> stops it meanwhile.</summary>
    private T WhileRunning<T>(Func<T> turn)
    {
        _turnRunning = true;
        try
        {
            return turn();
        }
        finally
        {
            _turnRunning = false;
        }
    }

    private (TurnResult Result, string Evaluated) EvaluateInput(string source, string label, EvalMode mode)
    {
        // As Node's REPL: input that starts with `{` and does not end with
        // `;` is tried as an expression first (`{ a: 1 }` is an object, and
        // so is `{a: 1}.a`'s receiver), not as a block with a label. The log
        // keeps the text that actually ran, so replay needs no guessing.
        if (LooksLikeObjectLiteral(source))
        {
            string expression = $"({source.Trim()})";
            TurnResult wrapped = _shell.Eval(expression, label, mode);
            if (wrapped.Status is not (TurnStatus.SyntaxError or TurnStatus.Incomplete)) return (wrapped, expression);
        }
        return (_shell.Eval(source, label, mode), source);
    }

    private static bool LooksLikeObjectLiteral(string source)
    {
        string trimmed = source.Trim();
        return trimmed.StartsWith('{') && !trimmed.EndsWith(';');
    }

    private void Release(IReadOnlyList<OutputRecord> output)
    {
        if (output.Count > 0) BeforeOutput?.Invoke();
        // stdout and stderr interleave in the order the turn wrote them (a
        // terminal, or `2>&1`, shows them as Node would): each stream is
        // flushed before the other one is written to.
        TextWriter? current = null;
        foreach (OutputRecord record in output)
        {
            TextWriter next = record.Stream == OutputStream.Stderr ? _stderr : _stdout;
            if (current is not null && !ReferenceEquals(current, next)) current.Flush();
            next.Write(record.Text);
            current = next;
        }
        _stdout.Flush();
        _stderr.Flush();
    }

    private void Rollback()
    {
        // The heap may hold half a turn: throw it away and rebuild it from
        // the newest checkpoint plus the log, the same path as crash recovery.
        _shell.Dispose();
        _shell = _store.Reload();
        ConfigureShell();
    }

    public void Dispose() => _shell.Dispose();
}
