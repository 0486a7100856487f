// kenshell runtime prelude. Runs once, inside `function (host) { ... }`,
// when a store is created; everything it defines lives in the heap and is
// saved with it. `host` holds the native host functions (see
// native/src/host_functions.cc). Returns the hooks the engine calls.
//
// Rules for this file: capture every built-in used at run time now (users
// patch built-in prototypes, and that must not break printing), and keep
// every piece of state in the heap, never in the host.

const inspectExtras = createInspect(host);
const { inspect, formatUncaught, formatSyntaxError, formatLog, replStack } = inspectExtras;

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
const ReflectDefineProperty = Reflect.defineProperty;
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
// Node's console (lib/internal/console/constructor.js), method for method.
// Every console (the global one and each `new console.Console(...)`) has its
// own counts, timers and group indentation. Warnings (an unknown label for
// timeEnd/timeLog/countReset, a label already in use for time) go to stderr
// after the turn's result, where Node's process.emitWarning puts them
// (it runs on the next tick), but without Node's "(node:PID) " prefix: a
// turn's output must be the same when it is replayed by another process.
const StringSlice = String.prototype.slice;
const StringRepeat = String.prototype.repeat;
const StringIncludes = String.prototype.includes;
const ArrayIsArray = Array.isArray;
const ObjectKeys = Object.keys;
const ObjectHasOwn = Object.prototype.hasOwnProperty;
const MathCeil = Math.ceil;
const MathMax = Math.max;
const NumberToFixed = Number.prototype.toFixed;
const NumberCtor = Number;
const SymbolToStringTag = Symbol.toStringTag;
const FunctionBind = Function.prototype.bind;
const ErrorCaptureStackTrace = Error.captureStackTrace;
const NumberIsInteger = Number.isInteger;
const RangeErrorCtor = RangeError;
const { getStringWidth } = inspectExtras;

const pendingWarnings = [];

function warnLater(text) {
  pendingWarnings[pendingWarnings.length] = `Warning: ${text}`;
}
// Called by the hooks after the turn's own output (its result or error).
function flushWarnings() {
  for (let i = 0; i < pendingWarnings.length; i++) host.print(STDERR, pendingWarnings[i] + '\n');
  pendingWarnings.length = 0;
}

function indentLines(indent, text) {
  if (indent === '') return text;
  if (call(StringIncludes, text, '\n')) text = call(ArrayJoin, call(StringSplit, text, '\n'), '\n' + indent);
  return indent + text;
}

function formatDuration(ms) {
  // Node's formatTime.
  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  if (ms >= 1000) {
    if (ms >= 60000) {
      if (ms >= 3600000) {
        hours = MathFloor(ms / 3600000);
        ms %= 3600000;
      }
      minutes = MathFloor(ms / 60000);
      ms %= 60000;
    }
    seconds = ms / 1000;
  }
  const pad = (v) => (`${v}`.length < 2 ? `0${v}` : `${v}`);
  if (hours !== 0 || minutes !== 0) {
    const parts = call(StringSplit, call(NumberToFixed, seconds, 3), '.');
    const res = hours !== 0 ? `${hours}:${pad(minutes)}` : minutes;
    return `${res}:${pad(parts[0])}.${parts[1]} (${hours !== 0 ? 'h:m' : ''}m:ss.mmm)`;
  }
  if (seconds !== 0) return `${call(NumberToFixed, seconds, 3)}s`;
  return `${NumberCtor(call(NumberToFixed, ms, 3))}ms`;
}

