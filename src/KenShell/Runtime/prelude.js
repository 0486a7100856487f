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
const WeakMapDelete = WeakMap.prototype.delete;
const StringSplit = String.prototype.split;
const ArrayJoin = Array.prototype.join;
const MathFloor = Math.floor;
const TypeErrorCtor = TypeError;
const call = (fn, self, ...args) => ReflectApply(fn, self, args);
const hidden = (obj, key, value) =>
  ObjectDefineProperty(obj, key, { __proto__: null, value, writable: true, configurable: true, enumerable: false });

// More captured built-ins, uncurried as Node's primordials are: what the
// runtime runs between and around turns (the hooks, timers, messaging)
// uses only these, never a prototype method looked up at run time, an
// array iterator (for-of, spread, destructuring), or an object literal's
// prototype chain (descriptors and JSON records have none). A user who
// deletes Array.prototype[Symbol.iterator], replaces Promise.prototype.then
// or JSON, or puts setters on Object.prototype breaks their own code only.
const FunctionPrototypeCall = Function.prototype.call;
const FunctionPrototypeBind = Function.prototype.bind;
const uncurry = (fn) => ReflectApply(FunctionPrototypeBind, FunctionPrototypeCall, [fn]);
const ObjectGetPrototypeOf = Object.getPrototypeOf;
const ArrayIsArray = Array.isArray;
const ArrayPrototypeShift = uncurry(Array.prototype.shift);
const ArrayPrototypeJoin = uncurry(Array.prototype.join);
const StringPrototypeSlice = uncurry(String.prototype.slice);
const StringPrototypeIndexOf = uncurry(String.prototype.indexOf);
const StringPrototypeEndsWith = uncurry(String.prototype.endsWith);
const StringPrototypeCharCodeAt = uncurry(String.prototype.charCodeAt);
const NumberPrototypeToString = uncurry(Number.prototype.toString);
const SymbolPrototypeToString = uncurry(Symbol.prototype.toString);
const MapPrototypeValues = uncurry(Map.prototype.values);
const MapPrototypeEntries = uncurry(Map.prototype.entries);
const MapPrototypeGetSize = uncurry(ObjectGetOwnPropertyDescriptor(Map.prototype, 'size').get);
const MapIteratorNext = uncurry(ObjectGetPrototypeOf(new Map().values()).next);
const PromiseCtor = Promise;
const PromiseResolve = (value) => ReflectApply(Promise.resolve, PromiseCtor, [value]);
const PromisePrototypeThen = uncurry(Promise.prototype.then);
const JSONStringify = JSON.stringify;
const JSONParse = JSON.parse;
const DateNow = Date.now;
const MathImul = Math.imul;

// list.push(value), without Array.prototype's setters or a replaced push.
function append(list, value) {
  ObjectDefineProperty(list, list.length, { __proto__: null, value, writable: true, enumerable: true, configurable: true });
}
// The values (or [key, value] entries) of a Map, as an array, without the
// user-replaceable iterator protocol.
function mapList(map, entries) {
  const out = [];
  const it = entries ? MapPrototypeEntries(map) : MapPrototypeValues(map);
  for (let r = MapIteratorNext(it); !r.done; r = MapIteratorNext(it)) append(out, r.value);
  return out;
}
// JSON for a list of records: each record has no prototype, so no toJSON
// anyone put on Object.prototype or Array.prototype is consulted.
function jsonList(records) {
  const parts = [];
  for (let i = 0; i < records.length; i++) append(parts, JSONStringify(records[i]));
  return `[${ArrayPrototypeJoin(parts, ',')}]`;
}

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
  ObjectDefineProperty(err, 'name', { __proto__: null, value: `${err.name} [${code}]`, configurable: true, writable: true });
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
    ObjectDefineProperty(bound, 'name', { __proto__: null, value: key, configurable: true });
    ObjectDefineProperty(this, key, { __proto__: null, value: bound, writable: true, enumerable: true, configurable: true });
  }
}
ObjectDefineProperty(Console.prototype, SymbolToStringTag, { __proto__: null, value: 'console', writable: false, enumerable: false, configurable: true });

// The global console: an object whose prototype carries the 'console' tag
// (Node prints it `Object [console] {...}`), with Node's members in Node's order.
const consolePrototype = {};
ObjectDefineProperty(consolePrototype, SymbolToStringTag, { __proto__: null, value: 'console', writable: false, enumerable: false, configurable: true });
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
    ObjectDefineProperty(bound, 'name', { __proto__: null, value: key, configurable: true });
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
    const t = DateNow() - timeOrigin;
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
  const result = MathImul(rotl(MathImul(s[1], 5), 7), 9) >>> 0;
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
// a WeakRef that always derefs to its target, a registry that never calls
// back (but remembers its unregister tokens, so unregister answers as V8's
// does). Their functions are native-looking (host.nativeFunction): names,
// lengths, toString, prototypes and receiver checks as V8 10.2's.
const SymbolKeyFor = Symbol.keyFor;
const ObjectPrototypeToString = uncurry(Object.prototype.toString);

