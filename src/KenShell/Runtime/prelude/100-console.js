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
// The box-drawing characters are written as \u escapes: a script with any
// character above U+00FF is stored by V8 two bytes per character, and the
// prelude's source is kept in every heap.
function renderTable(head, columns) {
  const renderRow = (row, widths) => {
    let out = '\u2502 ';
    for (let i = 0; i < row.length; i++) {
      const cell = row[i];
      out += cell + call(StringRepeat, ' ', MathCeil(widths[i] - getStringWidth(cell, true)));
      if (i !== row.length - 1) out += ' \u2502 ';
    }
    return out + ' \u2502';
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
  for (let i = 0; i < widths.length; i++) divider[i] = call(StringRepeat, '\u2500', widths[i] + 2);
  let result = '\u250c' + call(ArrayJoin, divider, '\u252c') + '\u2510\n' + renderRow(head, widths) + '\n' +
    '\u251c' + call(ArrayJoin, divider, '\u253c') + '\u2524\n';
  for (let j = 0; j < rows.length; j++) result += renderRow(rows[j], widths) + '\n';
  return result + '\u2514' + call(ArrayJoin, divider, '\u2534') + '\u2518';
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