// Node's internal/cli_table.
function renderTable(head, columns) {
  const renderRow = (row, widths) => {
    let out = '│ ';
    for (let i = 0; i < row.length; i++) {
      const cell = row[i];
      out += cell + call(StringRepeat, ' ', MathCeil(widths[i] - getStringWidth(cell, true)));
      if (i !== row.length - 1) out += ' │ ';
    }
    return out + ' │';
  };
  const rows = [];
  const widths = [];
  let longest = 0;
  for (let i = 0; i < head.length; i++) {
    widths[i] = getStringWidth(head[i], true);
    if (columns[i].length > longest) longest = columns[i].length;
  }
  for (let i = 0; i < head.length; i++) {
    const column = columns[i];
    for (let j = 0; j < longest; j++) {
      if (rows[j] === undefined) rows[j] = [];
      const value = rows[j][i] = call(ObjectHasOwn, column, j) ? column[j] : '';
      widths[i] = MathMax(widths[i] || 0, getStringWidth(value, true));
    }
  }
  const divider = [];
  for (let i = 0; i < widths.length; i++) divider[i] = call(StringRepeat, '─', widths[i] + 2);
  let result = '┌' + call(ArrayJoin, divider, '┬') + '┐\n' + renderRow(head, widths) + '\n' +
    '├' + call(ArrayJoin, divider, '┼') + '┤\n';
  for (let j = 0; j < rows.length; j++) result += renderRow(rows[j], widths) + '\n';
  return result + '└' + call(ArrayJoin, divider, '┴') + '┘';
}

// Node's ERR_CONSOLE_WRITABLE_STREAM and ERR_INVALID_ARG_TYPE carry a code.
function codedError(Ctor, code, message) {
  const err = new Ctor(message);
  ObjectDefineProperty(err, 'name', { value: `${err.name} [${code}]`, configurable: true, writable: true });
  err.stack; // eslint-disable-line no-unused-expressions -- formats the stack now, with that name
  delete err.name;
  err.code = code;
  return err;
}