// A built-in function: impl(receiver, newTarget, ...args).
function builtin(name, length, impl, constructible = false) {
  return host.nativeFunction(name, length, impl, constructible);
}
function builtinMethod(target, name, length, impl) {
  ObjectDefineProperty(target, name, { __proto__: null, value: builtin(name, length, impl), writable: true, enumerable: false, configurable: true });
}
// A constructor's prototype object, wired as V8 wires a built-in's.
function builtinClass(Ctor, proto, tag) {
  ObjectDefineProperty(Ctor, 'prototype', { __proto__: null, value: proto, writable: false, enumerable: false, configurable: false });
  ObjectDefineProperty(proto, 'constructor', { __proto__: null, value: Ctor, writable: true, enumerable: false, configurable: true });
  if (tag !== undefined) {
    ObjectDefineProperty(proto, Symbol.toStringTag, { __proto__: null, value: tag, writable: false, enumerable: false, configurable: true });
  }
}
// OrdinaryCreateFromConstructor: newTarget's prototype, or the intrinsic one.
function createFromConstructor(newTarget, fallback) {
  const proto = newTarget.prototype;
  return ObjectCreate((typeof proto === 'object' && proto !== null) || typeof proto === 'function' ? proto : fallback);
}
function receiverText(value) {
  if (typeof value === 'symbol') return SymbolPrototypeToString(value);
  if ((typeof value === 'object' && value !== null) || typeof value === 'function') return '#<Object>';
  return `${value}`;
}
function incompatibleReceiver(method, receiver) {
  return new TypeErrorCtor(`Method ${method} called on incompatible receiver ${receiverText(receiver)}`);
}
// CanBeHeldWeakly (V8 10.2 accepts symbols that are not registered).
function canBeHeldWeakly(value) {
  if (typeof value === 'symbol') return SymbolKeyFor(value) === undefined;
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

const weakRefTargets = new WeakMapCtor(); // WeakRef -> target (held, never collected)
const WeakRefPrototype = {};
const WeakRef = builtin('WeakRef', 1, (receiver, newTarget, target) => {
  if (newTarget === undefined) throw new TypeErrorCtor("Constructor WeakRef requires 'new'");
  if (!canBeHeldWeakly(target)) throw new TypeErrorCtor('WeakRef: invalid target');
  const self = createFromConstructor(newTarget, WeakRefPrototype);
  call(WeakMapSet, weakRefTargets, self, target);
  return self;
}, true);
builtinClass(WeakRef, WeakRefPrototype, 'WeakRef');
builtinMethod(WeakRefPrototype, 'deref', 0, (receiver) => {
  if (!call(WeakMapHas, weakRefTargets, receiver)) throw incompatibleReceiver('WeakRef.prototype.deref', receiver);
  return call(WeakMapGet, weakRefTargets, receiver);
});

const registryTokens = new WeakMapCtor(); // FinalizationRegistry -> WeakMap token -> cells registered with it
const FinalizationRegistryPrototype = {};
const FinalizationRegistry = builtin('FinalizationRegistry', 1, (receiver, newTarget, cleanupCallback) => {
  if (newTarget === undefined) throw new TypeErrorCtor("Constructor FinalizationRegistry requires 'new'");
  if (typeof cleanupCallback !== 'function') throw new TypeErrorCtor('FinalizationRegistry: cleanup must be callable');
  const self = createFromConstructor(newTarget, FinalizationRegistryPrototype);
  call(WeakMapSet, registryTokens, self, new WeakMapCtor());
  return self;
}, true);
builtinClass(FinalizationRegistry, FinalizationRegistryPrototype, 'FinalizationRegistry');
function registryState(receiver, method) {
  const tokens = call(WeakMapGet, registryTokens, receiver);
  if (tokens === undefined) throw incompatibleReceiver(`FinalizationRegistry.prototype.${method}`, receiver);
  return tokens;
}
function invalidToken(token) {
  return new TypeErrorCtor(`Invalid unregisterToken ('${receiverText(token)}')`);
}
builtinMethod(FinalizationRegistryPrototype, 'register', 2, (receiver, newTarget, target, heldValue, unregisterToken) => {
  const tokens = registryState(receiver, 'register');
  if (!canBeHeldWeakly(target)) throw new TypeErrorCtor('FinalizationRegistry.prototype.register: invalid target');
  if (target === heldValue) throw new TypeErrorCtor('FinalizationRegistry.prototype.register: target and holdings must not be same');
  if (unregisterToken !== undefined) {
    if (!canBeHeldWeakly(unregisterToken)) throw invalidToken(unregisterToken);
    call(WeakMapSet, tokens, unregisterToken, (call(WeakMapGet, tokens, unregisterToken) ?? 0) + 1);
  }
  return undefined;
});
builtinMethod(FinalizationRegistryPrototype, 'unregister', 1, (receiver, newTarget, unregisterToken) => {
  const tokens = registryState(receiver, 'unregister');
  if (!canBeHeldWeakly(unregisterToken)) throw invalidToken(unregisterToken);
  // The cells are never cleaned up, so every one registered is still there.
  if (!call(WeakMapHas, tokens, unregisterToken)) return false;
  call(WeakMapDelete, tokens, unregisterToken);
  return true;
});
hidden(globalThis, 'WeakRef', WeakRef);
hidden(globalThis, 'FinalizationRegistry', FinalizationRegistry);

// ------------------------------------------------------------------ Intl
// Intl objects hold ICU objects outside the V8 heap, which V8's snapshot
// serializer cannot write (the checkpoint child dies on a CHECK). Each Intl
// constructor is replaced by a wrapper whose instances keep only plain data
// (the constructor and what rebuilds an equal object: the resolved options,
// or a Locale's string) and create the real ICU-backed object lazily. The
// real objects sit in a cache that is dropped just before every checkpoint
// (beforeSnapshot), so they never reach the serializer.
//
// The wrappers are native-looking functions (host.nativeFunction) that do
// what the originals do, observably: the real constructor reads the
// caller's arguments, once, in its order (nothing is copied); methods and
// getters run the original on the real object, so results and errors
// (an incompatible receiver included) are V8's own; format/compare are
// bound functions named '' as natively; DateTimeFormat and NumberFormat
// keep ECMA-402's legacy `Intl.NumberFormat.call(obj)` behaviour with V8's
// own fallback symbol; a wrapped Locale inside an argument is handed over
// as the real Locale, never turned into a string.
const RealIntl = globalThis.Intl;
const FunctionPrototypeHasInstance = uncurry(Function.prototype[Symbol.hasInstance]);
const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
let intlCache = new WeakMapCtor(); // wrapper -> real Intl object (never saved)
const intlState = new WeakMapCtor(); // wrapper -> frozen [Real, rebuild arguments] (saved)
const intlBound = new WeakMapCtor(); // wrapper -> Map getter name -> bound function (saved)
const intlWrappers = new MapCtor(); // real constructor -> wrapper constructor
const isObjectLike = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';

// ECMA-402's [[FallbackSymbol]]: V8's own, read off a real legacy construction.
let intlFallbackSymbol;
if (RealIntl !== undefined) {
  const probe = ObjectCreate(RealIntl.NumberFormat.prototype);
  ReflectApply(RealIntl.NumberFormat, probe, []);
  intlFallbackSymbol = ObjectGetOwnPropertySymbols(probe)[0];
}

function realIntl(wrapper) {
  let real = call(WeakMapGet, intlCache, wrapper);
  if (real === undefined) {
    const saved = call(WeakMapGet, intlState, wrapper);
    if (saved === undefined) return undefined;
    real = ReflectConstruct(saved[0], saved[1]);
    call(WeakMapSet, intlCache, wrapper, real);
  }
  return real;
}

// What a method is run on: the real object behind a wrapper (or behind a
// legacy-constructed object's fallback), else the receiver itself, so that
// V8's own method rejects it with its own error.
function intlReceiver(receiver, Wrapper, legacy) {
  if (!isObjectLike(receiver)) return receiver;
  let real = realIntl(receiver);
  if (real === undefined && legacy && FunctionPrototypeHasInstance(Wrapper, receiver)) {
    const fallback = receiver[intlFallbackSymbol];
    real = isObjectLike(fallback) ? realIntl(fallback) : undefined;
  }
  return real === undefined ? receiver : real;
}

// A wrapped Locale given where V8 reads a locale (alone or in a list) is
// handed over as the real one: V8 then takes its tag directly, as it does
// for its own Locale objects, without calling toString.
function realLocales(value) {
  if (!isObjectLike(value) || host.typeTag(value) === 'proxy') return value;
  if (!ArrayIsArray(value)) {
    return call(WeakMapHas, intlState, value) && FunctionPrototypeHasInstance(LocaleWrapper, value) ? realIntl(value) : value;
  }
  let copy;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    if (isObjectLike(item) && call(WeakMapHas, intlState, item) && FunctionPrototypeHasInstance(LocaleWrapper, item)) {
      if (copy === undefined) {
        copy = [];
        for (let j = 0; j < i; j++) append(copy, value[j]);
      }
      append(copy, realIntl(item));
    } else if (copy !== undefined) {
      append(copy, item);
    }
  }
  return copy === undefined ? value : copy;
}

