// kenshell runtime prelude. Runs once, inside `function (host) { ... }`,
// when a store is created; everything it defines lives in the heap and is
// saved with it. `host` holds the native host functions (see
// native/src/host_functions.cc). Returns the hooks the engine calls.
//
// Rules for this file: capture every built-in used at run time now (users
// patch built-in prototypes, and that must not break printing), and keep
// every piece of state in the heap, never in the host.

const { inspect, formatUncaught, formatSyntaxError, formatLog } = createInspect(host);

const STDOUT = 1;
const STDERR = 2;
const ObjectDefineProperty = Object.defineProperty;
const ObjectCreate = Object.create;
const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
const ObjectFreeze = Object.freeze;
const ReflectApply = Reflect.apply;
const ReflectConstruct = Reflect.construct;
const ReflectOwnKeys = Reflect.ownKeys;
const MapCtor = Map;
const MapGet = Map.prototype.get;
const MapSet = Map.prototype.set;
const MapHas = Map.prototype.has;
const MapDelete = Map.prototype.delete;
const WeakMapCtor = WeakMap;
const WeakMapGet = WeakMap.prototype.get;
const WeakMapSet = WeakMap.prototype.set;
const WeakMapHas = WeakMap.prototype.has;
const StringSplit = String.prototype.split;
const ArrayJoin = Array.prototype.join;
const MathFloor = Math.floor;
const TypeErrorCtor = TypeError;
const call = (fn, self, ...args) => ReflectApply(fn, self, args);
const hidden = (obj, key, value) =>
  ObjectDefineProperty(obj, key, { value, writable: true, configurable: true, enumerable: false });

const colors = () => host.hostOption('colors') === 1;

// V8 leaves Error.stackTraceLimit undefined in a context built for a
// snapshot (it is meant to be set after deserialization), and then errors
// get no stack at all. Set it once; it is saved with the heap.
if (Error.stackTraceLimit === undefined) Error.stackTraceLimit = 10;

// ---------------------------------------------------------------- console
let groupIndent = '';
const counts = new MapCtor();
const timers = new MapCtor();

function write(stream, text) {
  if (groupIndent !== '') {
    text = call(ArrayJoin, call(StringSplit, text, '\n'), '\n' + groupIndent);
    text = groupIndent + text;
  }
  host.print(stream, text + '\n');
}

const consoleObject = {
  log(...args) { write(STDOUT, formatLog(args)); },
  info(...args) { write(STDOUT, formatLog(args)); },
  debug(...args) { write(STDOUT, formatLog(args)); },
  error(...args) { write(STDERR, formatLog(args)); },
  warn(...args) { write(STDERR, formatLog(args)); },
  trace(...args) {
    const err = { name: 'Trace', message: formatLog(args) };
    Error.captureStackTrace(err, consoleObject.trace);
    write(STDERR, err.stack);
  },
  dir(value, options) {
    write(STDOUT, inspect(value, { depth: 2, ...options, colors: false }));
  },
  assert(condition, ...args) {
    if (!condition) {
      write(STDERR, args.length === 0 ? 'Assertion failed' : 'Assertion failed: ' + formatLog(args));
    }
  },
  count(label = 'default') {
    label = `${label}`;
    const n = (call(MapGet, counts, label) || 0) + 1;
    call(MapSet, counts, label, n);
    write(STDOUT, `${label}: ${n}`);
  },
  countReset(label = 'default') { call(MapDelete, counts, `${label}`); },
  time(label = 'default') {
    label = `${label}`;
    if (call(MapHas, timers, label)) {
      write(STDERR, `Warning: Label '${label}' already exists for console.time()`);
      return;
    }
    call(MapSet, timers, label, performanceObject.now());
  },
  timeLog(label = 'default', ...data) {
    label = `${label}`;
    if (!call(MapHas, timers, label)) {
      write(STDERR, `Warning: No such label '${label}' for console.timeLog()`);
      return;
    }
    const ms = performanceObject.now() - call(MapGet, timers, label);
    write(STDOUT, `${label}: ${formatDuration(ms)}` + (data.length ? ' ' + formatLog(data) : ''));
  },
  timeEnd(label = 'default') {
    label = `${label}`;
    if (!call(MapHas, timers, label)) {
      write(STDERR, `Warning: No such label '${label}' for console.timeEnd()`);
      return;
    }
    consoleObject.timeLog(label);
    call(MapDelete, timers, label);
  },
  group(...label) {
    if (label.length) write(STDOUT, formatLog(label));
    groupIndent += '  ';
  },
  groupEnd() { groupIndent = groupIndent.slice(0, -2); },
  table(data) { write(STDOUT, inspect(data, { colors: false })); },
};
consoleObject.groupCollapsed = consoleObject.group;