// A console writing through out(text) and err(text) (each text without its
// newline). colorsOf() says whether values are coloured: as Node's colorMode
// 'auto', the global console colours when the shell writes to a terminal,
// a Console over user objects (no isTTY) never does.
function createConsole(out, err, groupIndentation = 2, colorsOf = () => false) {
  const groupStep = call(StringRepeat, ' ', groupIndentation);
  const counts = new MapCtor();
  const times = new MapCtor();
  let indent = '';
  const toOut = (text) => out(indentLines(indent, text));
  const toErr = (text) => err(indentLines(indent, text));
  const setIndent = (value) => { indent = value; };

  function timeLogImpl(name, label, data) {
    if (!call(MapHas, times, label)) {
      warnLater(`No such label '${label}' for console.${name}()`);
      return false;
    }
    const ms = performanceObject.now() - call(MapGet, times, label);
    if (data === undefined) toOut(`${label}: ${formatDuration(ms)}`);
    else toOut(`${label}: ${formatDuration(ms)}` + (data.length ? ' ' + formatLog(data, { colors: colorsOf() }) : ''));
    return true;
  }
  const tableInspect = (v) => {
    const depth = v !== null && typeof v === 'object' && !ArrayIsArray(v) &&
      host.typeTag(v) !== 'typedarray' && ObjectKeys(v).length > 2 ? -1 : 0;
    return inspect(v, { depth, maxArrayLength: 3, breakLength: Infinity, colors: colorsOf() });
  };
  const indexColumn = (length) => {
    const column = [];
    for (let i = 0; i < length; i++) column[i] = tableInspect(i);
    return column;
  };

  const methods = {
    log(...args) { toOut(formatLog(args, { colors: colorsOf() })); },
    warn(...args) { toErr(formatLog(args, { colors: colorsOf() })); },
    dir(object, options) {
      toOut(inspect(object, { customInspect: false, depth: 2, colors: colorsOf(), ...options }));
    },
    time(label = 'default') {
      label = `${label}`;
      if (call(MapHas, times, label)) {
        warnLater(`Label '${label}' already exists for console.time()`);
        return;
      }
      call(MapSet, times, label, performanceObject.now());
    },
    timeEnd(label = 'default') {
      label = `${label}`;
      if (timeLogImpl('timeEnd', label)) call(MapDelete, times, label);
    },
    timeLog(label = 'default', ...data) {
      label = `${label}`;
      timeLogImpl('timeLog', label, data);
    },
    trace: function trace(...args) {
      const e = { name: 'Trace', message: formatLog(args, { colors: colorsOf() }) };
      ErrorCaptureStackTrace(e, trace);
      this.error(e.stack);
    },
    assert(expression, ...args) {
      if (!expression) {
        args[0] = `Assertion failed${args.length === 0 ? '' : `: ${args[0]}`}`;
        ReflectApply(this.warn, this, args);
      }
    },
    // Node clears only a terminal; the shell's line editor owns the screen
    // (Ctrl-L), so this does nothing, as Node does when stdout is not a TTY.
    clear() {},
    count(label = 'default') {
      label = `${label}`;
      const n = (call(MapGet, counts, label) || 0) + 1;
      call(MapSet, counts, label, n);
      this.log(`${label}: ${n}`);
    },
    countReset(label = 'default') {
      // As Node: the lookup uses the label as given, the delete its string.
      if (!call(MapHas, counts, label)) {
        warnLater(`Count for '${label}' does not exist`);
        return;
      }
      call(MapDelete, counts, `${label}`);
    },
    group(...data) {
      if (data.length > 0) ReflectApply(this.log, this, data);
      setIndent(indent + groupStep);
    },
    groupEnd() { setIndent(call(StringSlice, indent, 0, indent.length - groupStep.length)); },
    table(tabularData, properties) {
      if (properties !== undefined && !ArrayIsArray(properties)) {
        throw invalidArgType('properties', 'an instance of Array', properties);
      }
      if (tabularData === null || typeof tabularData !== 'object') return this.log(tabularData);
      const final = (head, columns) => this.log(renderTable(head, columns));
      const tag = host.typeTag(tabularData);
      if (tag === 'map' || tag === 'mapiterator') {
        const preview = host.previewEntries(tabularData);
        const entries = preview[0];
        const isKeyValue = preview[1];
        if (tag === 'map' || isKeyValue) {
          const keys = [];
          const values = [];
          for (let i = 0; i < entries.length / 2; i++) {
            keys[i] = tableInspect(entries[i * 2]);
            values[i] = tableInspect(entries[i * 2 + 1]);
          }
          return final(['(iteration index)', 'Key', 'Values'], [indexColumn(keys.length), keys, values]);
        }
        tabularData = entries;
      }
      if (tag === 'set' || tag === 'setiterator' || tag === 'mapiterator') {
        const entries = tag === 'mapiterator' ? tabularData : host.previewEntries(tabularData)[0];
        const values = [];
        for (let i = 0; i < entries.length; i++) values[i] = tableInspect(entries[i]);
        return final(['(iteration index)', 'Values'], [indexColumn(values.length), values]);
      }
      const map = ObjectCreate(null);
      const mapKeys = [];
      let hasPrimitives = false;
      const valuesColumn = [];
      const indexKeys = ObjectKeys(tabularData);
      for (let i = 0; i < indexKeys.length; i++) {
        const item = tabularData[indexKeys[i]];
        const primitive = item === null || (typeof item !== 'function' && typeof item !== 'object');
        if (properties === undefined && primitive) {
          hasPrimitives = true;
          valuesColumn[i] = tableInspect(item);
        } else {
          const keys = properties || ObjectKeys(item);
          for (let k = 0; k < keys.length; k++) {
            const key = keys[k];
            if (map[key] === undefined) {
              map[key] = [];
              mapKeys[mapKeys.length] = key;
            }
            if ((primitive && properties) || !call(ObjectHasOwn, item, key)) map[key][i] = '';
            else map[key][i] = tableInspect(item[key]);
          }
        }
      }
      // Object.keys order of the columns (integer-like keys first, as Node's
      // null-prototype map orders them).
      const head = ['(index)'];
      const columns = [indexKeys];
      const ordered = ObjectKeys(map);
      for (let k = 0; k < ordered.length; k++) {
        head[head.length] = ordered[k];
        columns[columns.length] = map[ordered[k]];
      }
      if (hasPrimitives) {
        head[head.length] = 'Values';
        columns[columns.length] = valuesColumn;
      }
      return final(head, columns);
    },
    debug(...args) { toOut(formatLog(args, { colors: colorsOf() })); },
    info(...args) { toOut(formatLog(args, { colors: colorsOf() })); },
    dirxml(...data) { ReflectApply(this.log, this, data); },
    error(...args) { toErr(formatLog(args, { colors: colorsOf() })); },
    groupCollapsed(...data) { ReflectApply(this.group, this, data); },
  };
  return methods;
}