// The arguments that rebuild an object equal to `real`: a Locale is its
// full tag; the others are their resolved options (a null-prototype copy, so
// that nothing on Object.prototype can change a rebuild).
function rebuildArguments(name, Real, real) {
  if (name === 'Locale') return ObjectFreeze([call(Real.prototype.toString, real)]);
  const resolved = call(Real.prototype.resolvedOptions, real);
  const options = { __proto__: null };
  const keys = ObjectGetOwnPropertyNames(resolved);
  for (let i = 0; i < keys.length; i++) {
    // resolvedOptions() reports both hourCycle and hour12; given both, a
    // constructor lets hour12 win and picks the locale's 12-hour cycle,
    // which may not be the one resolved (h11 vs h12).
    if (keys[i] === 'hour12' && resolved.hourCycle !== undefined) continue;
    ObjectDefineProperty(options, keys[i], { __proto__: null, value: resolved[keys[i]], enumerable: true });
  }
  return ObjectFreeze([resolved.locale, ObjectFreeze(options)]);
}

function wrapIntlResult(result) {
  // Methods that return a new Intl object (Intl.Locale#maximize) get a wrapper too.
  if (isObjectLike(result)) {
    const proto = ObjectGetPrototypeOf(result);
    if (proto !== null && call(MapHas, intlWrappers, proto.constructor)) {
      const Wrapper = call(MapGet, intlWrappers, proto.constructor);
      return adoptIntl(Wrapper, Wrapper.prototype, result);
    }
  }
  return result;
}

const intlNames = new MapCtor(); // wrapper -> name
function adoptIntl(Wrapper, proto, real) {
  const self = ObjectCreate(proto);
  const Real = ObjectGetPrototypeOf(real).constructor;
  call(WeakMapSet, intlState, self, ObjectFreeze([Real, rebuildArguments(call(MapGet, intlNames, Wrapper), Real, real)]));
  call(WeakMapSet, intlCache, self, real);
  return self;
}

function wrapIntl(name, callableWithoutNew, legacy) {
  const Real = RealIntl[name];
  if (typeof Real !== 'function') return undefined;
  const proto = {};
  const Wrapper = builtin(name, Real.length, (receiver, newTarget, ...args) => {
    if (newTarget === undefined) {
      if (!callableWithoutNew) throw new TypeErrorCtor(`Constructor Intl.${name} requires 'new'`);
      const made = ReflectConstruct(Wrapper, args);
      // ChainNumberFormat / ChainDateTimeFormat (ECMA-402 legacy).
      if (legacy && isObjectLike(receiver) && FunctionPrototypeHasInstance(Wrapper, receiver)) {
        ObjectDefineProperty(receiver, intlFallbackSymbol, { __proto__: null, value: made, writable: false, enumerable: false, configurable: false });
        return receiver;
      }
      return made;
    }
    const realArgs = [];
    for (let i = 0; i < args.length; i++) append(realArgs, i < 2 ? realLocales(args[i]) : args[i]);
    // The real constructor reads the arguments, once: bad ones throw here.
    const real = ReflectConstruct(Real, realArgs);
    const self = createFromConstructor(newTarget, proto);
    call(WeakMapSet, intlState, self, ObjectFreeze([Real, rebuildArguments(name, Real, real)]));
    call(WeakMapSet, intlCache, self, real);
    return self;
  }, true);
  builtinClass(Wrapper, proto);
  call(MapSet, intlNames, Wrapper, name);
  const keys = ReflectOwnKeys(Real.prototype);
  for (let k = 0; k < keys.length; k++) {
    const key = keys[k];
    if (key === 'constructor') continue;
    const desc = ObjectGetOwnPropertyDescriptor(Real.prototype, key);
    if (typeof desc.get === 'function') {
      const getter = desc.get;
      // format and compare return a function bound to the object; one
      // shared native function per getter, bound to each wrapper.
      let boundTarget;
      const get = builtin(`get ${String(key)}`, 0, (receiver) => {
        const real = intlReceiver(receiver, Wrapper, legacy);
        const value = call(getter, real);
        if (typeof value !== 'function') return wrapIntlResult(value);
        let bound = call(WeakMapGet, intlBound, receiver);
        if (bound === undefined) {
          bound = new MapCtor();
          call(WeakMapSet, intlBound, receiver, bound);
        }
        let fn = call(MapGet, bound, key);
        if (fn === undefined) {
          if (boundTarget === undefined) {
            boundTarget = builtin('', value.length, (self, nt, ...a) => ReflectApply(call(getter, intlReceiver(self, Wrapper, legacy)), undefined, a));
          }
          fn = ReflectApply(FunctionPrototypeBind, boundTarget, [receiver]);
          ObjectDefineProperty(fn, 'name', { __proto__: null, value: '', writable: false, enumerable: false, configurable: true });
          call(MapSet, bound, key, fn);
        }
        return fn;
      });
      ObjectDefineProperty(proto, key, { __proto__: null, get, set: undefined, enumerable: desc.enumerable, configurable: desc.configurable });
    } else if (typeof desc.value === 'function') {
      const method = desc.value;
      ObjectDefineProperty(proto, key, {
        __proto__: null,
        value: builtin(String(key), method.length, (receiver, nt, ...a) =>
          wrapIntlResult(ReflectApply(method, intlReceiver(receiver, Wrapper, legacy), a))),
        writable: desc.writable,
        enumerable: desc.enumerable,
        configurable: desc.configurable,
      });
    } else {
      ObjectDefineProperty(proto, key, desc);
    }
  }
  const statics = ObjectGetOwnPropertyNames(Real);
  for (let k = 0; k < statics.length; k++) {
    const key = statics[k];
    if (key === 'prototype' || key === 'length' || key === 'name') continue;
    const desc = ObjectGetOwnPropertyDescriptor(Real, key);
    if (typeof desc.value === 'function') {
      const fn = desc.value;
      desc.value = builtin(key, fn.length, (receiver, nt, locales, options) => ReflectApply(fn, Real, [realLocales(locales), options]));
    }
    ObjectDefineProperty(Wrapper, key, desc);
  }
  call(MapSet, intlWrappers, Real, Wrapper);
  hidden(RealIntl, name, Wrapper);
  return Wrapper;
}