function formatDuration(ms) {
  if (ms >= 1000) return `${(ms / 1000).toFixed(3)}s`;
  return `${ms.toFixed(3)}ms`;
}

hidden(globalThis, 'console', consoleObject);

// ------------------------------------------------------------ performance
// performance.now() is derived from the wall clock (the recorded Date
// source), clamped so that it never runs backwards, across restarts too.
// A per-process monotonic clock would restart from zero in every process
// and could not be replayed exactly; millisecond resolution is the price.
const timeOrigin = Date.now();
let lastNow = 0;
const performanceObject = {
  now() {
    const t = Date.now() - timeOrigin;
    if (t > lastNow) lastNow = t;
    return lastNow;
  },
  timeOrigin,
};
hidden(globalThis, 'performance', performanceObject);

// ------------------------------------------------------------ Math.random
// V8 re-seeds its own Math.random every time a heap is restored; a PRNG
// whose state lives in the heap continues where it left off instead.
// xoshiro128** (public domain, Blackman & Vigna), seeded once from the OS.
const rngState = new Uint32Array(4);
for (let i = 0; i < 4; i++) rngState[i] = host.randomSeed();
if ((rngState[0] | rngState[1] | rngState[2] | rngState[3]) === 0) rngState[0] = 1;
function nextUint32() {
  const s = rngState;
  const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
  const t = s[1] << 9;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 11);
  return result;
}
function rotl(x, k) { return (x << k) | (x >>> (32 - k)); }
hidden(Math, 'random', {
  random() {
    // 53 random bits, as V8 does.
    const hi = nextUint32() >>> 5;
    const lo = nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  },
}.random);

// ----------------------------------------------------------------- crypto
const cryptoObject = {
  getRandomValues(array) {
    const tag = host.typeTag(array);
    if (tag !== 'typedarray' || array instanceof Float32Array || array instanceof Float64Array) {
      throw new TypeErrorCtor('The data argument must be an integer-type TypedArray');
    }
    if (array.byteLength > 65536) {
      throw new RangeError(`The ArrayBufferView's byte length (${array.byteLength}) exceeds the number of bytes of entropy available via this API (65536)`);
    }
    const bytes = new Uint8Array(array.buffer, array.byteOffset, array.byteLength);
    for (let i = 0; i < bytes.length; i += 4) {
      let word = host.randomSeed();
      for (let j = 0; j < 4 && i + j < bytes.length; j++) {
        bytes[i + j] = word & 0xff;
        word = MathFloor(word / 256);
      }
    }
    return array;
  },
  randomUUID() {
    const b = cryptoObject.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex = '';
    for (let i = 0; i < 16; i++) {
      hex += (b[i] < 16 ? '0' : '') + b[i].toString(16);
      if (i === 3 || i === 5 || i === 7 || i === 9) hex += '-';
    }
    return hex;
  },
};
hidden(globalThis, 'crypto', cryptoObject);

