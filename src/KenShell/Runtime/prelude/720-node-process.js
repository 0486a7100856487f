// ---------------------------------------------------------------- process
// Node's `process` (global, non-enumerable, and require('process')). What it
// learns from outside the heap (argv, env, pid, hrtime, uptime, memory)
// goes through host.processInfo, whose answers are recorded on the turn's
// tape: a replayed turn sees what the turn saw. stdout.write and
// stderr.write are outputs of the turn, released when it is durable, in
// order with console output. exit(code) ends the turn where it is called;
// the process exits with `code` once the turn has committed (the host asks
// processExitState after every commit).
//
// State the host reads (900-hooks: processExitState): a serial that grows
// with every exit() call or exitCode assignment, so that a value set by an
// earlier process (kept in the heap) does not end this one.
let processExitSerial = 0;
let processExitCall = 0;      // processExitSerial when exit() was last called
let processEmittingExit = false;
let processExitCodeValue;
// What exit() throws to stop the turn: the hooks print nothing for it.
const PROCESS_EXIT = ObjectFreeze({ __proto__: null });
const isProcessExit = (value) => value === PROCESS_EXIT;
// UTF-8 decoding (invalid sequences as U+FFFD, as Node's) and encoding
// (lone surrogates as U+FFFD), shared by process and fs.
function utf8Text(bytes) {
  let out = '';
  for (let i = 0; i < bytes.length;) {
    const b = bytes[i];
    let code = 0xFFFD;
    let size = 1;
    if (b < 0x80) { code = b; }
    else if (b >= 0xC2 && b < 0xE0 && i + 1 < bytes.length && (bytes[i + 1] & 0xC0) === 0x80) {
      code = ((b & 0x1F) << 6) | (bytes[i + 1] & 0x3F); size = 2;
    } else if (b >= 0xE0 && b < 0xF0 && i + 2 < bytes.length && (bytes[i + 1] & 0xC0) === 0x80 && (bytes[i + 2] & 0xC0) === 0x80) {
      code = ((b & 0x0F) << 12) | ((bytes[i + 1] & 0x3F) << 6) | (bytes[i + 2] & 0x3F); size = 3;
      if (code < 0x800 || (code >= 0xD800 && code < 0xE000)) { code = 0xFFFD; size = 1; }
    } else if (b >= 0xF0 && b < 0xF5 && i + 3 < bytes.length && (bytes[i + 1] & 0xC0) === 0x80 && (bytes[i + 2] & 0xC0) === 0x80 && (bytes[i + 3] & 0xC0) === 0x80) {
      code = ((b & 0x07) << 18) | ((bytes[i + 1] & 0x3F) << 12) | ((bytes[i + 2] & 0x3F) << 6) | (bytes[i + 3] & 0x3F); size = 4;
      if (code < 0x10000 || code > 0x10FFFF) { code = 0xFFFD; size = 1; }
    }
    if (code > 0xFFFF) {
      code -= 0x10000;
      out += StringFromCharCodeP(0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF));
    } else {
      out += StringFromCharCodeP(code);
    }
    i += size;
  }
  return out;
}

