// ----------------------------------------------------------------- timers
// The timer table lives in the heap, so timers survive crashes like
// everything else. The host asks nextTimerDue() (a read-only query) and,
// when that time has come, runs fireTimer() as a turn of its own: one
// timer per turn, so each firing is atomic, logged and output-committed
// like an input. Due times are wall-clock milliseconds (the recorded Date
// source), so a timeout that became due while the shell was down fires
// at once after the restart.
const TIMEOUT_MAX = 2 ** 31 - 1;
const timerTable = new MapCtor(); // id -> entry
let nextTimerId = 1;
let timerSequence = 0;

class Timeout {
  #id;
  constructor(id) { this.#id = id; }
  ref() { return this; }
  unref() { return this; }
  hasRef() { return true; }
  refresh() {
    const entry = call(MapGet, timerTable, this.#id);
    if (entry !== undefined) {
      entry.due = DateNow() + entry.delay;
      entry.sequence = timerSequence++;
    }
    return this;
  }
  close() { clearTimer(this.#id); return this; }
  [Symbol.toPrimitive]() { return this.#id; }
}

function timerDelay(delay) {
  // As Node: coerce to a number; anything outside 1..2^31-1 becomes 1.
  delay = +delay;
  if (!(delay >= 1 && delay <= TIMEOUT_MAX)) delay = 1;
  return MathFloor(delay);
}

// Node's ERR_INVALID_ARG_TYPE, as Node words and names it.
function invalidArgType(name, expected, value) {
  let received;
  if (value === null || value === undefined) received = `Received ${value}`;
  else if (typeof value === 'function') received = `Received function ${value.name || '<anonymous>'}`;
  else if (typeof value === 'object') {
    const ctor = value.constructor;
    received = typeof ctor === 'function' && ctor.name ? `Received an instance of ${ctor.name}` : `Received ${inspect(value, { depth: -1 })}`;
  } else {
    let shown = inspect(value, { colors: false });
    if (shown.length > 28) shown = `${shown.slice(0, 25)}...`;
    received = `Received type ${typeof value} (${shown})`;
  }
  const err = new TypeErrorCtor(`The "${name}" argument must be ${expected}. ${received}`);
  // The name shows the code in the stack, then goes back to TypeError.
  ObjectDefineProperty(err, 'name', { __proto__: null, value: 'TypeError [ERR_INVALID_ARG_TYPE]', configurable: true, writable: true });
  err.stack; // eslint-disable-line no-unused-expressions -- formats the stack now, with that name
  delete err.name;
  err.code = 'ERR_INVALID_ARG_TYPE';
  return err;
}

function addTimer(callback, delay, args, repeat, kind) {
  if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
  const id = nextTimerId++;
  const handle = kind === 'immediate' ? new Immediate(id) : new Timeout(id);
  delay = kind === 'immediate' ? 0 : timerDelay(delay);
  call(MapSet, timerTable, id, {
    id, handle, callback, args, delay, repeat,
    due: DateNow() + delay,
    sequence: timerSequence++,
  });
  return handle;
}

class Immediate {
  #id;
  constructor(id) { this.#id = id; }
  ref() { return this; }
  unref() { return this; }
  hasRef() { return true; }
  [Symbol.toPrimitive]() { return this.#id; }
}

function clearTimer(handle) {
  if (handle === null || handle === undefined) return;
  const id = typeof handle === 'object' ? +handle : +handle;
  if (id === id) call(MapDelete, timerTable, id);
}

function nextDueTimer() {
  let best;
  const entries = mapList(timerTable);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (best === undefined || entry.due < best.due || (entry.due === best.due && entry.sequence < best.sequence)) {
      best = entry;
    }
  }
  return best;
}

hidden(globalThis, 'setTimeout', function setTimeout(callback, delay, ...args) {
  return addTimer(callback, delay, args, false, 'timeout');
});
hidden(globalThis, 'setInterval', function setInterval(callback, delay, ...args) {
  return addTimer(callback, delay, args, true, 'timeout');
});
hidden(globalThis, 'setImmediate', function setImmediate(callback, ...args) {
  return addTimer(callback, 0, args, false, 'immediate');
});
hidden(globalThis, 'clearTimeout', function clearTimeout(timeout) { clearTimer(timeout); });
hidden(globalThis, 'clearInterval', function clearInterval(timeout) { clearTimer(timeout); });
hidden(globalThis, 'clearImmediate', function clearImmediate(immediate) { clearTimer(immediate); });
hidden(globalThis, 'queueMicrotask', function queueMicrotask(callback) {
  if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
  // A resolved promise's reaction is a microtask; an exception in the
  // callback surfaces as an unhandled rejection, reported at turn end.
  PromisePrototypeThen(PromiseResolve(), () => { callback(); });
});

// Top-level awaits still pending: the REPL holds its prompt while any is.
let pendingAwaits = 0;