// console.Console: Node's constructor. Node wants stream.Writable instances;
// kenshell has no streams, so any object with a write(string) method will do
// (it is called with each line, newline included).
function Console(options, stderrArg, ignoreErrorsArg) {
  if (new.target === undefined) return ReflectConstruct(Console, [options, stderrArg, ignoreErrorsArg]);
  if (options === null || options === undefined || typeof options.write === 'function') {
    options = { stdout: options, stderr: stderrArg, ignoreErrors: ignoreErrorsArg };
  }
  const stdout = options.stdout;
  let stderr = options.stderr;
  if (stdout === null || stdout === undefined || typeof stdout.write !== 'function') {
    throw codedError(TypeErrorCtor, 'ERR_CONSOLE_WRITABLE_STREAM', 'Console expects a writable stream instance for stdout');
  }
  if (stderr === null || stderr === undefined) stderr = stdout;
  else if (typeof stderr.write !== 'function') {
    throw codedError(TypeErrorCtor, 'ERR_CONSOLE_WRITABLE_STREAM', 'Console expects a writable stream instance for stderr');
  }
  const ignoreErrors = options.ignoreErrors === undefined ? true : !!options.ignoreErrors;
  const writer = (stream) => (text) => {
    if (!ignoreErrors) { stream.write(text + '\n'); return; }
    try { stream.write(text + '\n'); } catch { /* as Node with ignoreErrors */ }
  };
  let groupIndentation = options.groupIndentation;
  if (groupIndentation === undefined) groupIndentation = 2;
  else if (typeof groupIndentation !== 'number') {
    throw invalidArgType('groupIndentation', 'of type number', groupIndentation);
  } else if (!NumberIsInteger(groupIndentation) || groupIndentation < 0 || groupIndentation > 1000) {
    const rule = NumberIsInteger(groupIndentation) ? '>= 0 && <= 1000' : 'an integer';
    throw codedError(RangeErrorCtor, 'ERR_OUT_OF_RANGE',
      `The value of "groupIndentation" is out of range. It must be ${rule}. Received ${inspect(groupIndentation)}`);
  }
  const methods = createConsole(writer(stdout), writer(stderr), groupIndentation);
  const keys = ReflectOwnKeys(methods);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const method = methods[key];
    const bound = call(FunctionBind, method, this);
    ObjectDefineProperty(bound, 'name', { value: key, configurable: true });
    ObjectDefineProperty(this, key, { value: bound, writable: true, enumerable: true, configurable: true });
  }
}
ObjectDefineProperty(Console.prototype, SymbolToStringTag, { value: 'console', writable: false, enumerable: false, configurable: true });

// The global console: an object whose prototype carries the 'console' tag
// (Node prints it `Object [console] {...}`), with Node's members in Node's order.
const consolePrototype = {};
ObjectDefineProperty(consolePrototype, SymbolToStringTag, { value: 'console', writable: false, enumerable: false, configurable: true });
const consoleObject = ObjectCreate(consolePrototype);
{
  const methods = createConsole(
    (text) => host.print(STDOUT, text + '\n'),
    (text) => host.print(STDERR, text + '\n'),
    2,
    colors);
  const keys = ReflectOwnKeys(methods);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const method = methods[key];
    const bound = call(FunctionBind, method, consoleObject);
    ObjectDefineProperty(bound, 'name', { value: key, configurable: true });
    consoleObject[key] = bound;
  }
  // Inspector-only methods in Node: without an inspector they do nothing.
  const noop = {
    profile(label) {}, // eslint-disable-line no-unused-vars
    profileEnd(label) {}, // eslint-disable-line no-unused-vars
    timeStamp(label) {}, // eslint-disable-line no-unused-vars
  };
  consoleObject.Console = Console;
  consoleObject.profile = noop.profile;
  consoleObject.profileEnd = noop.profileEnd;
  consoleObject.timeStamp = noop.timeStamp;
  // V8's console.context(name): a console whose messages go to the
  // inspector only, i.e. nowhere here.
  consoleObject.context = {
    context(name) { // eslint-disable-line no-unused-vars
      const quiet = {};
      const names = ['dir', 'dirXml', 'table', 'groupEnd', 'clear', 'count', 'countReset', 'profile', 'profileEnd',
        'timeLog', 'debug', 'error', 'info', 'log', 'warn', 'trace', 'group', 'groupCollapsed', 'assert', 'time',
        'timeEnd', 'timeStamp'];
      for (let i = 0; i < names.length; i++) {
        const fn = { [names[i]]() {} }[names[i]];
        quiet[names[i]] = fn;
      }
      return quiet;
    },
  }.context;
  // V8's console.createTask(name): an async stack-tagging task; run(f) calls f.
  consoleObject.createTask = {
    createTask(name) {
      if (typeof name !== 'string' || name === '') throw new Error('First argument must be a non-empty string.');
      return { run: { run(f) { return f(); } }.run };
    },
  }.createTask;
}