let LocaleWrapper;
if (RealIntl !== undefined) {
  LocaleWrapper = wrapIntl('Locale', false, false);
  wrapIntl('Collator', true, false);
  wrapIntl('DateTimeFormat', true, true);
  wrapIntl('NumberFormat', true, true);
  wrapIntl('PluralRules', false, false);
  wrapIntl('RelativeTimeFormat', false, false);
  wrapIntl('ListFormat', false, false);
  wrapIntl('DisplayNames', false, false);
  wrapIntl('Segmenter', false, false);
  // Intl.getCanonicalLocales reads locales too.
  const getCanonicalLocales = RealIntl.getCanonicalLocales;
  hidden(RealIntl, 'getCanonicalLocales', builtin('getCanonicalLocales', 1, (receiver, nt, locales) =>
    ReflectApply(getCanonicalLocales, RealIntl, [realLocales(locales)])));
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
    if (chunk.length >= 8192) { append(parts, chunk); chunk = ''; }
  }
  append(parts, chunk);
  return ArrayPrototypeJoin(parts, '');
}
const B64Index = new Uint8Array(128);
for (let i = 0; i < 64; i++) B64Index[B64.charCodeAt(i)] = i;
function fromBase64(text) {
  let length = (text.length / 4) * 3;
  if (StringPrototypeEndsWith(text, '==')) length -= 2; else if (StringPrototypeEndsWith(text, '=')) length -= 1;
  const out = new Uint8Array(length);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const n = (B64Index[StringPrototypeCharCodeAt(text, i)] << 18) | (B64Index[StringPrototypeCharCodeAt(text, i + 1)] << 12) |
      (B64Index[StringPrototypeCharCodeAt(text, i + 2)] << 6) | B64Index[StringPrototypeCharCodeAt(text, i + 3)];
    if (o < length) out[o++] = (n >> 16) & 255;
    if (o < length) out[o++] = (n >> 8) & 255;
    if (o < length) out[o++] = n & 255;
  }
  return out;
}
function countUnacknowledged() {
  let unacknowledged = 0;
  const streams = mapList(outStreams);
  for (let i = 0; i < streams.length; i++) unacknowledged += MapPrototypeGetSize(streams[i].messages);
  return unacknowledged;
}
// Why `text` cannot be a shell's address, or null when it can be one: the
// rules and words of src/KenShell/Messaging/PeerAddress.cs (IPv4 dotted quad,
// [IPv6], or a host name; port 1-65535), written out here because a turn
// cannot call into the host synchronously; a test checks both agree on a
// table of addresses. Returns [errorConstructor, message]. No DNS: whether a
// host name resolves is found when the message is transmitted.
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
    const streams = mapList(outStreams, true);
    for (let i = 0; i < streams.length; i++) {
      const size = MapPrototypeGetSize(streams[i][1].messages);
      if (size > 0) ObjectDefineProperty(result, streams[i][0], { __proto__: null, value: size, writable: true, enumerable: true, configurable: true });
    }
    return result;
  },
  stats() {
    const unacknowledged = countUnacknowledged();
    return { sent: messagesSent, delivered: messagesDelivered, unacknowledged, waitingForHandler: inbox.length };
  },
};
ObjectDefineProperty(ken, Symbol.toStringTag, { __proto__: null, value: 'ken' });
hidden(globalThis, 'ken', ken);

// ------------------------------------------------ globalThis, as Node shows it
// Node's global object carries Symbol.toStringTag 'global' and a `global`
// alias of itself, and its timer functions are enumerable, so it prints as
// `<ref *1> Object [global] { global: [Circular *1], clearImmediate: ... }`.
// The same here, in Node's order; what kenshell does not have (structuredClone,
// atob, btoa, fetch) is missing, and performance and crypto stay
// non-enumerable (README: Differences from Node).
ObjectDefineProperty(globalThis, SymbolToStringTag, { __proto__: null, value: 'global', writable: false, enumerable: false, configurable: true });
ObjectDefineProperty(globalThis, 'global', { __proto__: null, value: globalThis, writable: true, enumerable: true, configurable: true });
{
  const names = ['clearImmediate', 'setImmediate', 'clearInterval', 'clearTimeout', 'setInterval', 'setTimeout', 'queueMicrotask'];
  for (let i = 0; i < names.length; i++) {
    const desc = ObjectGetOwnPropertyDescriptor(globalThis, names[i]);
    delete globalThis[names[i]];
    desc.enumerable = true;
    ObjectDefineProperty(globalThis, names[i], desc);
  }
}