// -------------------------------------------- WeakRef, FinalizationRegistry
// A FinalizationRegistry with pending cells cannot be snapshotted by V8,
// and when garbage collection happens is not reproducible across a restore.
// Both replacements conform to the spec, which never promises collection:
// a WeakRef that always derefs to its target, a registry that never calls back.
function checkTarget(target, what) {
  if ((typeof target !== 'object' && typeof target !== 'function') || target === null) {
    throw new TypeErrorCtor(`${what}: invalid target`);
  }
}
class WeakRef {
  #target;
  constructor(target) {
    checkTarget(target, 'WeakRef');
    this.#target = target;
  }
  deref() { return this.#target; }
}
ObjectDefineProperty(WeakRef.prototype, Symbol.toStringTag, { value: 'WeakRef', configurable: true });
class FinalizationRegistry {
  constructor(cleanupCallback) {
    if (typeof cleanupCallback !== 'function') {
      throw new TypeErrorCtor('FinalizationRegistry: cleanup must be callable');
    }
  }
  register(target, heldValue, unregisterToken) {
    checkTarget(target, 'FinalizationRegistry.prototype.register');
    if (target === heldValue) {
      throw new TypeErrorCtor('FinalizationRegistry.prototype.register: target and holdings must not be same');
    }
    return undefined;
  }
  unregister(unregisterToken) {
    checkTarget(unregisterToken, 'Invalid unregisterToken (\'' + typeof unregisterToken + '\')');
    return false;
  }
}
ObjectDefineProperty(FinalizationRegistry.prototype, Symbol.toStringTag, { value: 'FinalizationRegistry', configurable: true });
hidden(globalThis, 'WeakRef', WeakRef);
hidden(globalThis, 'FinalizationRegistry', FinalizationRegistry);

// ------------------------------------------------------------------ Intl
// Intl objects hold ICU objects outside the V8 heap, which V8's snapshot
// serializer cannot write (the checkpoint child dies on a CHECK). Each Intl
// constructor is replaced by a wrapper that keeps only its arguments (plain
// data, saved with the heap) and creates the real ICU-backed object lazily.
// The real objects sit in a cache that is dropped just before every
// checkpoint (beforeSnapshot), so they never reach the serializer.
const RealIntl = globalThis.Intl;
let intlCache = new WeakMapCtor(); // wrapper -> real Intl object (never saved)
const intlArgs = new WeakMapCtor(); // wrapper -> [Real, args] (saved)
const intlBound = new WeakMapCtor(); // wrapper -> Map of bound getter functions (saved)

function copyIntlArgument(value) {
  // Arguments are kept as plain data: an options bag is copied, a locale
  // list is copied, a wrapped Intl.Locale becomes its string.
  if (value === undefined || value === null || typeof value !== 'object') return value;
  if (call(WeakMapHas, intlArgs, value)) return `${realIntl(value)}`;
  if (Array.isArray(value)) return value.map(copyIntlArgument);
  const copy = {};
  for (const key of ReflectOwnKeys(value)) {
    if (typeof key === 'string') copy[key] = copyIntlArgument(value[key]);
  }
  return copy;
}

function realIntl(wrapper) {
  let real = call(WeakMapGet, intlCache, wrapper);
  if (real === undefined) {
    const saved = call(WeakMapGet, intlArgs, wrapper);
    if (saved === undefined) throw new TypeErrorCtor('Method called on an incompatible receiver');
    real = ReflectConstruct(saved[0], saved[1]);
    call(WeakMapSet, intlCache, wrapper, real);
  }
  return real;
}

const intlWrappers = new MapCtor(); // Real constructor -> wrapper constructor

function wrapIntlResult(result) {
  // Methods that return a new Intl object (Intl.Locale#maximize) get a wrapper too.
  if (result !== null && typeof result === 'object') {
    const proto = Object.getPrototypeOf(result);
    if (proto !== null && call(MapHas, intlWrappers, proto.constructor)) {
      const Wrapper = call(MapGet, intlWrappers, proto.constructor);
      return new Wrapper(`${result}`);
    }
  }
  return result;
}

function wrapIntl(name, callableWithoutNew) {
  const Real = RealIntl[name];
  if (typeof Real !== 'function') return;
  // A function expression (not a method) so that it has a prototype and
  // can be constructed; the computed key gives it the native name.
  const wrapper = {
    [name]: function (...args) {
      if (new.target === undefined) {
        if (!callableWithoutNew) throw new TypeErrorCtor(`Constructor Intl.${name} requires 'new'`);
        return new Wrapper(...args);
      }
      // Construct once now so bad arguments throw here, as they would natively.
      const real = ReflectConstruct(Real, args);
      const self = ObjectCreate(new.target.prototype);
      call(WeakMapSet, intlArgs, self, ObjectFreeze([Real, ObjectFreeze(copyIntlArgument(args))]));
      call(WeakMapSet, intlCache, self, real);
      return self;
    },
  };
  const Wrapper = wrapper[name];
  const proto = Wrapper.prototype;
  for (const key of ReflectOwnKeys(Real.prototype)) {
    if (key === 'constructor') continue;
    const desc = ObjectGetOwnPropertyDescriptor(Real.prototype, key);
    if (typeof desc.get === 'function') {
      const getter = desc.get;
      const get = {
        get [key]() {
          const value = call(getter, realIntl(this));
          if (typeof value !== 'function') return wrapIntlResult(value);
          // format/compare are getters returning a bound function; hand out
          // one that holds the wrapper, not the ICU object, and keep it
          // stable (nf.format === nf.format, as natively).
          let bound = call(WeakMapGet, intlBound, this);
          if (bound === undefined) {
            bound = new MapCtor();
            call(WeakMapSet, intlBound, this, bound);
          }
          let fn = call(MapGet, bound, key);
          if (fn === undefined) {
            const self = this;
            fn = { [key]: (...a) => ReflectApply(call(getter, realIntl(self)), undefined, a) }[key];
            call(MapSet, bound, key, fn);
          }
          return fn;
        },
      };
      ObjectDefineProperty(proto, key, {
        get: ObjectGetOwnPropertyDescriptor(get, key).get,
        enumerable: desc.enumerable,
        configurable: true,
      });
    } else if (typeof desc.value === 'function') {
      const method = desc.value;
      const holder = { [key](...a) { return wrapIntlResult(ReflectApply(method, realIntl(this), a)); } };
      ObjectDefineProperty(proto, key, { value: holder[key], writable: true, enumerable: desc.enumerable, configurable: true });
    } else {
      ObjectDefineProperty(proto, key, desc);
    }
  }
  for (const key of ObjectGetOwnPropertyNames(Real)) {
    if (key === 'prototype' || key === 'length' || key === 'name') continue;
    ObjectDefineProperty(Wrapper, key, ObjectGetOwnPropertyDescriptor(Real, key));
  }
  ObjectDefineProperty(Wrapper, 'length', { value: Real.length, configurable: true });
  ObjectDefineProperty(Wrapper, 'prototype', { writable: false });
  call(MapSet, intlWrappers, Real, Wrapper);
  hidden(RealIntl, name, Wrapper);
}

if (RealIntl !== undefined) {
  wrapIntl('Collator', true);
  wrapIntl('DateTimeFormat', true);
  wrapIntl('NumberFormat', true);
  wrapIntl('PluralRules', false);
  wrapIntl('RelativeTimeFormat', false);
  wrapIntl('ListFormat', false);
  wrapIntl('DisplayNames', false);
  wrapIntl('Locale', false);
  wrapIntl('Segmenter', false);
}

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
      entry.due = Date.now() + entry.delay;
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
  ObjectDefineProperty(err, 'name', { value: 'TypeError [ERR_INVALID_ARG_TYPE]', configurable: true, writable: true });
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
    due: Date.now() + delay,
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
  for (const entry of call(Map.prototype.values, timerTable)) {
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
  PromiseResolve().then(() => { callback(); });
});
const PromiseResolve = () => Promise.resolve();

