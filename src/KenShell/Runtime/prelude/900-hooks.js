// ------------------------------------------------------------------ hooks
function show(value) {
  return inspect(value, { colors: colors(), depth: 2, showProxy: true });
}

// What `node FILE.js` prints for an uncaught error under the line that
// threw: the error as inspect shows it (an Error's stack and properties).
function formatProgramError(error) {
  return inspect(error, { colors: false });
}

// The last resort when formatting a value threw (a user broke something
// the formatter relies on): a line that says what the value is, built from
// primitives alone, so that a result or an error is never lost.
function fallbackShow(value) {
  switch (typeof value) {
    case 'string': return `'${value}'`;
    case 'symbol': return SymbolPrototypeToString(value);
    case 'bigint': return `${value}n`;
    case 'object':
    case 'function':
      if (value === null) return 'null';
      return `[${typeof value === 'function' ? 'Function' : host.typeTag(value) || 'Object'} (kenshell could not format it)]`;
    default: return `${value}`;
  }
}

function reportUncaught(error, program) {
  if (isProcessExit(error)) return; // process.exit(): the turn ends quietly
  if ((underscoreMode & 2) === 0) lastError = error;
  let text;
  try {
    text = typeof program === 'string' ? program + formatProgramError(error) : formatUncaught(error, { colors: colors() });
    // Node's DOMException always keeps its constructor's frame (in
    // node:internal) under the REPL's trimming, so node -i prints it under
    // "Uncaught:", on lines of its own, even when thrown at top level.
    if (typeof program !== 'string' && error !== null && typeof error === 'object' &&
        call(WeakMapGet, domExceptionData, error) !== undefined && StringPrototypeStartsWith(text, 'Uncaught ')) {
      text = 'Uncaught:\n' + StringPrototypeSlice(text, 9);
    }
    // Node's REPL trims the stack of an error it reports for good (its
    // stack trace override): `_error` then prints as `[Error: boom]`.
    if (typeof program !== 'string') {
      const stack = replStack(error);
      if (stack !== undefined) ReflectDefineProperty(error, 'stack', { __proto__: null, value: stack });
    }
  } catch {
    text = `${typeof program === 'string' ? program : 'Uncaught '}${fallbackShow(error)}`;
  }
  // A program's uncaught error goes to stderr, as `node FILE.js` prints it.
  write(typeof program === 'string' ? STDERR : STDOUT, text);
  flushWarnings();
}

// The REPL's result line. A custom inspect method or a Symbol.toStringTag
// getter may throw: that is reported as Node's REPL reports it.
function writeResult(value) {
  let text;
  try {
    text = show(value);
  } catch (e) {
    reportUncaught(e);
    return;
  }
  write(STDOUT, text);
  flushWarnings();
}

// A top-level await still pending when its turn ends: its result is printed
// by the later turn in which it settles.
function awaitLater(promise) {
  pendingAwaits++;
  PromisePrototypeThen(
    promise,
    (completion) => {
      pendingAwaits--;
      const value = completion ? completion['.repl_result'] : undefined;
      if ((underscoreMode & 1) === 0) lastResult = value;
      writeResult(value);
    },
    (error) => {
      pendingAwaits--;
      reportUncaught(error);
    },
  );
}