// ---------------------------------------------------------------- modules
// CommonJS `require` as Node's: resolution (relative paths, node_modules up
// the tree, package.json main and exports), the module wrapper, the cache,
// cycles, JSON modules. Everything read from the disk goes through
// host.fsQuery, whose answers are recorded on the turn's tape: a module's
// source is an input of the turn that loaded it, kept in that turn's log
// record, so replay and recovery never read node_modules again.
// The section is a block: its captured built-ins and helpers are its own
// (no clash with names other sections capture); it publishes `require` and
// `module` on the global object.
{
const ObjectPrototypeHasOwnProperty = uncurry(Object.prototype.hasOwnProperty);
const StringPrototypeLastIndexOf = uncurry(String.prototype.lastIndexOf);
const StringPrototypeStartsWith = uncurry(String.prototype.startsWith);
const StringPrototypeIncludes = uncurry(String.prototype.includes);
const StringPrototypeSplit = uncurry(String.prototype.split);
const ErrorCtor = Error;

// Node's built-in modules (Node 20's require('module').builtinModules).
const NODE_BUILTINS = new MapCtor();
{
  const names = StringPrototypeSplit('_http_agent _http_client _http_common _http_incoming _http_outgoing ' +
    '_http_server _stream_duplex _stream_passthrough _stream_readable _stream_transform _stream_wrap ' +
    '_stream_writable _tls_common _tls_wrap assert assert/strict async_hooks buffer child_process cluster ' +
    'console constants crypto dgram diagnostics_channel dns dns/promises domain events fs fs/promises http ' +
    'http2 https inspector inspector/promises module net os path path/posix path/win32 perf_hooks process ' +
    'punycode querystring readline readline/promises repl stream stream/consumers stream/promises stream/web ' +
    'string_decoder sys timers timers/promises tls trace_events tty url util util/types v8 vm wasi ' +
    'worker_threads zlib', ' ');
  for (let i = 0; i < names.length; i++) call(MapSet, NODE_BUILTINS, names[i], true);
  // Only reachable with the node: prefix.
  call(MapSet, NODE_BUILTINS, 'test', 'prefixed');
  call(MapSet, NODE_BUILTINS, 'sea', 'prefixed');
}

// The loader's own frames are dropped from the errors it makes (the user's
// frames are what says where the require was).
function withoutRuntimeFrames(err) {
  const lines = StringPrototypeSplit(err.stack, '\n');
  const kept = [];
  for (let i = 0; i < lines.length; i++) {
    if (!StringPrototypeIncludes(lines[i], '(kenshell:prelude:')) append(kept, lines[i]);
  }
  ObjectDefineProperty(err, 'stack', { __proto__: null, value: ArrayPrototypeJoin(kept, '\n'), writable: true, configurable: true, enumerable: false });
  return err;
}
// An error thrown by a module while it loads passes through the loader:
// its stack loses the loader's frames (the module's and the caller's stay),
// as printing an uncaught error already does.
function hideLoaderFrames(e) {
  if (host.typeTag(e) !== 'error') return;
  const desc = ObjectGetOwnPropertyDescriptor(e, 'stack');
  if (desc === undefined || !desc.configurable) return;
  const stack = e.stack;
  if (typeof stack === 'string' && StringPrototypeIncludes(stack, '(kenshell:prelude:')) withoutRuntimeFrames(e);
}
function plainError(message, code) {
  const err = withoutRuntimeFrames(new ErrorCtor(message));
  err.code = code;
  return err;
}
// An error as Node makes its coded ones: the stack reads "Error [CODE]: ...",
// the name stays the constructor's, `code` is an own property.
function codedError(Ctor, code, message) {
  const err = new Ctor(message);
  ObjectDefineProperty(err, 'name', { __proto__: null, value: `${Ctor.name} [${code}]`, configurable: true, writable: true });
  withoutRuntimeFrames(err);
  delete err.name;
  ObjectDefineProperty(err, 'code', { __proto__: null, value: code, writable: true, enumerable: true, configurable: true });
  return err;
}

// ---- paths (POSIX)
function normalizeParts(parts, out) {
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    if (p === '' || p === '.') continue;
    if (p === '..') { if (out.length > 0) out.length--; continue; }
    append(out, p);
  }
  return out;
}
function pathResolve(from, to) {
  const out = [];
  if (!StringPrototypeStartsWith(to, '/')) normalizeParts(StringPrototypeSplit(from, '/'), out);
  normalizeParts(StringPrototypeSplit(to, '/'), out);
  return '/' + ArrayPrototypeJoin(out, '/');
}
function pathDirname(p) {
  const i = StringPrototypeLastIndexOf(p, '/');
  return i <= 0 ? '/' : StringPrototypeSlice(p, 0, i);
}
function pathBasename(p) {
  return StringPrototypeSlice(p, StringPrototypeLastIndexOf(p, '/') + 1);
}
function pathExtname(p) {
  const base = pathBasename(p);
  const i = StringPrototypeLastIndexOf(base, '.');
  return i <= 0 ? '' : StringPrototypeSlice(base, i);
}
// node_modules folders from `dir` up to the root, as Node's _nodeModulePaths.
function nodeModulePaths(dir) {
  const out = [];
  const parts = StringPrototypeSplit(dir, '/');
  for (let n = parts.length; n > 0; n--) {
    if (parts[n - 1] === 'node_modules') continue;
    const head = [];
    for (let i = 0; i < n; i++) append(head, parts[i]);
    const base = ArrayPrototypeJoin(head, '/');
    append(out, (base === '' ? '' : base) + '/node_modules');
  }
  return out;
}

// ---- the filesystem, through the tape. Within one outermost require call
// answers are cached (Node caches stat and package.json reads too); the
// cache is dropped when that call returns, so a later turn looks again.
let fsCache = null;
let requireDepth = 0;
function fsStat(path) {
  const key = 's' + path;
  if (fsCache !== null && call(MapHas, fsCache, key)) return call(MapGet, fsCache, key);
  const answer = host.fsQuery('stat', path);
  if (fsCache !== null) call(MapSet, fsCache, key, answer);
  return answer;
}
function fsRead(path) {
  return host.fsQuery('read', path);
}
function fsRealpath(path) {
  const key = 'r' + path;
  if (fsCache !== null && call(MapHas, fsCache, key)) return call(MapGet, fsCache, key);
  const answer = host.fsQuery('realpath', path) || path;
  if (fsCache !== null) call(MapSet, fsCache, key, answer);
  return answer;
}
// package.json of a directory: null when absent, the parsed object, or
// throws Node's error for invalid JSON.
function readPackage(dir) {
  const path = dir + '/package.json';
  const key = 'p' + path;
  if (fsCache !== null && call(MapHas, fsCache, key)) return call(MapGet, fsCache, key);
  const text = fsRead(path);
  let pkg = null;
  if (text !== null) {
    try {
      pkg = JSONParse(stripBOM(text));
    } catch (e) {
      throw plainError(`Invalid package config ${path}.`, 'ERR_INVALID_PACKAGE_CONFIG');
    }
    if (pkg === null || typeof pkg !== 'object') pkg = { __proto__: null };
  }
  if (fsCache !== null) call(MapSet, fsCache, key, pkg);
  return pkg;
}
function ownField(obj, name) {
  return obj !== null && typeof obj === 'object' && ObjectPrototypeHasOwnProperty(obj, name) ? obj[name] : undefined;
}
// The nearest package.json up from `dir` (Node's readPackageScope).
function packageScope(dir) {
  for (;;) {
    if (pathBasename(dir) === 'node_modules') return null;
    const pkg = readPackage(dir);
    if (pkg !== null) return { __proto__: null, dir, pkg };
    if (dir === '/') return null;
    dir = pathDirname(dir);
  }
}

