namespace KenShell.Engine;

/// <summary>
/// The C#↔JavaScript protocol, named once: the hooks object the runtime
/// prelude returns (src/KenShell/Runtime/prelude/900-hooks.js) and what each
/// name is for. Turns run with <see cref="JsShell.HookTurn(string, double)"/>
/// and are logged with <see cref="HookTurnRecord"/>; queries are read-only
/// (<see cref="JsShell.Query"/>, <see cref="JsShell.QueryText"/>) and must
/// not change the heap. The engine itself calls the rest (native/src/shell.cc).
/// A store keeps the prelude it was created with: a hook added later is
/// missing in older stores, and every caller must cope with its absence
/// (NaN or an empty answer).
/// </summary>
public static class RuntimeHooks
{
    // ------------------------------------------------------------ turns
    /// <summary>Fires the earliest due timer; 1 if one fired.</summary>
    public const string FireTimer = "fireTimer";
    /// <summary>Cancels the earliest due timer (its callback could not complete); 1 if one was.</summary>
    public const string CancelDueTimer = "cancelDueTimer";
    /// <summary>Delivers one message (JSON: key, state, from, data); 1 if a handler ran.</summary>
    public const string Deliver = "deliver";
    /// <summary>Hands the oldest message waiting for a handler to the handler.</summary>
    public const string DeliverWaiting = "deliverWaiting";
    /// <summary>The peer acknowledged up to a sequence number ("to\nn").</summary>
    public const string Acked = "acked";
    /// <summary>A fetch response (or failure) arrived (JSON; see prelude 730-fetch.js); 1 if a request was waiting for it.</summary>
    public const string FetchSettle = "fetchSettle";
    /// <summary>The shell ends normally: process emits 'exit' with the code (the argument).</summary>
    public const string ProcessExitEvent = "processExitEvent";
    /// <summary>The host performed the queued file writes up to a seq (JSON { through, failed: [{ seq, error }] }).</summary>
    public const string FileWritesDone = "fileWritesDone";
    /// <summary>Part of a rewind turn: replaces the messaging protocol state with <see cref="MessagingState"/>'s answer from before it.</summary>
    public const string RestoreMessaging = "restoreMessaging";

    // ---------------------------------------------------------- queries
    /// <summary>When the next timer is due, epoch ms (Infinity when none).</summary>
    public const string NextTimerDue = "nextTimerDue";
    /// <summary>How many timers are pending.</summary>
    public const string PendingTimers = "pendingTimers";
    /// <summary>How many top-level awaits are still pending.</summary>
    public const string PendingAwaits = "pendingAwaits";
    /// <summary>"&lt;unacknowledged&gt; &lt;waiting for a handler&gt;".</summary>
    public const string PendingMessages = "pendingMessages";
    /// <summary>The outbound streams as JSON [{ to, next, acked }].</summary>
    public const string OutboxState = "outboxState";
    /// <summary>One queued message ("to\nseq") in base64, or '' if gone.</summary>
    public const string OutboxMessage = "outboxMessage";
    /// <summary>The receiver windows' states as JSON [{ key, state }].</summary>
    public const string InWindowStates = "inWindowStates";
    /// <summary>The whole messaging protocol state (sequence numbers, queued copies, receiver windows) as JSON, carried over a rewind turn.</summary>
    public const string MessagingState = "messagingState";
    /// <summary>How many messages wait for a handler that is now set.</summary>
    public const string InboxReady = "inboxReady";
    /// <summary>How many 'exit' listeners process has.</summary>
    public const string ExitListeners = "exitListeners";
    /// <summary>The fetch requests waiting for a response, JSON (with base64 bodies), or ''.</summary>
    public const string FetchPending = "fetchPending";
    /// <summary>File writes queued after a seq (the argument), JSON with base64 data, or ''.</summary>
    public const string FileWritesPending = "fileWritesPending";
    /// <summary>"&lt;waiting&gt; &lt;failed&gt;" then a line per failed file write (.info).</summary>
    public const string FileWriteState = "fileWriteState";
    /// <summary>"&lt;serial&gt; &lt;serial of the last process.exit()&gt; &lt;code&gt;".</summary>
    public const string ProcessExitState = "processExitState";
    /// <summary>Tells the runtime the shell's address, once per process (not a turn: it changes nothing saved).</summary>
    public const string SetIdentity = "setIdentity";
}