// Top-level awaits still pending: the REPL holds its prompt while any is.
let pendingAwaits = 0;

// -------------------------------------------------------------- messaging
// ken.send queues a structured clone of a value for another shell. The
// queue, the sequence numbers, what each sender has delivered here, and
// messages waiting for a handler all live in the heap; the host transmits
// after the sending turn commits, retransmits until acknowledged, and
// delivers each arriving message as a turn of its own (exactly once, in
// order per sender). See src/KenShell/Messaging/README.md.
let selfAddress = '';
const outStreams = new MapCtor(); // peer address -> { next, acked, messages: Map seq -> Uint8Array }
const inWindows = new MapCtor();  // "from\nto" -> receiver window state (the host's JSON, opaque here)
const inbox = [];                 // [from, Uint8Array] delivered while no handler was set
let messageHandler = null;
let messagesSent = 0;
let messagesDelivered = 0;
const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
function toBase64(bytes) {
  const parts = [];
  let chunk = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((i + 1 < bytes.length ? bytes[i + 1] : 0) << 8) | (i + 2 < bytes.length ? bytes[i + 2] : 0);
    chunk += B64[(n >> 18) & 63] + B64[(n >> 12) & 63] +
      (i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=') + (i + 2 < bytes.length ? B64[n & 63] : '=');
    if (chunk.length >= 8192) { parts[parts.length] = chunk; chunk = ''; }
  }
  parts[parts.length] = chunk;
  return call(ArrayJoin, parts, '');
}
const B64Index = new Uint8Array(128);
for (let i = 0; i < 64; i++) B64Index[B64.charCodeAt(i)] = i;
function fromBase64(text) {
  let length = (text.length / 4) * 3;
  if (text.endsWith('==')) length -= 2; else if (text.endsWith('=')) length -= 1;
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = (B64Index[text.charCodeAt(i)] << 18) | (B64Index[text.charCodeAt(i + 1)] << 12) |
      (B64Index[text.charCodeAt(i + 2)] << 6) | B64Index[text.charCodeAt(i + 3)];
    if (o < length) out[o++] = (n >> 16) & 255;
    if (o < length) out[o++] = (n >> 8) & 255;
    if (o < length) out[o++] = n & 255;
  }
  return out;
}
// Why `text` cannot be a shell's address, or null when it can be one: the
// rules and words of src/KenShell/Messaging/PeerAddress.cs (IPv4 dotted quad,
// [IPv6], or a host name; port 1-65535), written out here because a turn
// cannot call into the host synchronously; a test checks both agree on a
// table of addresses. Returns [errorConstructor, message]. No DNS: whether a
// host name resolves is found when the message is transmitted.
const RangeErrorCtor = RangeError;
const StringCharCodeAt = String.prototype.charCodeAt;
const StringFromCharCode = String.fromCharCode;
const NumberToString = Number.prototype.toString;
const codeAt = (text, i) => call(StringCharCodeAt, text, i);
const hex4 = (code) => { const t = call(NumberToString, code + 0x10000, 16); return substring(t, 1, t.length); };
const toLower = (text) => {
  let lower = '';
  for (let k = 0; k < text.length; k++) {
    const c = codeAt(text, k);
    lower += c >= 65 && c <= 90 ? StringFromCharCode(c + 32) : text[k];
  }
  return lower;
};
const isDigit = (c) => c >= '0' && c <= '9';
const isHex = (c) => isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
const isLetterOrDigit = (c) => isDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
function substring(text, from, to) {
  let out = '';
  for (let i = from; i < to; i++) out += text[i];
  return out;
}
function indexOfChar(text, c, from = 0) {
  for (let i = from; i < text.length; i++) if (text[i] === c) return i;
  return -1;
}
function lastIndexOfChar(text, c) {
  for (let i = text.length - 1; i >= 0; i--) if (text[i] === c) return i;
  return -1;
}
function splitChar(text, c) {
  const parts = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i === text.length || text[i] === c) { parts[parts.length] = substring(text, start, i); start = i + 1; }
  }
  return parts;
}
function allChars(text, test) {
  for (let i = 0; i < text.length; i++) if (!test(text[i])) return false;
  return true;
}
function decimal(text) {
  let n = 0;
  for (let i = 0; i < text.length; i++) n = n * 10 + (codeAt(text, i) - 48);
  return n;
}
// Four numbers 0-255 without leading zeros; the bytes, or null.
function dottedQuad(text) {
  const parts = splitChar(text, '.');
  if (parts.length !== 4) return null;
  const bytes = [];
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (p.length === 0 || p.length > 3 || !allChars(p, isDigit) || (p.length > 1 && p[0] === '0')) return null;
    const v = decimal(p);
    if (v > 255) return null;
    bytes[i] = v;
  }
  return bytes;
}
// An IPv6 address (RFC 4291 text: hex groups, one '::', an IPv4 tail): its
// eight 16-bit groups, or null.
function ipv6Groups(text) {
  if (text.length === 0) return null;
  const groups = [];
  let gap = -1;
  let i = 0;
  if (text[0] === ':') {
    if (text.length < 2 || text[1] !== ':') return null;
    gap = 0;
    i = 2;
  }
  while (i < text.length) {
    let j = i;
    while (j < text.length && text[j] !== ':') j++;
    const part = substring(text, i, j);
    if (j === text.length && indexOfChar(part, '.') >= 0) {
      const quad = dottedQuad(part);
      if (quad === null || groups.length > 6) return null;
      groups[groups.length] = quad[0] * 256 + quad[1];
      groups[groups.length] = quad[2] * 256 + quad[3];
      i = j;
      break;
    }
    if (part.length === 0 || part.length > 4 || !allChars(part, isHex)) return null;
    let v = 0;
    for (let k = 0; k < part.length; k++) {
      const c = codeAt(part, k);
      v = v * 16 + (c <= 57 ? c - 48 : (c | 32) - 87); // '0'-'9', 'a'-'f' / 'A'-'F'
    }
    groups[groups.length] = v;
    if (groups.length > 8) return null;
    if (j === text.length) { i = j; break; }
    // A ':' ends the group; '::' marks the gap (once).
    if (j + 1 < text.length && text[j + 1] === ':') {
      if (gap >= 0) return null;
      gap = groups.length;
      i = j + 2;
    } else {
      if (j + 1 === text.length) return null; // a trailing single ':'
      i = j + 1;
    }
  }
  if (gap < 0) return groups.length === 8 ? groups : null;
  if (groups.length > 7) return null;
  const full = [];
  for (let k = 0; k < gap; k++) full[full.length] = groups[k];
  for (let k = groups.length; k < 8; k++) full[full.length] = 0;
  for (let k = gap; k < groups.length; k++) full[full.length] = groups[k];
  return full;
}
// RFC 5952 text of eight groups (as .NET prints them).
function ipv6Text(groups) {
  let bestStart = -1, bestLength = 1;
  for (let k = 0; k < 8;) {
    if (groups[k] !== 0) { k++; continue; }
    let end = k;
    while (end < 8 && groups[end] === 0) end++;
    if (end - k > bestLength) { bestStart = k; bestLength = end - k; }
    k = end;
  }
  let out = '';
  for (let k = 0; k < 8; k++) {
    if (k === bestStart) { out += '::'; k += bestLength - 1; continue; }
    if (out.length > 0 && out[out.length - 1] !== ':') out += ':';
    out += call(NumberToString, groups[k], 16);
  }
  return out;
}
function hostNameProblem(name) {
  // Checked lowercased, named as written (as PeerAddress does).
  let canonical = toLower(name);
  if (canonical.length > 0 && canonical[canonical.length - 1] === '.') canonical = substring(canonical, 0, canonical.length - 1);
  if (canonical.length === 0 || canonical.length > 253) return `host name '${name}' must be 1-253 characters`;
  const labels = splitChar(canonical, '.');
  for (let l = 0; l < labels.length; l++) {
    const label = labels[l];
    if (label.length === 0 || label.length > 63) return `host name '${name}' has an empty label or one longer than 63 characters`;
    if (label[0] === '-' || label[label.length - 1] === '-') return `host name '${name}' has a label that starts or ends with '-'`;
    for (let k = 0; k < label.length; k++) {
      const c = label[k];
      // The character named is the lowercased one, as in PeerAddress.
      if (!(isLetterOrDigit(c) || c === '-' || c === '_')) return `'${name}' is neither an IPv4 address nor a host name (unexpected '${c}')`;
    }
  }
  if (allChars(labels[labels.length - 1], isDigit)) return `host name '${name}' ends in a numeric label`;
  return null;
}
function addressProblem(text) {
  if (text.length === 0) return [TypeErrorCtor, 'an address is HOST:PORT, e.g. 127.0.0.1:6666 or [::1]:6666; got an empty string'];
  const shown = text.length > 80 ? substring(text, 0, 80) + '...' : text;
  const bad = (message) => [TypeErrorCtor, message];
  if (text.length > 256) return bad(`address '${shown}' is too long (at most 255 characters)`);
  for (let i = 0; i < text.length; i++) {
    const code = codeAt(text, i);
    if (code <= 32 || code >= 0x7f) {
      let printable = '';
      for (let k = 0; k < shown.length; k++) {
        const c = codeAt(shown, k);
        printable += c > 32 && c < 0x7f ? shown[k] : '\\u' + hex4(c);
      }
      return bad(`address '${printable}' contains a space, control or non-ASCII character`);
    }
  }
  let hostText, portText;
  const bracketed = text[0] === '[';
  if (bracketed) {
    const close = indexOfChar(text, ']');
    if (close < 0) return bad(`address '${shown}' has '[' without ']'; IPv6 is written [::1]:6666`);
    hostText = substring(text, 1, close);
    if (close + 1 >= text.length || text[close + 1] !== ':') return bad(`address '${shown}' has no :PORT after ']' (e.g. [::1]:6666)`);
    portText = substring(text, close + 2, text.length);
    if (hostText.length === 0) return bad(`address '${shown}' has an empty host`);
  } else {
    const colon = lastIndexOfChar(text, ':');
    if (colon < 0) return bad(`address '${shown}' has no :PORT (an address is HOST:PORT, e.g. 127.0.0.1:6666)`);
    hostText = substring(text, 0, colon);
    portText = substring(text, colon + 1, text.length);
    if (hostText.length === 0) return bad(`address '${shown}' has an empty host`);
    if (indexOfChar(hostText, ':') >= 0) return bad(`address '${shown}': an IPv6 address must be in brackets, e.g. [::1]:6666`);
  }
  if (portText.length === 0) return bad(`address '${shown}': the port is missing after ':'`);
  if (!allChars(portText, isDigit)) return bad(`address '${shown}': port '${portText}' is not a number 1-65535`);
  // A number, but not a port: RangeError, as Node's dgram says of port 99999.
  if (portText.length > 5) return [RangeErrorCtor, `address '${shown}': port '${portText}' is not a number 1-65535`];
  if (portText.length > 1 && portText[0] === '0') return bad(`address '${shown}': port '${portText}' has a leading zero`);
  const port = decimal(portText);
  if (port < 1 || port > 65535) return [RangeErrorCtor, `address '${shown}': port ${portText} is out of range 1-65535`];
  let ipText = null, v4 = null;
  if (bracketed) {
    if (indexOfChar(hostText, '%') >= 0) return bad(`address '${shown}': '${hostText}' has a zone index (%...), which means different things on different machines`);
    const groups = ipv6Groups(hostText);
    if (groups === null) return bad(`address '${shown}': '${hostText}' in brackets is not an IPv6 address`);
    if (groups[0] === 0 && groups[1] === 0 && groups[2] === 0 && groups[3] === 0 && groups[4] === 0 && groups[5] === 0xffff) {
      v4 = [groups[6] >> 8, groups[6] & 255, groups[7] >> 8, groups[7] & 255]; // IPv4-mapped: that IPv4 address
    } else {
      ipText = ipv6Text(groups);
      if (ipText === '::') return bad(`address '${shown}': :: is the unspecified address, which cannot identify a shell; use a concrete one such as 127.0.0.1`);
      if (groups[0] >> 8 === 0xff) return bad(`address '${shown}': ${ipText} is a multicast address, which cannot identify a shell`);
    }
  } else if (allChars(hostText, (c) => isDigit(c) || c === '.')) {
    v4 = dottedQuad(hostText);
    if (v4 === null) return bad(`address '${shown}': '${hostText}' is not an IPv4 address (four numbers 0-255 without leading zeros, e.g. 127.0.0.1)`);
  } else {
    const problem = hostNameProblem(hostText);
    if (problem !== null) return bad(`address '${shown}': ${problem}`);
    const lower = toLower(hostText);
    const canonical = lower[lower.length - 1] === '.' ? substring(lower, 0, lower.length - 1) : lower;
    if (canonical.length + 1 + portText.length > 255) return bad(`address '${shown}' is too long (at most 255 characters)`);
  }
  if (v4 !== null) {
    const v4Text = `${v4[0]}.${v4[1]}.${v4[2]}.${v4[3]}`;
    if (v4Text === '0.0.0.0') return bad(`address '${shown}': 0.0.0.0 is the unspecified address, which cannot identify a shell; use a concrete one such as 127.0.0.1`);
    if (v4Text === '255.255.255.255') return bad(`address '${shown}': 255.255.255.255 is the broadcast address, which cannot identify a shell`);
    if ((v4[0] & 0xf0) === 0xe0) return bad(`address '${shown}': ${v4Text} is a multicast address, which cannot identify a shell`);
  }
  return null;
}
function callHandler(value, from) {
  ReflectApply(messageHandler, undefined, [value, from]);
}
const ken = {
  get address() { return selfAddress; },
  send(address, value) {
    if (typeof address !== 'string') throw invalidArgType('address', 'of type string', address);
    // An address that cannot be one would queue its messages forever.
    const problem = addressProblem(address);
    if (problem !== null) throw new problem[0](`ken.send: ${problem[1]}`);
    if (typeof host.serialize !== 'function') {
      throw new TypeErrorCtor('this store was created by a kenshell without messaging; ken.send is not available in it');
    }
    const bytes = new Uint8Array(host.serialize(value)); // DataCloneError for what cannot be cloned
    let stream = call(MapGet, outStreams, address);
    if (stream === undefined) {
      stream = { next: 1, acked: 0, messages: new MapCtor() };
      call(MapSet, outStreams, address, stream);
    }
    call(MapSet, stream.messages, stream.next++, bytes);
    messagesSent++;
  },
  get onmessage() { return messageHandler; },
  set onmessage(handler) {
    if (handler !== null && handler !== undefined && typeof handler !== 'function') {
      throw invalidArgType('onmessage', 'a function or null', handler);
    }
    messageHandler = handler ?? null;
  },
  // Messages not yet acknowledged, per peer.
  pending() {
    const result = {};
    for (const [peer, stream] of outStreams) if (stream.messages.size > 0) result[peer] = stream.messages.size;
    return result;
  },
  stats() {
    let unacknowledged = 0;
    for (const stream of call(Map.prototype.values, outStreams)) unacknowledged += stream.messages.size;
    return { sent: messagesSent, delivered: messagesDelivered, unacknowledged, waitingForHandler: inbox.length };
  },
};
ObjectDefineProperty(ken, Symbol.toStringTag, { value: 'ken' });
hidden(globalThis, 'ken', ken);