function stripBOM(text) {
  return StringPrototypeCharCodeAt(text, 0) === 0xFEFF ? StringPrototypeSlice(text, 1) : text;
}

// ---- resolution
const EXTENSIONS = ['.js', '.json', '.node'];
function tryFile(path) {
  return fsStat(path) === 'file' ? fsRealpath(path) : false;
}
function tryExtensions(base) {
  for (let i = 0; i < EXTENSIONS.length; i++) {
    const found = tryFile(base + EXTENSIONS[i]);
    if (found) return found;
  }
  return false;
}
function tryPackage(dir, request) {
  const pkg = readPackage(dir);
  const main = ownField(pkg, 'main');
  if (typeof main !== 'string' || main === '') return tryExtensions(dir + '/index');
  const target = pathResolve(dir, main);
  const found = tryFile(target) || tryExtensions(target) || tryExtensions(target + '/index') || tryExtensions(dir + '/index');
  if (found) return found;
  const err = plainError(`Cannot find module '${target}'. ` +
    'Please verify that the package.json has a valid "main" entry', 'MODULE_NOT_FOUND');
  err.path = dir + '/package.json';
  err.requestPath = request;
  throw err;
}
// A path without a trailing slash as a file, then with extensions, then as
// a directory (Node's Module._findPath for one candidate).
function tryPath(base, trailingSlash, request) {
  const kind = fsStat(base);
  let found = false;
  if (!trailingSlash) {
    if (kind === 'file') found = fsRealpath(base);
    if (!found) found = tryExtensions(base);
  }
  if (!found && kind === 'dir') found = tryPackage(base, request);
  return found;
}

const CONDITIONS = ['require', 'node', 'node-addons', 'default'];
function isCondition(key) {
  for (let i = 0; i < CONDITIONS.length; i++) if (CONDITIONS[i] === key) return true;
  return false;
}
function invalidTarget(pkgDir, subpath, target) {
  return codedError(ErrorCtor, 'ERR_INVALID_PACKAGE_TARGET',
    `Invalid "exports" target ${JSONStringify(target)} defined for '${subpath}' in the package config ${pkgDir}/package.json`);
}
// Node's resolvePackageTarget for the require conditions: a path, null (not
// exported), or undefined (no condition matched).
function packageTarget(pkgDir, subpath, target, patternMatch) {
  if (typeof target === 'string') {
    if (!StringPrototypeStartsWith(target, './')) throw invalidTarget(pkgDir, subpath, target);
    let resolved = target;
    if (patternMatch !== null) resolved = ArrayPrototypeJoin(StringPrototypeSplit(target, '*'), patternMatch);
    return pathResolve(pkgDir, resolved);
  }
  if (ArrayIsArray(target)) {
    if (target.length === 0) return null;
    let last;
    for (let i = 0; i < target.length; i++) {
      let r;
      try {
        r = packageTarget(pkgDir, subpath, target[i], patternMatch);
      } catch (e) {
        last = e;
        if (e !== null && typeof e === 'object' && e.code === 'ERR_INVALID_PACKAGE_TARGET') continue;
        throw e;
      }
      if (r === undefined) continue;
      if (r === null) { last = null; continue; }
      return r;
    }
    if (last === undefined || last === null) return last;
    throw last;
  }
  if (target !== null && typeof target === 'object') {
    const keys = ReflectOwnKeys(target);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      if (typeof key !== 'string' || !isCondition(key)) continue;
      const r = packageTarget(pkgDir, subpath, target[key], patternMatch);
      if (r === undefined) continue;
      return r;
    }
    return undefined;
  }
  if (target === null) return null;
  throw invalidTarget(pkgDir, subpath, target);
}
function notExported(pkgDir, subpath) {
  return codedError(ErrorCtor, 'ERR_PACKAGE_PATH_NOT_EXPORTED', subpath === '.'
    ? `No "exports" main defined in ${pkgDir}/package.json`
    : `Package subpath '${subpath}' is not defined by "exports" in ${pkgDir}/package.json`);
}
// Node's packageExportsResolve: `exports` of the package in pkgDir, for
// subpath ('.' or './x').
function exportsResolve(pkgDir, subpath, exportsField) {
  let map = exportsField;
  if (typeof map === 'string' || ArrayIsArray(map) || map === null || typeof map !== 'object') {
    map = { __proto__: null, '.': map };
  } else {
    const keys = ReflectOwnKeys(map);
    let dotted = false;
    for (let i = 0; i < keys.length; i++) {
      if (typeof keys[i] === 'string' && StringPrototypeStartsWith(keys[i], '.')) { dotted = true; break; }
    }
    if (!dotted) map = { __proto__: null, '.': map };
  }
  if (ObjectPrototypeHasOwnProperty(map, subpath) && !StringPrototypeIncludes(subpath, '*')) {
    const r = packageTarget(pkgDir, subpath, map[subpath], null);
    if (r === null || r === undefined) throw notExported(pkgDir, subpath);
    return r;
  }
  // Patterns ("./features/*.js"): the longest matching prefix wins.
  let bestKey = '';
  let bestMatch = '';
  const keys = ReflectOwnKeys(map);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (typeof key !== 'string') continue;
    const star = StringPrototypeIndexOf(key, '*');
    if (star < 0 || StringPrototypeIndexOf(key, '*', star + 1) >= 0) continue;
    const prefix = StringPrototypeSlice(key, 0, star);
    const suffix = StringPrototypeSlice(key, star + 1);
    if (!StringPrototypeStartsWith(subpath, prefix) || subpath === prefix) continue;
    if (suffix !== '' && (!StringPrototypeEndsWith(subpath, suffix) || subpath.length < key.length)) continue;
    if (bestKey === '' || prefix.length > StringPrototypeIndexOf(bestKey, '*')) {
      bestKey = key;
      bestMatch = StringPrototypeSlice(subpath, prefix.length, subpath.length - suffix.length);
    }
  }
  if (bestKey !== '') {
    const r = packageTarget(pkgDir, subpath, map[bestKey], bestMatch);
    if (r === null || r === undefined) throw notExported(pkgDir, subpath);
    return r;
  }
  throw notExported(pkgDir, subpath);
}
// A bare request in one node_modules folder, through the package's
// "exports" when it has one (Node's resolveExports).
function resolveExports(nmDir, request) {
  let nameEnd = StringPrototypeIndexOf(request, '/');
  if (StringPrototypeStartsWith(request, '@')) nameEnd = nameEnd < 0 ? -1 : StringPrototypeIndexOf(request, '/', nameEnd + 1);
  const name = nameEnd < 0 ? request : StringPrototypeSlice(request, 0, nameEnd);
  const pkgDir = nmDir + '/' + name;
  const pkg = readPackage(pkgDir);
  const exportsField = ownField(pkg, 'exports');
  if (exportsField === undefined || exportsField === null) return false;
  const subpath = '.' + (nameEnd < 0 ? '' : StringPrototypeSlice(request, nameEnd));
  const target = exportsResolve(pkgDir, subpath, exportsField);
  const found = tryFile(target);
  if (found) return found;
  throw plainError(`Cannot find module '${target}'`, 'MODULE_NOT_FOUND');
}