function utf8Bytes(text) {
  const out = new Uint8Array(text.length * 3);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    let c = StringPrototypeCharCodeAt(text, i);
    if (c >= 0xD800 && c < 0xDC00 && i + 1 < text.length) {
      const d = StringPrototypeCharCodeAt(text, i + 1);
      if (d >= 0xDC00 && d < 0xE000) {
        c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        i++;
      }
    }
    if (c >= 0xD800 && c < 0xE000) c = 0xFFFD;
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) { out[n++] = 0xC0 | (c >> 6); out[n++] = 0x80 | (c & 0x3F); }
    else if (c < 0x10000) { out[n++] = 0xE0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 0x3F); out[n++] = 0x80 | (c & 0x3F); }
    else { out[n++] = 0xF0 | (c >> 18); out[n++] = 0x80 | ((c >> 12) & 0x3F); out[n++] = 0x80 | ((c >> 6) & 0x3F); out[n++] = 0x80 | (c & 0x3F); }
  }
  return TypedArrayPrototypeSlice(out, 0, n);
}
const StringFromCharCodeP = String.fromCharCode;
let processObject;
{
const NumberParse = Number;
const BigIntCtor = BigInt;
const StringPrototypeSplitP = uncurry(String.prototype.split);
const ObjectPrototypeHasOwnPropertyP = uncurry(Object.prototype.hasOwnProperty);

function nextTickQueue(fn, args) {
  PromisePrototypeThen(PromiseResolve(undefined), () => ReflectApply(fn, undefined, args));
}

// A small EventEmitter of Node's shape for process (on, once, off, emit...).
// Listeners live in a null-prototype record, so that user code replacing
// Array or Object methods does not change which listeners run.
//
// `sessionOf` (process only): events whose listeners belong to the process
// that added them, as in Node where one process is one session. An
// 'exit' listener is tagged with the adding process's pid (a recorded
// read); a later process neither runs nor lists it (a session killed
// before its end leaves its listeners behind, and they are dropped).
function makeEmitter(target, sessionOf) {
  const events = { __proto__: null };
  const scoped = (name) => sessionOf !== undefined && name === 'exit';
  // The entries of `name` this process may see; drops the others when
  // `prune` (in turns only: queries must not change the heap).
  function live(name, prune) {
    const list = events[name];
    if (list === undefined || !scoped(name)) return list;
    const session = sessionOf();
    let kept = 0;
    const out = [];
    for (let i = 0; i < list.length; i++) {
      if (list[i].session === session) { append(out, list[i]); kept++; }
    }
    if (prune && kept !== list.length) {
      if (kept === 0) delete events[name]; else events[name] = out;
    }
    return kept === 0 ? undefined : (prune ? events[name] : out);
  }
  function add(name, listener, prepend, once) {
    if (typeof listener !== 'function') throw invalidArgType('listener', 'of type function', listener);
    live(name, true);
    const list = events[name] || (events[name] = []);
    const entry = { __proto__: null, listener, once, session: scoped(name) ? sessionOf() : undefined };
    if (prepend) {
      for (let i = list.length; i > 0; i--) list[i] = list[i - 1];
      list[0] = entry;
    } else {
      append(list, entry);
    }
    return target;
  }
  const methods = {
    on(name, listener) { return add(name, listener, false, false); },
    addListener(name, listener) { return add(name, listener, false, false); },
    prependListener(name, listener) { return add(name, listener, true, false); },
    once(name, listener) { return add(name, listener, false, true); },
    prependOnceListener(name, listener) { return add(name, listener, true, true); },
    off(name, listener) { return methods.removeListener(name, listener); },
    removeListener(name, listener) {
      const list = live(name, true);
      if (list === undefined) return target;
      for (let i = list.length - 1; i >= 0; i--) {
        if (list[i].listener === listener) {
          for (let j = i; j < list.length - 1; j++) list[j] = list[j + 1];
          list.length--;
          break;
        }
      }
      if (list.length === 0) delete events[name];
      return target;
    },
    removeAllListeners(name) {
      if (name === undefined) {
        const keys = ReflectOwnKeys(events);
        for (let i = 0; i < keys.length; i++) delete events[keys[i]];
      } else {
        delete events[name];
      }
      return target;
    },
    emit(name, ...args) {
      const list = live(name, true);
      if (list === undefined) return false;
      const copy = [];
      for (let i = 0; i < list.length; i++) append(copy, list[i]);
      for (let i = 0; i < copy.length; i++) {
        if (copy[i].once) methods.removeListener(name, copy[i].listener);
        ReflectApply(copy[i].listener, target, args);
      }
      return true;
    },
    listeners(name) {
      const list = live(name, false);
      const out = [];
      if (list !== undefined) for (let i = 0; i < list.length; i++) append(out, list[i].listener);
      return out;
    },
    rawListeners(name) { return methods.listeners(name); },
    listenerCount(name) { const list = live(name, false); return list === undefined ? 0 : list.length; },
    eventNames() {
      const keys = ReflectOwnKeys(events);
      const out = [];
      for (let i = 0; i < keys.length; i++) if (live(keys[i], false) !== undefined) append(out, keys[i]);
      return out;
    },
    setMaxListeners() { return target; },
    getMaxListeners() { return 10; },
  };
  return methods;
}

function makeStream(fd, stream) {
  const out = {
    fd,
    write(chunk, encoding, callback) {
      if (typeof encoding === 'function') { callback = encoding; encoding = undefined; }
      let text;
      if (typeof chunk === 'string') text = chunk;
      else if (chunk !== null && typeof chunk === 'object' && host.typeTag(chunk) === 'typedarray') text = utf8Text(chunk);
      else throw invalidArgType('chunk', 'of type string or an instance of Buffer or Uint8Array', chunk);
      host.print(stream, text);
      if (typeof callback === 'function') nextTickQueue(callback, [null]);
      return true;
    },
    end(chunk, encoding, callback) {
      if (typeof chunk === 'function') { callback = chunk; chunk = undefined; }
      if (chunk !== undefined && chunk !== null) out.write(chunk, encoding);
      if (typeof callback === 'function') nextTickQueue(callback, []);
      return out;
    },
    cork() {},
    uncork() {},
    setDefaultEncoding() { return out; },
    get isTTY() { return host.hostOption('colors') === 1 ? true : undefined; },
    get columns() { const c = host.hostOption('columns'); return c > 0 ? c : undefined; },
    writable: true,
    _isStdio: true,
  };
  const emitter = makeEmitter(out);
  const names = ReflectOwnKeys(emitter);
  for (let i = 0; i < names.length; i++) hidden(out, names[i], emitter[names[i]]);
  return out;
}

function info(name, arg) { return host.processInfo(name, arg); }

// argv as the host gave it (a JSON array); the same array object while
// the answer does not change, so that process.argv === process.argv.
let argvText = null;
let argvArray = null;
function argv() {
  const text = info('argv');
  if (text !== argvText || argvArray === null) {
    argvText = text;
    let parsed = null;
    try { parsed = text === '' ? null : JSONParse(text); } catch { parsed = null; }
    argvArray = ArrayIsArray(parsed) ? parsed : [execPath()];
  }
  return argvArray;
}
function execPath() { return info('execPath') || '/usr/bin/node'; }

// process.env: one object for the life of the heap. Each time it is
// looked up, it is brought up to date with the live environment (one
// recorded read): a variable the environment changed since the last look
// takes the new value; what the user assigned or deleted stays so until
// the environment changes that variable. The user sees a proxy of it whose
// traps do what Node's interceptors do: a value assigned becomes a string,
// a symbol (key or value) throws, only plain data descriptors may be
// defined. Writes stay in the heap: the real environment is never changed.
const envObject = {};
function envDefine(target, key, value) {
  if (typeof key === 'symbol') throw new TypeErrorCtor('Cannot convert a Symbol value to a string');
  const text = `${value}`;
  ObjectDefineProperty(target, key, { __proto__: null, value: text, writable: true, enumerable: true, configurable: true });
  return true;
}
const envProxy = new Proxy(envObject, {
  __proto__: null,
  set(target, key, value) { return envDefine(target, key, value); },
  deleteProperty(target, key) {
    if (typeof key === 'symbol') return true;
    return delete target[key];
  },
  defineProperty(target, key, desc) {
    const own = (name) => ObjectPrototypeHasOwnPropertyP(desc, name);
    if (own('get') || own('set')) {
      throw nodeError(TypeErrorCtor, 'ERR_INVALID_OBJECT_DEFINE_PROPERTY', "'process.env' does not accept an accessor(getter/setter) descriptor");
    }
    if (!(own('configurable') && desc.configurable) || !(own('writable') && desc.writable) || !(own('enumerable') && desc.enumerable)) {
      throw nodeError(TypeErrorCtor, 'ERR_INVALID_OBJECT_DEFINE_PROPERTY', "'process.env' only accepts a configurable, writable, and enumerable data descriptor");
    }
    return envDefine(target, key, own('value') ? desc.value : undefined);
  },
});
inspectExtras.markPlainObject(envProxy);
let envSeen = new MapCtor();
function env() {
  const text = info('environ');
  const entries = text === '' ? [] : StringPrototypeSplitP(text, '\0');
  const live = new MapCtor();
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (entry === '') continue;
    const eq = StringPrototypeIndexOf(entry, '=');
    if (eq <= 0) continue;
    call(MapSet, live, StringPrototypeSlice(entry, 0, eq), StringPrototypeSlice(entry, eq + 1));
  }
  const liveList = mapList(live, true);
  for (let i = 0; i < liveList.length; i++) {
    const { 0: key, 1: value } = [liveList[i][0], liveList[i][1]];
    if (call(MapGet, envSeen, key) !== value) envObject[key] = value;
  }
  const seenList = mapList(envSeen, true);
  for (let i = 0; i < seenList.length; i++) {
    const key = seenList[i][0];
    if (!call(MapHas, live, key) && ObjectPrototypeHasOwnPropertyP(envObject, key) && envObject[key] === seenList[i][1]) delete envObject[key];
  }
  envSeen = live;
  return envProxy;
}