// ---------------------------------------------------------- _ and _error
// As in Node's REPL: _ is the last result and _error the last uncaught
// error, until the user assigns to them.
let lastResult;
let lastError;
let underscoreMode = 0; // bit 1: _ assigned by the user, bit 2: _error assigned
function replVariable(name, bit, get) {
  ObjectDefineProperty(globalThis, name, {
    get,
    set(value) {
      underscoreMode |= bit;
      ObjectDefineProperty(globalThis, name, { value, writable: true, enumerable: false, configurable: true });
      write(STDOUT, `Expression assignment to ${name} now disabled.`);
    },
    enumerable: false,
    configurable: true,
  });
}
replVariable('_', 1, () => lastResult);
replVariable('_error', 2, () => lastError);

// ------------------------------------------------------------------ hooks
function show(value) {
  return inspect(value, { colors: colors(), depth: 2, showProxy: true });
}

function reportUncaught(error) {
  if ((underscoreMode & 2) === 0) lastError = error;
  write(STDOUT, formatUncaught(error, { colors: colors() }));
}

// A top-level await still pending when its turn ends: its result is printed
// by the later turn in which it settles.
function awaitLater(promise) {
  pendingAwaits++;
  promise.then(
    (completion) => {
      pendingAwaits--;
      const value = completion ? completion['.repl_result'] : undefined;
      if ((underscoreMode & 1) === 0) lastResult = value;
      write(STDOUT, show(value));
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
  finishTurn(promise) {
    const [state, completion] = host.promiseState(promise);
    if (state === 1) {
      const value = completion['.repl_result'];
      if ((underscoreMode & 1) === 0) lastResult = value;
      write(STDOUT, show(value));
      return 0;
    }
    if (state === 2) {
      reportUncaught(completion);
      return 1;
    }
    awaitLater(promise);
    return 2;
  },
  uncaught(error) {
    reportUncaught(error);
  },
  // A promise rejected in this turn with no handler by its end.
  unhandledRejection(reason) {
    write(STDERR, formatUncaught(reason, { colors: false }));
  },
  // Query: when the next timer is due (epoch ms), or Infinity.
  nextTimerDue() {
    const entry = nextDueTimer();
    return entry === undefined ? Infinity : entry.due;
  },
  // Query: how many timers are pending.
  pendingTimers() { return timerTable.size; },
  // Query: how many top-level awaits are still pending.
  pendingAwaits() { return pendingAwaits; },
  // Query: messages sent and not yet acknowledged, and messages received
  // that wait for an onmessage handler (.info).
  // Answers "<unacknowledged> <waiting>".
  pendingMessages() {
    let unacknowledged = 0;
    for (const stream of call(Map.prototype.values, outStreams)) unacknowledged += stream.messages.size;
    return `${unacknowledged} ${inbox.length}`;
  },
  // Called once per process before anything runs: the shell's identity
  // (constant for a store, whose files are named after it).
  setIdentity(address) { selfAddress = address; return ''; },
  // Query: the outbound streams, as JSON [{ to, next, acked }].
  outboxState() {
    const list = [];
    for (const [to, stream] of outStreams) list[list.length] = { to, next: stream.next, acked: stream.acked };
    return JSON.stringify(list);
  },
  // Query: one queued message ("to\nseq") in base64, or '' if gone.
  outboxMessage(key) {
    const cut = key.indexOf('\n');
    const stream = call(MapGet, outStreams, key.slice(0, cut));
    const bytes = stream === undefined ? undefined : call(MapGet, stream.messages, +key.slice(cut + 1));
    return bytes === undefined ? '' : toBase64(bytes);
  },
  // Query: the receiver windows' states, as JSON [{ key, state }].
  inWindowStates() {
    const list = [];
    for (const [key, state] of inWindows) list[list.length] = { key, state };
    return JSON.stringify(list);
  },
  // Query: messages waiting for a handler that is now set.
  inboxReady() { return messageHandler === null ? 0 : inbox.length; },
  // Turn: delivers one message. The receiver window's new state is saved in
  // the same turn, so the delivery and "delivered up to n" commit together.
  deliver(json) {
    const m = JSON.parse(json);
    call(MapSet, inWindows, m.key, m.state);
    messagesDelivered++;
    const bytes = fromBase64(m.data);
    if (messageHandler === null) {
      inbox[inbox.length] = [m.from, bytes];
      return 0;
    }
    callHandler(host.deserialize(bytes), m.from);
    return 1;
  },
  // Turn: hands the oldest waiting message to the handler.
  deliverWaiting() {
    if (messageHandler === null || inbox.length === 0) return 0;
    const [from, bytes] = inbox.shift();
    callHandler(host.deserialize(bytes), from);
    return 1;
  },
  // Turn: the peer acknowledged everything up to a sequence number ("to\nn").
  acked(text) {
    const cut = text.indexOf('\n');
    const stream = call(MapGet, outStreams, text.slice(0, cut));
    const upTo = +text.slice(cut + 1);
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
    if (entry === undefined || entry.due > Date.now()) return 0;
    call(MapDelete, timerTable, entry.id);
    return 1;
  },
  // Turn: fires the earliest due timer, if one is due. 1 if it fired.
  fireTimer() {
    const entry = nextDueTimer();
    const now = Date.now();
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
    return 1;
  },
  syntaxError(error, sourceLine, startColumn, endColumn) {
    write(STDOUT, formatSyntaxError(error, sourceLine, startColumn, endColumn));
  },
  // Runs in the checkpoint child just before V8 serializes the heap; what
  // it changes exists only in that child.
  beforeSnapshot() {
    intlCache = new WeakMapCtor();
  },
  // Runs once in every heap restored from a checkpoint, before any turn.
  // Must not change anything a turn can observe: a heap restored for
  // replay has to behave exactly like the one that was logged.
  afterRestore() {},
};