function isRelative(request) {
  return request === '.' || request === '..' || StringPrototypeStartsWith(request, './') ||
    StringPrototypeStartsWith(request, '../') || StringPrototypeStartsWith(request, '/');
}
function requireStackOf(parent) {
  const stack = [];
  for (let m = parent; m; m = m.parent) append(stack, m.filename || m.id);
  return stack;
}
function notFound(request, parent) {
  const stack = requireStackOf(parent);
  let message = `Cannot find module '${request}'`;
  if (stack.length > 0) message += '\nRequire stack:\n- ' + ArrayPrototypeJoin(stack, '\n- ');
  const err = plainError(message, 'MODULE_NOT_FOUND');
  err.requireStack = stack;
  return err;
}
function builtinName(request) {
  if (StringPrototypeStartsWith(request, 'node:')) return StringPrototypeSlice(request, 5);
  return call(MapGet, NODE_BUILTINS, request) === true ? request : null;
}
function builtinError(request) {
  const name = builtinName(request);
  if (StringPrototypeStartsWith(request, 'node:') && call(MapGet, NODE_BUILTINS, name) === undefined) {
    return codedError(ErrorCtor, 'ERR_UNKNOWN_BUILTIN_MODULE', `No such built-in module: ${request}`);
  }
  return codedError(ErrorCtor, 'ERR_UNKNOWN_BUILTIN_MODULE',
    `Node's built-in module '${name}' is not provided by kenshell yet (require('${request}'))`);
}

// request from a module (or the prompt) -> absolute filename.
function resolveFilename(request, parent, fromDir) {
  if (builtinName(request) !== null) throw builtinError(request);
  const trailingSlash = StringPrototypeEndsWith(request, '/') || request === '.' || request === '..' ||
    StringPrototypeEndsWith(request, '/.') || StringPrototypeEndsWith(request, '/..');
  if (isRelative(request)) {
    const found = tryPath(pathResolve(fromDir, request), trailingSlash, request);
    if (found) return found;
    throw notFound(request, parent);
  }
  const dirs = nodeModulePaths(fromDir);
  for (let i = 0; i < dirs.length; i++) {
    if (fsStat(dirs[i]) !== 'dir') continue;
    const viaExports = resolveExports(dirs[i], request);
    if (viaExports) return viaExports;
    const found = tryPath(dirs[i] + '/' + request, trailingSlash, request);
    if (found) return found;
  }
  throw notFound(request, parent);
}

// ---- modules
function Module(id, parent) {
  this.id = id;
  this.path = pathDirname(id);
  this.exports = {};
  this.filename = null;
  this.loaded = false;
  this.children = [];
  this.paths = [];
  ObjectDefineProperty(this, 'parent', { __proto__: null, value: parent, writable: true, configurable: true, enumerable: false });
}
Module.prototype.require = function require(id) { return requireFrom(this, id); };

// The cache, keyed by filename (require.cache); the resolution cache
// (from-directory + request -> filename) lets a require of a loaded module
// answer without looking at the disk.
const moduleCache = { __proto__: null };
const resolveCache = new MapCtor();

// At the prompt: Node's REPL module.
const replModule = { id: '<repl>', path: '.', exports: {}, filename: null, loaded: false, children: [], paths: [] };
ObjectDefineProperty(replModule, 'parent', { __proto__: null, value: undefined, writable: true, configurable: true, enumerable: false });

function fromDirOf(module) {
  return module === replModule ? host.fsQuery('cwd') : module.path;
}

function checkId(id) {
  if (typeof id !== 'string') throw invalidArgType('id', 'of type string', id);
  if (id === '') {
    throw codedError(TypeErrorCtor, 'ERR_INVALID_ARG_VALUE', "The argument 'id' must be a non-empty string. Received ''");
  }
}

function resolveFrom(module, request) {
  const fromDir = fromDirOf(module);
  if (module === replModule) replModule.paths = nodeModulePaths(fromDir + '/repl');
  const key = fromDir + '\0' + request;
  const known = call(MapGet, resolveCache, key);
  if (known !== undefined && moduleCache[known] !== undefined) return known;
  const filename = resolveFilename(request, module, fromDir);
  call(MapSet, resolveCache, key, filename);
  return filename;
}

function requireFrom(parent, request) {
  checkId(request);
  if (requireDepth === 0) fsCache = new MapCtor();
  requireDepth++;
  try {
    const filename = resolveFrom(parent, request);
    const cached = moduleCache[filename];
    if (cached !== undefined) {
      addChild(parent, cached);
      return cached.exports;
    }
    const module = new Module(filename, parent);
    module.filename = filename;
    module.paths = nodeModulePaths(module.path);
    moduleCache[filename] = module;
    addChild(parent, module);
    let ok = false;
    try {
      loadModule(module, filename, parent);
      ok = true;
    } catch (e) {
      hideLoaderFrames(e);
      throw e;
    } finally {
      if (!ok) {
        delete moduleCache[filename];
        const children = parent.children;
        if (ArrayIsArray(children) && children.length > 0 && children[children.length - 1] === module) children.length--;
      }
    }
    module.loaded = true;
    return module.exports;
  } finally {
    requireDepth--;
    if (requireDepth === 0) fsCache = null;
  }
}

function addChild(parent, child) {
  const children = parent.children;
  if (!ArrayIsArray(children)) return;
  for (let i = 0; i < children.length; i++) if (children[i] === child) return;
  append(children, child);
}