// REPL output (a turn's result, an uncaught error): written as is, never
// indented by console.group, as Node's REPL writes it.
function write(stream, text) {
  host.print(stream, text + '\n');
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
function callHandler(value, from) {
  ReflectApply(messageHandler, undefined, [value, from]);
}
const ken = {
  get address() { return selfAddress; },
  send(address, value) {
    if (typeof address !== 'string' || address === '') throw invalidArgType('address', 'of type string', address);
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

// ------------------------------------------------ globalThis, as Node shows it
// Node's global object carries Symbol.toStringTag 'global' and a `global`
// alias of itself, and its timer functions are enumerable, so it prints as
// `<ref *1> Object [global] { global: [Circular *1], clearImmediate: ... }`.
// The same here, in Node's order; what kenshell does not have (structuredClone,
// atob, btoa, fetch) is missing, and performance and crypto stay
// non-enumerable (README: Differences from Node).
ObjectDefineProperty(globalThis, SymbolToStringTag, { value: 'global', writable: false, enumerable: false, configurable: true });
ObjectDefineProperty(globalThis, 'global', { value: globalThis, writable: true, enumerable: true, configurable: true });
{
  const names = ['clearImmediate', 'setImmediate', 'clearInterval', 'clearTimeout', 'setInterval', 'setTimeout', 'queueMicrotask'];
  for (let i = 0; i < names.length; i++) {
    const desc = ObjectGetOwnPropertyDescriptor(globalThis, names[i]);
    delete globalThis[names[i]];
    desc.enumerable = true;
    ObjectDefineProperty(globalThis, names[i], desc);
  }
}

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
  let text;
  try {
    text = formatUncaught(error, { colors: colors() });
    // Node's REPL trims the stack of an error it reports for good (its
    // stack trace override): `_error` then prints as `[Error: boom]`.
    const stack = replStack(error);
    if (stack !== undefined) ReflectDefineProperty(error, 'stack', { value: stack });
  } catch (e) {
    text = `Uncaught ${formatUncaught(e, { colors: false })}`;
  }
  write(STDOUT, text);
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
  promise.then(
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
  finishTurn(promise) {
    const [state, completion] = host.promiseState(promise);
    if (state === 1) {
      const value = completion['.repl_result'];
      if ((underscoreMode & 1) === 0) lastResult = value;
      writeResult(value);
      return 0;
    }
    if (state === 2) {
      reportUncaught(completion);
      return 1;
    }
    awaitLater(promise);
    flushWarnings();
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
    flushWarnings();
    return 1;
  },
  // Turn: hands the oldest waiting message to the handler.
  deliverWaiting() {
    if (messageHandler === null || inbox.length === 0) return 0;
    const [from, bytes] = inbox.shift();
    callHandler(host.deserialize(bytes), from);
    flushWarnings();
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
    flushWarnings();
    return 1;
  },
  syntaxError(error, sourceLine, startColumn, endColumn) {
    write(STDOUT, formatSyntaxError(error, sourceLine, startColumn, endColumn));
    flushWarnings();
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