return {
  // Called after each turn's microtasks with the promise REPL mode returns.
  // Returns 0 (completed), 1 (threw), 2 (still pending).
  // `program` is false for an input, or (a whole script file) the text
  // that goes above an uncaught error: a program prints no result.
  finishTurn(promise, program) {
    const settled = host.promiseState(promise);
    const state = settled[0];
    const completion = settled[1];
    if (state === 1) {
      if (typeof program === 'string') return 0;
      const value = completion['.repl_result'];
      if ((underscoreMode & 1) === 0) lastResult = value;
      writeResult(value);
      return 0;
    }
    if (state === 2) {
      reportUncaught(completion, program);
      return 1;
    }
    awaitLater(promise);
    flushWarnings();
    return 2;
  },
  uncaught(error, program) {
    reportUncaught(error, program);
  },
  // A promise rejected in this turn with no handler by its end: reported
  // where Node's REPL reports it, in its output, after the input's result.
  unhandledRejection(reason) {
    if (isProcessExit(reason)) return;
    write(STDOUT, formatUncaught(reason, { colors: colors() }));
  },
  // Query: when the next timer is due (epoch ms), or Infinity.
  nextTimerDue() {
    const entry = nextDueTimer();
    return entry === undefined ? Infinity : entry.due;
  },
  // Query: how many timers are pending.
  pendingTimers() { return MapPrototypeGetSize(timerTable); },
  // Query: how many top-level awaits are still pending.
  pendingAwaits() { return pendingAwaits; },
  // Query: messages sent and not yet acknowledged, and messages received
  // that wait for an onmessage handler (.info).
  // Answers "<unacknowledged> <waiting>".
  pendingMessages() {
    return `${countUnacknowledged()} ${inbox.length}`;
  },
  // Called once per process before anything runs: the shell's identity
  // (constant for a store, whose files are named after it).
  setIdentity(address) { selfAddress = address; return ''; },
  // Query: the outbound streams, as JSON [{ to, next, acked }].
  outboxState() {
    const list = [];
    const streams = mapList(outStreams, true);
    for (let i = 0; i < streams.length; i++) {
      const stream = streams[i][1];
      append(list, { __proto__: null, to: streams[i][0], next: stream.next, acked: stream.acked });
    }
    return jsonList(list);
  },
  // Query: one queued message ("to\nseq") in base64, or '' if gone.
  outboxMessage(key) {
    const cut = StringPrototypeIndexOf(key, '\n');
    const stream = call(MapGet, outStreams, StringPrototypeSlice(key, 0, cut));
    const bytes = stream === undefined ? undefined : call(MapGet, stream.messages, +StringPrototypeSlice(key, cut + 1));
    return bytes === undefined ? '' : toBase64(bytes);
  },
  // Query: the receiver windows' states, as JSON [{ key, state }].
  inWindowStates() {
    const list = [];
    const windows = mapList(inWindows, true);
    for (let i = 0; i < windows.length; i++) append(list, { __proto__: null, key: windows[i][0], state: windows[i][1] });
    return jsonList(list);
  },
  // Query: the whole messaging protocol state (what a rewind turn carries
  // over: sequence numbers, queued copies and receiver windows describe what
  // already left the process, so time travel must not take them back), as
  // JSON { out: [[to, next, acked, [[seq, base64]...]]], in: [[key, state]] }.
  messagingState() {
    // Written out by hand, from primitives: JSON.stringify of arrays would
    // consult a toJSON that user code may have put on Array.prototype.
    const out = [];
    const streams = mapList(outStreams, true);
    for (let i = 0; i < streams.length; i++) {
      const stream = streams[i][1];
      const messages = [];
      const queued = mapList(stream.messages, true);
      for (let k = 0; k < queued.length; k++) append(messages, `[${+queued[k][0]},"${toBase64(queued[k][1])}"]`);
      append(out, `[${JSONStringify(streams[i][0])},${+stream.next},${+stream.acked},[${ArrayPrototypeJoin(messages, ',')}]]`);
    }
    const windows = mapList(inWindows, true);
    const inbound = [];
    for (let i = 0; i < windows.length; i++) append(inbound, `[${JSONStringify(windows[i][0])},${JSONStringify(windows[i][1])}]`);
    return `{"out":[${ArrayPrototypeJoin(out, ',')}],"in":[${ArrayPrototypeJoin(inbound, ',')}]}`;
  },
  // Turn (part of a rewind turn): replaces the messaging protocol state with
  // what messagingState answered before the rewind.
  restoreMessaging(json) {
    const state = JSONParse(json);
    const oldStreams = mapList(outStreams, true);
    for (let i = 0; i < oldStreams.length; i++) call(MapDelete, outStreams, oldStreams[i][0]);
    for (let i = 0; i < state.out.length; i++) {
      const s = state.out[i];
      const messages = new MapCtor();
      for (let k = 0; k < s[3].length; k++) call(MapSet, messages, s[3][k][0], fromBase64(s[3][k][1]));
      call(MapSet, outStreams, s[0], { next: s[1], acked: s[2], messages });
    }
    const oldWindows = mapList(inWindows, true);
    for (let i = 0; i < oldWindows.length; i++) call(MapDelete, inWindows, oldWindows[i][0]);
    for (let i = 0; i < state.in.length; i++) call(MapSet, inWindows, state.in[i][0], state.in[i][1]);
    return 1;
  },
  // Query: messages waiting for a handler that is now set.
  inboxReady() { return messageHandler === null ? 0 : inbox.length; },
  // Turn: delivers one message. The receiver window's new state is saved in
  // the same turn, so the delivery and "delivered up to n" commit together.
  deliver(json) {
    const m = JSONParse(json);
    call(MapSet, inWindows, m.key, m.state);
    messagesDelivered++;
    const bytes = fromBase64(m.data);
    if (messageHandler === null) {
      append(inbox, [m.from, bytes]);
      return 0;
    }
    callHandler(host.deserialize(bytes), m.from);
    flushWarnings();
    return 1;
  },
  // Turn: hands the oldest waiting message to the handler.
  deliverWaiting() {
    if (messageHandler === null || inbox.length === 0) return 0;
    const waiting = ArrayPrototypeShift(inbox);
    callHandler(host.deserialize(waiting[1]), waiting[0]);
    flushWarnings();
    return 1;
  },
  // Turn: the peer acknowledged everything up to a sequence number ("to\nn").
  acked(text) {
    const cut = StringPrototypeIndexOf(text, '\n');
    const stream = call(MapGet, outStreams, StringPrototypeSlice(text, 0, cut));
    const upTo = +StringPrototypeSlice(text, cut + 1);
    if (stream === undefined) return 0;
    for (let seq = stream.acked + 1; seq <= upTo; seq++) call(MapDelete, stream.messages, seq);
    if (upTo > stream.acked) stream.acked = upTo;
    return 1;
  },
  // Turn: cancels the earliest due timer without running it (its callback
  // was interrupted or ran out of memory: running it again would do the
  // same). 1 if one was cancelled.
  cancelDueTimer() {
    const entry = nextDueTimer();
    if (entry === undefined || entry.due > DateNow()) return 0;
    call(MapDelete, timerTable, entry.id);
    return 1;
  },
  // Turn: fires the earliest due timer, if one is due. 1 if it fired.
  fireTimer() {
    const entry = nextDueTimer();
    const now = DateNow();
    if (entry === undefined || entry.due > now) return 0;
    if (entry.repeat) {
      // Keep the period and the phase, but coalesce missed periods (after
      // a long outage it fires once, not once per period missed).
      const periods = MathFloor((now - entry.due) / entry.delay) + 1;
      entry.due += periods * entry.delay;
      entry.sequence = timerSequence++;
    } else {
      call(MapDelete, timerTable, entry.id);
    }
    ReflectApply(entry.callback, entry.handle, entry.args);
    flushWarnings();
    return 1;
  },
  // import(specifier) in a script named `referrer`, with its import
  // assertions as [key, value, ...] (V8's dynamic-import callback, set by
  // the native shell): a promise for the namespace
  // (prelude/790-esm.js).
  dynamicImport(specifier, referrer, assertions) {
    return esmImport(specifier, referrer, assertions);
  },
  // `program`: the input is a whole script file (kenshell ADDR FILE.js).
  syntaxError(error, sourceLine, startColumn, endColumn, program) {
    if (program !== true) esmReplImportError(error, sourceLine);
    write(STDOUT, formatSyntaxError(error, sourceLine, startColumn, endColumn));
    flushWarnings();
  },
  // Query: file writes (fs) queued by committed turns after seq `after`, as
  // JSON [{ seq, op, path, to, offset, recursive, mode, data (base64) }], or ''.
  fileWritesPending(after) { return fileWritesPending(+after || 0); },
  // Turn: the host performed the file writes up to a seq (JSON { through,
  // failed: [{ seq, error }] }).
  fileWritesDone(json) {
    const m = JSONParse(json);
    return fileWritesDone(m.through, ArrayIsArray(m.failed) ? m.failed : []);
  },
  // Query: "<waiting> <failed>" then one line per failed write (.info).
  fileWriteState() {
    let text = `${fileIntents.length} ${fileWriteFailures.length}`;
    for (let i = 0; i < fileWriteFailures.length; i++) {
      const f = fileWriteFailures[i];
      text += `\n${f.op} ${f.path}: ${f.error}`;
    }
    return text;
  },
  // Query: the fetch requests waiting for their response, as JSON [{ id,
  // key, method, url, headers, body (base64 or null), redirect }], or ''.
  fetchPending() { return fetchQueueText(); },
  // Turn: a response arrived (JSON { id, status, statusText, headers, url,
  // redirected, body (base64) } or { id, error, code }).
  fetchSettle(json) {
    const settled = fetchSettleTurn(json);
    flushWarnings();
    return settled;
  },
  // Query: how many 'exit' listeners process has.
  exitListeners() { return processObject.listenerCount('exit'); },
  // Turn: the shell ends normally (end of input, .exit, the end of a
  // program): process emits 'exit' with the exit code, as Node's does.
  processExitEvent(code) {
    try {
      processObject.emit('exit', +code | 0);
    } catch (e) {
      if (!isProcessExit(e)) throw e;
    }
    flushWarnings();
    return 1;
  },
  // Query: "<serial> <serial of the last exit() call> <code>"
  // (process.exit / process.exitCode).
  processExitState() {
    const code = processExitCodeValue === undefined || processExitCodeValue === null ? '' : `${+processExitCodeValue | 0}`;
    return `${processExitSerial} ${processExitCall} ${code}`;
  },
  // Runs in the checkpoint child just before V8 serializes the heap; what
  // it changes exists only in that child.
  beforeSnapshot() {
    intlCache = new WeakMapCtor();
    wasmBeforeSnapshot();
    wasmRealCache = new WeakMapCtor();
  },
  // Runs once in every heap restored from a checkpoint, before any turn.
  // Must not change anything a turn can observe: a heap restored for
  // replay has to behave exactly like the one that was logged.
  afterRestore() {},
};