// Node 20's ERR_REQUIRE_ESM, word for word (including its "in null" when
// the parent is the prompt, which has no filename).
function requireEsmError(filename, parent, scope, hasEsmSyntax) {
  const parentPath = parent && parent.filename ? parent.filename : null;
  let message = `require() of ES Module ${filename}${parentPath ? ` from ${parentPath}` : ''} not supported.`;
  if (scope === null) {
    message += `\nInstead change the require of ${filename} to a dynamic import() which is available in all CommonJS modules.`;
    return codedError(ErrorCtor, 'ERR_REQUIRE_ESM', message);
  }
  const base = parentPath && pathBasename(filename) === pathBasename(parentPath) ? filename : pathBasename(filename);
  if (hasEsmSyntax) {
    message += `\nInstead change the require of ${base} in ${parentPath} to a dynamic import() which is available in all CommonJS modules.`;
  } else {
    message += `\n${base} is treated as an ES module file as it is a .js file whose nearest parent package.json ` +
      'contains "type": "module" which declares all .js files in that package scope as ES modules.\n' +
      `Instead either rename ${base} to end in .cjs, change the requiring code to use dynamic import() which is ` +
      'available in all CommonJS modules, or change "type": "module" to "type": "commonjs" in ' +
      `${scope.dir}/package.json to treat all .js files as CommonJS (using .cjs if you must).`;
  }
  return codedError(ErrorCtor, 'ERR_REQUIRE_ESM', message);
}
// Whether a source uses import/export statements (Node parses it as a
// module with acorn; here: V8's complaint when it is compiled as a script).
function hasEsmSyntax(source) {
  const compiled = host.compileFunction(source, '');
  if (!ArrayIsArray(compiled)) return false;
  const e = compiled[0];
  const message = host.typeTag(e) === 'error' ? `${e.message}` : '';
  return StringPrototypeIncludes(message, 'import') || StringPrototypeIncludes(message, 'export');
}

function loadModule(module, filename, parent) {
  const ext = pathExtname(filename);
  if (ext === '.mjs') throw requireEsmError(filename, parent, null, false);
  if (ext === '.node') {
    throw codedError(ErrorCtor, 'ERR_DLOPEN_FAILED', `${filename}: kenshell cannot load native addons (.node files)`);
  }
  const text = fsRead(filename);
  if (text === null) throw notFound(filename, parent);
  if (ext === '.json') {
    try {
      module.exports = JSONParse(stripBOM(text));
    } catch (e) {
      if (e !== null && typeof e === 'object') e.message = filename + ': ' + e.message;
      throw e;
    }
    return;
  }
  if (ext !== '.cjs') {
    const scope = packageScope(pathDirname(filename));
    if (scope !== null && ownField(scope.pkg, 'type') === 'module') {
      throw requireEsmError(filename, parent, scope, hasEsmSyntax(stripShebang(stripBOM(text))));
    }
  }
  compileAndRun(module, stripShebang(stripBOM(text)), filename);
}

function stripShebang(text) {
  return StringPrototypeStartsWith(text, '#!') ? '//' + StringPrototypeSlice(text, 2) : text;
}

function makeRequire(module) {
  const require = function require(id) { return requireFrom(module, id); };
  function resolve(request, options) {
    checkId(request);
    const builtin = builtinName(request);
    if (builtin !== null && call(MapGet, NODE_BUILTINS, builtin) !== undefined) return request;
    if (options !== undefined && options !== null && options.paths !== undefined) {
      // Node's options.paths: look from each of the given directories.
      const paths = options.paths;
      for (let i = 0; i < paths.length; i++) {
        try {
          return resolveFilename(request, module, pathResolve(fromDirOf(module), paths[i]));
        } catch (e) {
          if (e === null || typeof e !== 'object' || e.code !== 'MODULE_NOT_FOUND') throw e;
        }
      }
      throw notFound(request, module);
    }
    if (requireDepth === 0) fsCache = new MapCtor();
    requireDepth++;
    try {
      return resolveFrom(module, request);
    } finally {
      requireDepth--;
      if (requireDepth === 0) fsCache = null;
    }
  }
  resolve.paths = function paths(request) {
    checkId(request);
    if (builtinName(request) !== null) return null;
    const fromDir = fromDirOf(module);
    return isRelative(request) ? [fromDir] : nodeModulePaths(fromDir);
  };
  require.resolve = resolve;
  require.main = undefined;
  require.extensions = { __proto__: null, '.js': moduleExtension, '.json': moduleExtension, '.node': moduleExtension };
  require.cache = moduleCache;
  return require;
}
// require.extensions entries exist (libraries look for them); loading
// through them is kenshell's own loader whatever they are replaced with.
function moduleExtension(module, filename) {
  loadModule(module, filename, module.parent);
}

function compileAndRun(module, source, filename) {
  // Compiled as Node compiles it: a function of the wrapper's parameters,
  // in a script named after the file (stack traces name it, with the
  // file's own lines and columns).
  const compiled = host.compileFunction(source, filename);
  if (ArrayIsArray(compiled)) throw syntaxErrorIn(filename, compiled);
  const require = makeRequire(module);
  ReflectApply(compiled, module.exports, [module.exports, require, module, filename, module.path]);
}

// A module's syntax error, with its stack decorated as Node decorates it:
// file:line, the line, a caret under the offending token.
function syntaxErrorIn(filename, compiled) {
  const error = compiled[0];
  if (host.typeTag(error) !== 'error' || typeof error.stack !== 'string') return error;
  withoutRuntimeFrames(error);
  let caret = '';
  for (let i = 0; i < compiled[3]; i++) caret += ' ';
  const width = compiled[4] > compiled[3] ? compiled[4] - compiled[3] : 1;
  for (let i = 0; i < width; i++) caret += '^';
  ObjectDefineProperty(error, 'stack', {
    __proto__: null,
    value: `${filename}:${compiled[1]}\n${compiled[2]}\n${caret}\n\n${error.stack}`,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  return error;
}

const replRequire = makeRequire(replModule);
ObjectDefineProperty(globalThis, 'require', { __proto__: null, value: replRequire, writable: true, enumerable: false, configurable: true });
ObjectDefineProperty(globalThis, 'module', { __proto__: null, value: replModule, writable: true, enumerable: false, configurable: true });
}

// ---------------------------------------------------------- _ and _error
// As in Node's REPL: _ is the last result and _error the last uncaught
// error, until the user assigns to them.
let lastResult;
let lastError;
let underscoreMode = 0; // bit 1: _ assigned by the user, bit 2: _error assigned
function replVariable(name, bit, get) {
  ObjectDefineProperty(globalThis, name, {
    __proto__: null,
    get,
    set(value) {
      underscoreMode |= bit;
      ObjectDefineProperty(globalThis, name, { __proto__: null, value, writable: true, enumerable: false, configurable: true });
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
  if ((underscoreMode & 2) === 0) lastError = error;
  let text;
  try {
    text = typeof program === 'string' ? program + formatProgramError(error) : formatUncaught(error, { colors: colors() });
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