function hrtime(previous) {
  const parts = StringPrototypeSplitP(info('hrtime'), ' ');
  let sec = NumberParse(parts[0]);
  let nsec = NumberParse(parts[1]);
  if (previous !== undefined) {
    if (!ArrayIsArray(previous)) throw invalidArgType('time', 'an instance of Array', previous);
    if (previous.length !== 2) {
      const err = new RangeErrorCtor(`The value of "time" is out of range. It must be 2. Received ${previous.length}`);
      err.code = 'ERR_OUT_OF_RANGE';
      throw err;
    }
    sec -= previous[0];
    nsec -= previous[1];
    if (nsec < 0) { sec--; nsec += 1e9; }
  }
  return [sec, nsec];
}
hrtime.bigint = function bigint() {
  const parts = StringPrototypeSplitP(info('hrtime'), ' ');
  return BigIntCtor(parts[0]) * 1000000000n + BigIntCtor(parts[1]);
};

function memoryUsage() {
  const m = JSONParse(info('memory') || '{}');
  return { rss: m.rss, heapTotal: m.heapTotal, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers };
}
memoryUsage.rss = function rss() { return memoryUsage().rss; };

function setExitCode(code) {
  if (code !== undefined && code !== null) {
    const n = typeof code === 'string' && code !== '' ? NumberParse(code) : code;
    if (typeof n !== 'number' || n !== MathFloor(n)) {
      throw invalidArgType('code', 'of type number', code);
    }
  }
  processExitCodeValue = code;
  processExitSerial++;
}

const versions = {
  node: '18.20.4',
  acorn: '8.8.1',
  ada: '2.7.2',
  ares: '1.18.1',
  brotli: '1.0.9',
  cldr: '42.0',
  icu: '72.1',
  llhttp: '6.1.1',
  modules: '108',
  napi: '9',
  nghttp2: '1.52.0',
  openssl: '3.0.13',
  tz: '2024a',
  undici: '5.28.4',
  unicode: '15.0',
  uv: '1.44.2',
  uvwasi: '0.0.19',
  v8: '10.2.154.26-node.37',
  zlib: '1.2.13',
};

processObject = {
  version: 'v18.20.4',
  versions,
  arch: 'x64',
  platform: 'linux',
  release: { name: 'node', lts: 'Hydrogen', sourceUrl: 'https://nodejs.org/download/release/v18.20.4/node-v18.20.4.tar.gz', headersUrl: 'https://nodejs.org/download/release/v18.20.4/node-v18.20.4-headers.tar.gz' },
  get argv() { return argv(); },
  set argv(value) { argvArray = value; argvText = info('argv'); },
  execArgv: [],
  get env() { return env(); },
  title: 'node',
  argv0: 'node',
  get execPath() { return execPath(); },
  get pid() { return NumberParse(info('pid')); },
  get ppid() { return NumberParse(info('ppid')); },
  get exitCode() { return processExitCodeValue; },
  set exitCode(code) { setExitCode(code); },
  cwd() { return host.fsQuery('cwd'); },
  chdir(directory) {
    const err = new ErrorCtorP(`kenshell: process.chdir is not supported (the working directory is the shell's, and a turn's effects leave only as outputs); asked for ${directory}`);
    err.code = 'ERR_KENSHELL_UNSUPPORTED';
    throw err;
  },
  exit(code) {
    if (code !== undefined) setExitCode(code);
    const exitWith = processExitCodeValue === undefined || processExitCodeValue === null ? 0 : NumberParse(processExitCodeValue) | 0;
    // exit() called again by an 'exit' listener does not emit again.
    if (!processEmittingExit) {
      processEmittingExit = true;
      try {
        processObject.emit('exit', exitWith);
      } finally {
        processEmittingExit = false;
      }
    }
    processExitCodeValue = exitWith;
    processExitCall = ++processExitSerial;
    throw PROCESS_EXIT;
  },
  abort() { processObject.exit(134); },
  hrtime,
  uptime() { return NumberParse(info('uptime')); },
  memoryUsage,
  nextTick(callback, ...args) {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
    nextTickQueue(callback, args);
  },
  emitWarning(warning, type) {
    const name = typeof type === 'string' ? type : (warning !== null && typeof warning === 'object' && warning.name) || 'Warning';
    const message = warning !== null && typeof warning === 'object' ? warning.message : `${warning}`;
    host.print(STDERR, `${name}: ${message}\n`);
  },
  umask() { return 0o22; },
  getuid() { return NumberParse(info('uid')) || 0; },
  cpuUsage() { return { user: 0, system: 0 }; },
  features: { inspector: false, debug: false, uv: true, ipv6: true, tls_alpn: true, tls_sni: true, tls_ocsp: true, tls: true, cached_builtins: true },
  config: { target_defaults: {}, variables: { napi_build_version: '9' } },
};
const ErrorCtorP = Error;
processObject.stdout = makeStream(1, STDOUT);
processObject.stderr = makeStream(2, STDERR);
processObject.stdin = { fd: 0, isTTY: undefined };
const emitter = makeEmitter(processObject, () => info('pid'));
const names = ReflectOwnKeys(emitter);
for (let i = 0; i < names.length; i++) hidden(processObject, names[i], emitter[names[i]]);
ObjectDefineProperty(processObject, SymbolToStringTag, { __proto__: null, value: 'process', writable: false, enumerable: false, configurable: true });
hidden(globalThis, 'process', processObject);
defineBuiltinModule('process', () => processObject);
}
