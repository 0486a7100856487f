// kenshell value formatter: a re-implementation of the behaviour of Node's
// util.inspect / util.format and of the REPL's error printing, for a bare V8
// context (no util, no process, no Buffer).
//
// Loaded by the host as a plain script that is concatenated into a function;
// it declares exactly one top-level function.
//
// Safety rules followed throughout:
//  * No user code is ever run: properties are read through property
//    descriptors (getters are never called, except a few well-known native
//    ones captured below), proxies are never touched (the target is obtained
//    through internals.proxyTarget), user toString/valueOf/Symbol.iterator
//    are never called. Exceptions, as in Node: a Symbol.toStringTag getter
//    and a [util.inspect.custom] (Symbol.for('nodejs.util.inspect.custom'))
//    method are called.
//  * Every built-in used is captured when createInspect runs, so later
//    patching of built-ins by the user (Array.prototype.push = ..., etc.)
//    has no effect.  No for..of / spread / destructuring of arrays (those go
//    through %ArrayIteratorPrototype%.next), no String.prototype.replace /
//    split with regexps (those go through RegExp.prototype.exec lookups).
//
// Known, deliberate differences from Node:
//  * Proxies: the REPL uses showProxy: true and prints
//    `Proxy [ <target>, <handler> ]`.  If the host provides
//    internals.proxyHandler(p) the handler is formatted exactly like Node.
//    Otherwise the handler slot is printed as `<handler>` (special style).
//  * util.format('%s', obj) where obj has a user-defined toString: Node calls
//    it; we format the object with inspect (depth 0) instead.  %d/%i/%f/%j
//    convert objects without calling user valueOf/toString/toJSON/getters.

function createInspect(internals) {
  'use strict';

  // ------------------------------------------------------------ host hooks
  const rawTypeTagOf = internals.typeTag;
  // The ES module loader's namespace objects (proxies, see
  // prelude/790-esm.js) print as V8's module namespaces do.
  const moduleNamespaces = new WeakSet();
  const WeakSetHas = WeakSet.prototype.has;
  const WeakSetAdd = WeakSet.prototype.add;
  // Proxies the runtime uses to give an object Node's exotic behaviour
  // (process.env, which is an interceptor object in Node) print as the
  // ordinary objects they stand for; their handlers trap writes only.
  const plainProxies = new WeakSet();
  const typeTagOf = (v) => (ReflectApply(WeakSetHas, moduleNamespaces, [v]) ? 'module'
    : ReflectApply(WeakSetHas, plainProxies, [v]) ? '' : rawTypeTagOf(v));
  function markModuleNamespace(ns) { ReflectApply(WeakSetAdd, moduleNamespaces, [ns]); }
  function markPlainObject(p) { ReflectApply(WeakSetAdd, plainProxies, [p]); }
  const proxyTargetOf = internals.proxyTarget;
  const proxyHandlerOf = typeof internals.proxyHandler === 'function' ? internals.proxyHandler : undefined;
  const promiseStateOf = internals.promiseState;
  const previewEntriesOf = internals.previewEntries;
  const ownNonIndexKeysOf = typeof internals.ownNonIndexKeys === 'function' ? internals.ownNonIndexKeys : undefined;
  // V8's Object::GetConstructorName (what Node's internalGetConstructorName
  // calls); absent in stores created before it existed.
  const constructorNameOf = typeof internals.constructorName === 'function' ? internals.constructorName : undefined;

  // ------------------------------------------------------ captured builtins
  const FunctionPrototypeCall = Function.prototype.call;
  const FunctionPrototypeBind = Function.prototype.bind;
  const ReflectApply = Reflect.apply;
  const ReflectOwnKeys = Reflect.ownKeys;
  const uncurry = (fn) => ReflectApply(FunctionPrototypeBind, FunctionPrototypeCall, [fn]);
  const ObjectKeys = Object.keys;
  const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
  const ObjectGetOwnPropertySymbols = Object.getOwnPropertySymbols;
  const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const ObjectGetPrototypeOf = Object.getPrototypeOf;
  const ObjectIs = Object.is;
  const ObjectCreate = Object.create;
  const ObjectDefineProperty = Object.defineProperty;
  const hasOwn = uncurry(Object.prototype.hasOwnProperty);
  const ArrayIsArray = Array.isArray;
  const ArrayPrototypePush = uncurry(Array.prototype.push);
  const ArrayPrototypePop = uncurry(Array.prototype.pop);
  const ArrayPrototypeJoin = uncurry(Array.prototype.join);
  const ArrayPrototypeSlice = uncurry(Array.prototype.slice);
  const ArrayPrototypeSplice = uncurry(Array.prototype.splice);
  const ArrayPrototypeIndexOf = uncurry(Array.prototype.indexOf);
  const ArrayPrototypeIncludes = uncurry(Array.prototype.includes);
  const ArrayPrototypeSort = uncurry(Array.prototype.sort);
  const StringPrototypeSlice = uncurry(String.prototype.slice);
  const StringPrototypeIndexOf = uncurry(String.prototype.indexOf);
  const StringPrototypeIncludes = uncurry(String.prototype.includes);
  const StringPrototypeStartsWith = uncurry(String.prototype.startsWith);
  const StringPrototypeEndsWith = uncurry(String.prototype.endsWith);
  const StringPrototypeRepeat = uncurry(String.prototype.repeat);
  const StringPrototypePadStart = uncurry(String.prototype.padStart);
  const StringPrototypePadEnd = uncurry(String.prototype.padEnd);
  const StringPrototypeCharCodeAt = uncurry(String.prototype.charCodeAt);
  const StringPrototypeCodePointAt = uncurry(String.prototype.codePointAt);
  const StringPrototypeNormalize = uncurry(String.prototype.normalize);
  const StringPrototypeToLowerCase = uncurry(String.prototype.toLowerCase);
  const StringPrototypeTrim = uncurry(String.prototype.trim);
  const StringPrototypeValueOf = uncurry(String.prototype.valueOf);
  const NumberPrototypeToString = uncurry(Number.prototype.toString);
  const NumberPrototypeValueOf = uncurry(Number.prototype.valueOf);
  const BooleanPrototypeValueOf = uncurry(Boolean.prototype.valueOf);
  const BigIntPrototypeValueOf = uncurry(BigInt.prototype.valueOf);
  const SymbolPrototypeValueOf = uncurry(Symbol.prototype.valueOf);
  const SymbolPrototypeToString = uncurry(Symbol.prototype.toString);
  const DatePrototypeGetTime = uncurry(Date.prototype.getTime);
  const DatePrototypeToISOString = uncurry(Date.prototype.toISOString);
  const DatePrototypeToString = uncurry(Date.prototype.toString);
  const RegExpPrototypeExec = uncurry(RegExp.prototype.exec);
  const FunctionPrototypeToString = uncurry(Function.prototype.toString);
  const MathMin = Math.min;
  const MathMax = Math.max;
  const MathRound = Math.round;
  const MathSqrt = Math.sqrt;
  const MathFloor = Math.floor;
  const NumberIsNaN = Number.isNaN;
  const NumberParseInt = Number.parseInt;
  const NumberParseFloat = Number.parseFloat;
  const NumberCtor = Number;
  const JSONStringify = JSON.stringify;
  const Uint8ArrayCtor = Uint8Array;
  const SymbolIterator = Symbol.iterator;
  const SymbolToStringTag = Symbol.toStringTag;
  const customInspectSymbol = Symbol.for('nodejs.util.inspect.custom');
  const ObjectPrototypePropertyIsEnumerable = uncurry(Object.prototype.propertyIsEnumerable);
  const ErrorPrototype = Error.prototype;

  function getterOf(proto, name) {
    const d = proto === undefined ? undefined : ObjectGetOwnPropertyDescriptor(proto, name);
    return d !== undefined && typeof d.get === 'function' ? uncurry(d.get) : undefined;
  }
  const RegExpFlagGetters = [];
  {
    const flagNames = [['hasIndices', 'd'], ['global', 'g'], ['ignoreCase', 'i'], ['multiline', 'm'],
      ['dotAll', 's'], ['unicode', 'u'], ['unicodeSets', 'v'], ['sticky', 'y']];
    for (let i = 0; i < flagNames.length; i++) {
      const g = getterOf(RegExp.prototype, flagNames[i][0]);
      if (g !== undefined) ArrayPrototypePush(RegExpFlagGetters, [g, flagNames[i][1]]);
    }
  }
  const RegExpSource = getterOf(RegExp.prototype, 'source');
  const MapPrototypeEntries = uncurry(Map.prototype.entries);
  const MapSize = getterOf(Map.prototype, 'size');
  const MapIteratorNext = uncurry(ObjectGetPrototypeOf(new Map().entries()).next);
  const SetPrototypeValues = uncurry(Set.prototype.values);
  const SetSize = getterOf(Set.prototype, 'size');
  const SetIteratorNext = uncurry(ObjectGetPrototypeOf(new Set().values()).next);
  const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
  const TypedArrayLength = getterOf(TypedArrayPrototype, 'length');
  const TypedArrayByteLength = getterOf(TypedArrayPrototype, 'byteLength');
  const TypedArrayByteOffset = getterOf(TypedArrayPrototype, 'byteOffset');
  const TypedArrayBuffer = getterOf(TypedArrayPrototype, 'buffer');
  const TypedArrayTagGetterRaw = ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, SymbolToStringTag).get;
  const TypedArrayGetTag = uncurry(TypedArrayTagGetterRaw);
  const ArrayBufferByteLength = getterOf(ArrayBuffer.prototype, 'byteLength');
  const SharedArrayBufferByteLength = typeof SharedArrayBuffer === 'function' ?
    getterOf(SharedArrayBuffer.prototype, 'byteLength') : undefined;
  const DataViewByteLength = getterOf(DataView.prototype, 'byteLength');
  const DataViewByteOffset = getterOf(DataView.prototype, 'byteOffset');
  const DataViewBuffer = getterOf(DataView.prototype, 'buffer');

  // Names of the global built-in constructors (like Node's builtInObjects).
  const builtInObjects = ObjectCreate(null);
  {
    const names = ObjectGetOwnPropertyNames(globalThis);
    const re = /^[A-Z][a-zA-Z0-9]+$/;
    for (let i = 0; i < names.length; i++) {
      if (RegExpPrototypeExec(re, names[i]) !== null) builtInObjects[names[i]] = true;
    }
  }

  // ------------------------------------------------------------ constants
  const kObjectType = 0;
  const kArrayType = 1;
  const kArrayExtrasType = 2;
  const kMinLineLength = 16;

  const colors = ObjectCreate(null);
  colors.bold = [1, 22]; colors.italic = [3, 23]; colors.underline = [4, 24];
  colors.inverse = [7, 27]; colors.white = [37, 39]; colors.grey = [90, 39];
  colors.black = [30, 39]; colors.blue = [34, 39]; colors.cyan = [36, 39];
  colors.green = [32, 39]; colors.magenta = [35, 39]; colors.red = [31, 39];
  colors.yellow = [33, 39]; colors.dim = [2, 22];
  const styles = ObjectCreate(null);
  styles.special = 'cyan'; styles.number = 'yellow'; styles.bigint = 'yellow';
  styles.boolean = 'yellow'; styles.undefined = 'grey'; styles.null = 'bold';
  styles.string = 'green'; styles.symbol = 'green'; styles.date = 'magenta';
  styles.regexp = 'red'; styles.module = 'underline';

  function stylizeWithColor(str, styleType) {
    const style = styles[styleType];
    if (style !== undefined) {
      const color = colors[style];
      if (color !== undefined) return '\u001b[' + color[0] + 'm' + str + '\u001b[' + color[1] + 'm';
    }
    return str;
  }
  function stylizeNoColor(str) { return str; }

  const meta = [];
  {
    const hex = '0123456789ABCDEF';
    for (let i = 0; i < 160; i++) {
      let s = '';
      if (i < 32 || i >= 127) s = '\\x' + hex[i >> 4] + hex[i & 15];
      meta[i] = s;
    }
    meta[8] = '\\b'; meta[9] = '\\t'; meta[10] = '\\n'; meta[12] = '\\f'; meta[13] = '\\r';
    meta[39] = "\\'"; meta[92] = '\\\\';
  }

  // -------------------------------------------------------- small helpers
  // Defined, not assigned: an indexed setter a user put on Array.prototype
  // must not run (or throw) while a value is being formatted.
  function push(arr, v) {
    ObjectDefineProperty(arr, arr.length, { __proto__: null, value: v, writable: true, enumerable: true, configurable: true });
  }
  function isObjectLike(v) { return (typeof v === 'object' && v !== null) || typeof v === 'function'; }
  function isProxy(v) { return typeTagOf(v) === 'proxy'; }

  // Replace proxies by their targets (used only while walking prototype
  // chains; behaves as if the proxy had no traps).  Returns null if revoked.
  function unwrapProxy(o) {
    let n = 0;
    while (isProxy(o)) {
      o = proxyTargetOf(o);
      if (o === null || o === undefined || ++n > 1000) return null;
    }
    return o;
  }
  function getProto(o) {
    o = unwrapProxy(o);
    if (o === null) return null;
    try { return ObjectGetPrototypeOf(o); } catch { return null; }
  }
  function ownDesc(o, key) {
    try { return ObjectGetOwnPropertyDescriptor(o, key); } catch { return undefined; }
  }
  // Find the descriptor of `key` on `o` or its prototype chain.
  function lookupDesc(o, key) {
    let n = 0;
    while (o !== null && o !== undefined && n++ < 10000) {
      o = unwrapProxy(o);
      if (o === null) return undefined;
      const d = ownDesc(o, key);
      if (d !== undefined) return d;
      try { o = ObjectGetPrototypeOf(o); } catch { return undefined; }
    }
    return undefined;
  }
  // Property read that never calls getters (returns undefined for them).
  function safeGet(o, key) {
    const d = lookupDesc(o, key);
    if (d === undefined || !hasOwn(d, 'value')) return undefined;
    return d.value;
  }
  function hasProperty(o, key) { return lookupDesc(o, key) !== undefined; }
  function isNativeFunction(fn) {
    try {
      return typeof fn === 'function' && StringPrototypeIncludes(FunctionPrototypeToString(fn), '[native code]');
    } catch { return false; }
  }
  function hasInPrototypeChain(obj, proto) {
    let o = getProto(obj);
    let n = 0;
    while (o !== null && o !== undefined && n++ < 10000) {
      if (o === proto) return true;
      o = getProto(o);
    }
    return false;
  }
  // OrdinaryHasInstance without calling user code.
  function isInstanceof(obj, ctor) {
    const proto = safeGet(ctor, 'prototype');
    if (!isObjectLike(proto)) return false;
    return hasInPrototypeChain(obj, proto);
  }
  function isError(v) {
    return typeTagOf(v) === 'error' || hasInPrototypeChain(v, ErrorPrototype);
  }
  function fnName(fn) {
    const n = safeGet(fn, 'name');
    if (typeof n === 'string') return n;
    if (n === undefined) return '';
    if (isObjectLike(n)) return '';
    return primitiveToString(n);
  }
  function primitiveToString(v) {
    if (typeof v === 'string') return v;
    if (typeof v === 'symbol') return SymbolPrototypeToString(v);
    return '' + v;
  }
  // ToString without running user code.
  function safeToString(v, seen) {
    if (!isObjectLike(v)) return primitiveToString(v);
    if (isProxy(v)) {
      const t = proxyTargetOf(v);
      return t === null || t === undefined ? '[object Object]' : safeToString(t, seen);
    }
    const tag = typeTagOf(v);
    if (tag === 'String' || tag === 'Number' || tag === 'Boolean' || tag === 'BigInt' || tag === 'Symbol') {
      return primitiveToString(unbox(v, tag));
    }
    if (tag === 'date') return DatePrototypeToString(v);
    if (tag === 'regexp') return regexpToString(v);
    if (typeof v === 'function') return FunctionPrototypeToString(v);
    if (ArrayIsArray(v)) {
      if (seen === undefined) seen = [];
      if (ArrayPrototypeIncludes(seen, v)) return '';
      push(seen, v);
      let s = '';
      const len = v.length;
      for (let i = 0; i < len; i++) {
        if (i > 0) s += ',';
        const e = safeGet(v, i);
        if (e !== undefined && e !== null) s += safeToString(e, seen);
      }
      ArrayPrototypePop(seen);
      return s;
    }
    if (isError(v)) return errorToString(v);
    return '[object Object]';
  }
  function unbox(v, tag) {
    if (tag === 'Number') return NumberPrototypeValueOf(v);
    if (tag === 'String') return StringPrototypeValueOf(v);
    if (tag === 'Boolean') return BooleanPrototypeValueOf(v);
    if (tag === 'BigInt') return BigIntPrototypeValueOf(v);
    return SymbolPrototypeValueOf(v);
  }
  function errorToString(err) {
    let name = safeGet(err, 'name');
    name = name === undefined ? 'Error' : safeToString(name);
    let msg = safeGet(err, 'message');
    msg = msg === undefined ? '' : safeToString(msg);
    if (name === '') return msg;
    if (msg === '') return name;
    return name + ': ' + msg;
  }
  function regexpToString(re) {
    let flags = '';
    for (let i = 0; i < RegExpFlagGetters.length; i++) {
      if (RegExpFlagGetters[i][0](re)) flags += RegExpFlagGetters[i][1];
    }
    return '/' + RegExpSource(re) + '/' + flags;
  }
  // Split keeping the '\n' at the end of each piece (like split(/(?<=\n)/)).
  function splitKeepNewlines(str) {
    const out = [];
    let start = 0;
    while (true) {
      const i = StringPrototypeIndexOf(str, '\n', start);
      if (i === -1) break;
      push(out, StringPrototypeSlice(str, start, i + 1));
      start = i + 1;
    }
    if (start < str.length) push(out, StringPrototypeSlice(str, start));
    if (out.length === 0) push(out, str);
    return out;
  }
  function splitLines(str) {
    const out = [];
    let start = 0;
    while (true) {
      const i = StringPrototypeIndexOf(str, '\n', start);
      if (i === -1) break;
      push(out, StringPrototypeSlice(str, start, i));
      start = i + 1;
    }
    push(out, StringPrototypeSlice(str, start));
    return out;
  }
  function replaceAllStr(str, find, repl) {
    let out = '';
    let start = 0;
    while (true) {
      const i = StringPrototypeIndexOf(str, find, start);
      if (i === -1) break;
      out += StringPrototypeSlice(str, start, i) + repl;
      start = i + find.length;
    }
    return out + StringPrototypeSlice(str, start);
  }
  // Remove SGR color codes (\u001b[<1-2 digits>m), like Node's removeColors.
  function removeColors(str) {
    if (StringPrototypeIndexOf(str, '\u001b') === -1) return str;
    let out = '';
    let i = 0;
    const len = str.length;
    while (i < len) {
      const c = StringPrototypeCharCodeAt(str, i);
      if (c === 0x1b && StringPrototypeCharCodeAt(str, i + 1) === 0x5b) {
        let j = i + 2;
        let digits = 0;
        while (digits < 2 && j < len) {
          const d = StringPrototypeCharCodeAt(str, j);
          if (d < 48 || d > 57) break;
          j++; digits++;
        }
        if (digits > 0 && StringPrototypeCharCodeAt(str, j) === 109) { i = j + 1; continue; }
      }
      out += str[i];
      i++;
    }
    return out;
  }
  function isFullWidthCodePoint(code) {
    return code >= 0x1100 && (
      code <= 0x115f || code === 0x2329 || code === 0x232a ||
      (code >= 0x2e80 && code <= 0x3247 && code !== 0x303f) ||
      (code >= 0x3250 && code <= 0x4dbf) || (code >= 0x4e00 && code <= 0xa4c6) ||
      (code >= 0xa960 && code <= 0xa97c) || (code >= 0xac00 && code <= 0xd7a3) ||
      (code >= 0xf900 && code <= 0xfaff) || (code >= 0xfe10 && code <= 0xfe19) ||
      (code >= 0xfe30 && code <= 0xfe6b) || (code >= 0xff01 && code <= 0xff60) ||
      (code >= 0xffe0 && code <= 0xffe6) || (code >= 0x1b000 && code <= 0x1b001) ||
      (code >= 0x1f200 && code <= 0x1f251) || (code >= 0x1f300 && code <= 0x1f64f) ||
      (code >= 0x20000 && code <= 0x3fffd));
  }
  function isZeroWidthCodePoint(code) {
    return code <= 0x1F || (code >= 0x7F && code <= 0x9F) || (code >= 0x300 && code <= 0x36F) ||
      (code >= 0x200B && code <= 0x200F) || (code >= 0x20D0 && code <= 0x20FF) ||
      (code >= 0xFE00 && code <= 0xFE0F) || (code >= 0xFE20 && code <= 0xFE2F) ||
      (code >= 0xE0100 && code <= 0xE01EF);
  }
  function getStringWidth(str, removeControlChars) {
    if (removeControlChars) str = removeColors(str);
    let width = 0;
    let ascii = true;
    for (let i = 0; i < str.length; i++) {
      const c = StringPrototypeCharCodeAt(str, i);
      if (c >= 127) { ascii = false; break; }
      if (c >= 32) width++;
    }
    if (ascii) return width;
    str = StringPrototypeNormalize(str, 'NFC');
    width = 0;
    for (let i = 0; i < str.length; i++) {
      const code = StringPrototypeCodePointAt(str, i);
      if (code > 0xffff) i++;
      if (isFullWidthCodePoint(code)) width += 2;
      else if (!isZeroWidthCodePoint(code)) width++;
    }
    return width;
  }

  // ------------------------------------------------------------- strings
  // quote: 39 single, -1 double, -2 backtick
  function escapeBody(str, quoteCode) {
    let result = '';
    let last = 0;
    const len = str.length;
    for (let i = 0; i < len; i++) {
      const point = StringPrototypeCharCodeAt(str, i);
      if (point === quoteCode || point === 92 || point < 32 || (point > 126 && point < 160)) {
        result += StringPrototypeSlice(str, last, i) + meta[point];
        last = i + 1;
      } else if (point >= 0xd800 && point <= 0xdfff) {
        if (point <= 0xdbff && i + 1 < len) {
          const next = StringPrototypeCharCodeAt(str, i + 1);
          if (next >= 0xdc00 && next <= 0xdfff) { i++; continue; }
        }
        result += StringPrototypeSlice(str, last, i) + '\\u' + NumberPrototypeToString(point, 16);
        last = i + 1;
      }
    }
    if (last === 0) return str;
    if (last !== len) result += StringPrototypeSlice(str, last);
    return result;
  }
  function strEscape(str) {
    let quote = 39;
    if (StringPrototypeIncludes(str, "'")) {
      if (!StringPrototypeIncludes(str, '"')) quote = -1;
      else if (!StringPrototypeIncludes(str, '`') && !StringPrototypeIncludes(str, '${')) quote = -2;
    }
    const body = escapeBody(str, quote);
    if (quote === -1) return '"' + body + '"';
    if (quote === -2) return '`' + body + '`';
    return "'" + body + "'";
  }

  // ------------------------------------------------------------ primitives
  function formatNumber(fn, number, numericSeparator) {
    if (!numericSeparator) {
      if (ObjectIs(number, -0)) return fn('-0', 'number');
      return fn('' + number, 'number');
    }
    const integer = number < 0 ? -MathFloor(-number) : MathFloor(number);
    const string = '' + integer;
    if (integer === number) {
      if (!(number - number === 0) || StringPrototypeIncludes(string, 'e')) return fn(string, 'number');
      return fn(addNumericSeparator(string), 'number');
    }
    if (NumberIsNaN(number)) return fn(string, 'number');
    return fn(addNumericSeparator(string) + '.' +
      addNumericSeparatorEnd(StringPrototypeSlice('' + number, string.length + 1)), 'number');
  }
  function addNumericSeparator(s) {
    let result = '';
    let i = s.length;
    const start = StringPrototypeStartsWith(s, '-') ? 1 : 0;
    for (; i >= start + 4; i -= 3) result = '_' + StringPrototypeSlice(s, i - 3, i) + result;
    return i === s.length ? s : StringPrototypeSlice(s, 0, i) + result;
  }
  function addNumericSeparatorEnd(s) {
    let result = '';
    let i = 0;
    for (; i < s.length - 3; i += 3) result += StringPrototypeSlice(s, i, i + 3) + '_';
    return i === 0 ? s : result + StringPrototypeSlice(s, i);
  }
  function formatBigInt(fn, bigint, numericSeparator) {
    const s = '' + bigint;
    return fn((numericSeparator ? addNumericSeparator(s) : s) + 'n', 'bigint');
  }
  function formatPrimitive(fn, value, ctx) {
    if (typeof value === 'string') {
      let trailer = '';
      if (value.length > ctx.maxStringLength) {
        const remaining = value.length - ctx.maxStringLength;
        value = StringPrototypeSlice(value, 0, ctx.maxStringLength);
        trailer = '... ' + remaining + ' more character' + (remaining > 1 ? 's' : '');
      }
      if (ctx.compact !== true && value.length > kMinLineLength &&
          value.length > ctx.breakLength - ctx.indentationLvl - 4) {
        const parts = splitKeepNewlines(value);
        let out = '';
        const sep = ' +\n' + StringPrototypeRepeat(' ', ctx.indentationLvl + 2);
        for (let i = 0; i < parts.length; i++) {
          if (i > 0) out += sep;
          out += fn(strEscape(parts[i]), 'string');
        }
        return out + trailer;
      }
      return fn(strEscape(value), 'string') + trailer;
    }
    if (typeof value === 'number') return formatNumber(fn, value, ctx.numericSeparator);
    if (typeof value === 'bigint') return formatBigInt(fn, value, ctx.numericSeparator);
    if (typeof value === 'boolean') return fn('' + value, 'boolean');
    if (typeof value === 'undefined') return fn('undefined', 'undefined');
    return fn(SymbolPrototypeToString(value), 'symbol');
  }

  // -------------------------------------------------------------- context
  const optionNames = ['showHidden', 'depth', 'colors', 'customInspect', 'showProxy', 'maxArrayLength', 'maxStringLength',
    'breakLength', 'compact', 'sorted', 'getters', 'numericSeparator'];
  function makeCtx(options, base) {
    const ctx = {
      indentationLvl: 0, seen: [], circular: undefined, currentDepth: 0,
      stylize: stylizeNoColor, showHidden: false, depth: 2, colors: false, customInspect: true, showProxy: true,
      maxArrayLength: 100, maxStringLength: 10000, breakLength: 80, compact: 3, sorted: false,
      getters: false, numericSeparator: false, stackOverride: undefined,
    };
    if (base !== undefined) {
      for (let i = 0; i < optionNames.length; i++) ctx[optionNames[i]] = base[optionNames[i]];
    }
    if (isObjectLike(options) && !isProxy(options)) {
      for (let i = 0; i < optionNames.length; i++) {
        const d = ownDesc(options, optionNames[i]);
        if (d !== undefined && hasOwn(d, 'value') && d.value !== undefined) ctx[optionNames[i]] = d.value;
      }
    }
    if (ctx.depth === null) ctx.depth = Infinity;
    if (ctx.maxArrayLength === null) ctx.maxArrayLength = Infinity;
    if (ctx.maxStringLength === null) ctx.maxStringLength = Infinity;
    ctx.stylize = ctx.colors ? stylizeWithColor : stylizeNoColor;
    return ctx;
  }

  function inspect(value, options) {
    return formatValue(makeCtx(options), value, 0);
  }

  // ---------------------------------------------------------- formatValue
  function formatValue(ctx, value, recurseTimes, typedArray) {
    if (typeof value !== 'object' && typeof value !== 'function') {
      return formatPrimitive(ctx.stylize, value, ctx);
    }
    if (value === null) return ctx.stylize('null', 'null');

    const context = value;
    if (isProxy(value)) {
      const target = proxyTargetOf(value);
      if (target === null || target === undefined) return ctx.stylize('<Revoked Proxy>', 'special');
      if (ctx.showProxy) return formatProxy(ctx, value, target, recurseTimes);
      value = unwrapProxy(target);
      if (value === null) return ctx.stylize('<Revoked Proxy>', 'special');
    }

    if (ctx.customInspect) {
      const custom = formatCustom(ctx, value, context, recurseTimes);
      if (custom !== undefined) return custom;
    }

    if (ArrayPrototypeIncludes(ctx.seen, value)) {
      if (ctx.circular === undefined) ctx.circular = [];
      let index = ArrayPrototypeIndexOf(ctx.circular, value);
      if (index === -1) {
        push(ctx.circular, value);
        index = ctx.circular.length;
      } else {
        index++;
      }
      return ctx.stylize('[Circular *' + index + ']', 'special');
    }
    return formatRaw(ctx, value, recurseTimes, typedArray);
  }

  // Node's hook for [util.inspect.custom](depth, options, inspect): its
  // result (unless it returned the value itself) replaces the formatting.
  function formatCustom(ctx, value, context, recurseTimes) {
    const maybeCustom = value[customInspectSymbol];
    if (typeof maybeCustom !== 'function' || maybeCustom === inspect) return undefined;
    const ctor = value.constructor;
    if (ctor && ctor.prototype === value) return undefined;
    const depth = ctx.depth - recurseTimes;
    const options = {
      stylize: ctx.stylize, showHidden: ctx.showHidden, depth: ctx.depth, colors: ctx.colors,
      customInspect: ctx.customInspect, showProxy: ctx.showProxy, maxArrayLength: ctx.maxArrayLength,
      maxStringLength: ctx.maxStringLength, breakLength: ctx.breakLength, compact: ctx.compact,
      sorted: ctx.sorted, getters: ctx.getters, numericSeparator: ctx.numericSeparator,
    };
    const ret = ReflectApply(maybeCustom, context, [depth, options, inspect]);
    if (ret === context) return undefined;
    if (typeof ret !== 'string') return formatValue(ctx, ret, recurseTimes);
    return replaceAllStr(ret, '\n', '\n' + StringPrototypeRepeat(' ', ctx.indentationLvl));
  }

  function formatProxy(ctx, proxy, target, recurseTimes) {
    if (recurseTimes > ctx.depth) return ctx.stylize('Proxy [Array]', 'special');
    recurseTimes += 1;
    ctx.indentationLvl += 2;
    const res = [formatValue(ctx, target, recurseTimes)];
    if (proxyHandlerOf !== undefined) {
      push(res, formatValue(ctx, proxyHandlerOf(proxy), recurseTimes));
    } else {
      push(res, ctx.stylize('<handler>', 'special'));
    }
    ctx.indentationLvl -= 2;
    return reduceToSingleString(ctx, res, '', ['Proxy [', ']'], kArrayExtrasType, recurseTimes);
  }

  // Approximates V8's internal GetConstructorName for null-prototype cases.
  function internalConstructorName(v) {
    if (constructorNameOf !== undefined) return constructorNameOf(v);
    const tag = typeTagOf(v);
    switch (tag) {
      case 'map': return 'Map';
      case 'set': return 'Set';
      case 'weakmap': return 'WeakMap';
      case 'weakset': return 'WeakSet';
      case 'date': return 'Date';
      case 'regexp': return 'RegExp';
      case 'error': return 'Error';
      case 'promise': return 'Promise';
      case 'arraybuffer': return 'ArrayBuffer';
      case 'sharedarraybuffer': return 'SharedArrayBuffer';
      case 'dataview': return 'DataView';
      case 'typedarray': return TypedArrayGetTag(v);
      case 'Number': case 'String': case 'Boolean': case 'BigInt': case 'Symbol': return tag;
      default: break;
    }
    // Like V8: walk the chain looking for a Symbol.toStringTag data property
    // or (above the receiver) a `constructor` function with a useful name.
    let o = v;
    let n = 0;
    while (o !== null && o !== undefined && n++ < 10000) {
      o = unwrapProxy(o);
      if (o === null) break;
      const t = ownDesc(o, SymbolToStringTag);
      if (t !== undefined && hasOwn(t, 'value') && typeof t.value === 'string') return t.value;
      if (o !== v) {
        const c = ownDesc(o, 'constructor');
        if (c !== undefined && hasOwn(c, 'value') && typeof c.value === 'function') {
          const name = fnName(c.value);
          if (name !== '' && name !== 'Object') return name;
        }
      }
      o = getProto(o);
    }
    if (ArrayIsArray(v)) return 'Array';
    if (typeof v === 'function') return 'Function';
    return 'Object';
  }

  function getConstructorName(obj, ctx, recurseTimes, protoProps) {
    let firstProto;
    const tmp = obj;
    let n = 0;
    while (obj !== null && obj !== undefined && n++ < 10000) {
      obj = unwrapProxy(obj);
      if (obj === null) break;
      const d = ownDesc(obj, 'constructor');
      if (d !== undefined && hasOwn(d, 'value') && typeof d.value === 'function') {
        const name = fnName(d.value);
        if (name !== '' && isInstanceof(tmp, d.value)) {
          if (protoProps !== undefined && (firstProto !== obj || builtInObjects[name] !== true)) {
            addPrototypeProperties(ctx, tmp, firstProto || tmp, recurseTimes, protoProps);
          }
          return name;
        }
      }
      obj = getProto(obj);
      if (firstProto === undefined) firstProto = obj;
    }
    if (firstProto === null) return null;
    const res = internalConstructorName(tmp);
    if (recurseTimes > ctx.depth) return res + ' <Complex prototype>';
    const protoConstr = getConstructorName(firstProto, ctx, recurseTimes + 1, protoProps);
    if (protoConstr === null) {
      const sub = makeCtx({ depth: -1 }, ctx);
      sub.depth = -1;
      return res + ' <' + formatValue(sub, firstProto, 0) + '>';
    }
    return res + ' <' + protoConstr + '>';
  }

  function addPrototypeProperties(ctx, main, obj, recurseTimes, output) {
    let depth = 0;
    let keys;
    let keySet;
    do {
      if (depth !== 0 || main === obj) {
        obj = getProto(obj);
        if (obj === null) return;
        const d = ownDesc(obj, 'constructor');
        if (d !== undefined && hasOwn(d, 'value') && typeof d.value === 'function' &&
            builtInObjects[fnName(d.value)] === true) {
          return;
        }
      }
      if (depth === 0) {
        keySet = [];
      } else {
        for (let i = 0; i < keys.length; i++) push(keySet, keys[i]);
      }
      keys = ReflectOwnKeys(obj);
      push(ctx.seen, main);
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i];
        if (key === 'constructor' || hasOwn(main, key) || (depth !== 0 && ArrayPrototypeIncludes(keySet, key))) {
          continue;
        }
        const desc = ownDesc(obj, key);
        if (desc === undefined || typeof desc.value === 'function') continue;
        const value = formatProperty(ctx, obj, recurseTimes, key, kObjectType, desc);
        push(output, ctx.colors ? '\u001b[2m' + value + '\u001b[22m' : value);
      }
      ArrayPrototypePop(ctx.seen);
    } while (++depth !== 3);
  }

  function getPrefix(constructor, tag, fallback, size) {
    if (size === undefined) size = '';
    if (constructor === null) {
      if (tag !== '' && fallback !== tag) return '[' + fallback + size + ': null prototype] [' + tag + '] ';
      return '[' + fallback + size + ': null prototype] ';
    }
    if (tag !== '' && constructor !== tag) return constructor + size + ' [' + tag + '] ';
    return constructor + size + ' ';
  }

  function isArrayIndexKey(key) {
    if (typeof key !== 'string' || key.length === 0 || key.length > 10) return false;
    const c0 = StringPrototypeCharCodeAt(key, 0);
    if (c0 === 48) return key.length === 1;
    for (let i = 0; i < key.length; i++) {
      const c = StringPrototypeCharCodeAt(key, i);
      if (c < 48 || c > 57) return false;
    }
    return NumberCtor(key) < 4294967295;
  }
  function isEnumerableOwn(o, key) {
    const d = ownDesc(o, key);
    return d !== undefined && d.enumerable === true;
  }
  function getKeys(value, showHidden) {
    let keys;
    const symbols = ObjectGetOwnPropertySymbols(value);
    if (showHidden) {
      keys = ObjectGetOwnPropertyNames(value);
      for (let i = 0; i < symbols.length; i++) push(keys, symbols[i]);
    } else {
      try {
        keys = ObjectKeys(value);
      } catch {
        keys = ObjectGetOwnPropertyNames(value);
      }
      for (let i = 0; i < symbols.length; i++) {
        if (isEnumerableOwn(value, symbols[i])) push(keys, symbols[i]);
      }
    }
    return keys;
  }
  // Enumerating the own keys of a huge array/typed array means creating a
  // string per index (seconds for 1e7 elements), so above this length only
  // symbol keys (and `length`) are considered unless the host provides
  // internals.ownNonIndexKeys(obj, includeNonEnumerable) (v8's
  // GetPropertyNames with IndexFilter::kSkipIndices, as Node uses).
  const kMaxKeyScanLength = 100000;
  function getOwnNonIndexProperties(value, showHidden, length) {
    if (ownNonIndexKeysOf !== undefined) {
      const r = ownNonIndexKeysOf(value, !!showHidden);
      if (ArrayIsArray(r)) return ArrayPrototypeSlice(r);
    }
    let names;
    if (length > kMaxKeyScanLength) {
      names = ArrayIsArray(value) ? ['length'] : [];
    } else {
      names = ObjectGetOwnPropertyNames(value);
    }
    const out = [];
    for (let i = 0; i < names.length; i++) {
      const k = names[i];
      if (isArrayIndexKey(k)) continue;
      if (showHidden || isEnumerableOwn(value, k)) push(out, k);
    }
    const symbols = ObjectGetOwnPropertySymbols(value);
    for (let i = 0; i < symbols.length; i++) {
      if (showHidden || isEnumerableOwn(value, symbols[i])) push(out, symbols[i]);
    }
    return out;
  }
  function getCtxStyle(value, constructor, tag) {
    let fallback = '';
    if (constructor === null) {
      fallback = internalConstructorName(value);
      if (fallback === tag) fallback = 'Object';
    }
    return getPrefix(constructor, tag, fallback);
  }
  // As Node: value[Symbol.toStringTag] is read with a real [[Get]] (a
  // getter runs); an own enumerable tag is shown as a property instead.
  function getTag(value, ctx) {
    const tag = value[SymbolToStringTag];
    if (typeof tag !== 'string') return '';
    if (tag !== '' && (ctx.showHidden ? hasOwn(value, SymbolToStringTag) :
      ObjectPrototypePropertyIsEnumerable(value, SymbolToStringTag))) {
      return '';
    }
    return tag;
  }
  function getIteratorBraces(type, tag) {
    if (tag !== type + ' Iterator') {
      if (tag !== '') tag += '] [';
      tag += type + ' Iterator';
    }
    return ['[' + tag + '] {', '}'];
  }

  // ------------------------------------------------------------ formatRaw
  function formatRaw(ctx, value, recurseTimes, typedArray) {
    let keys;
    let protoProps;
    let virtualValues;
    if (ctx.showHidden && recurseTimes <= ctx.depth) protoProps = [];
    const constructor = getConstructorName(value, ctx, recurseTimes, protoProps);
    if (protoProps !== undefined && protoProps.length === 0) protoProps = undefined;
    const tag = getTag(value, ctx);
    const typeTag = typeTagOf(value);
    let base = '';
    let formatter = formatEmpty;
    let formatterArg;
    let braces;
    let noIterator = true;
    let extrasType = kObjectType;

    if (constructor === null || hasProperty(value, SymbolIterator)) {
      noIterator = false;
      if (ArrayIsArray(value)) {
        const prefix = (constructor !== 'Array' || tag !== '') ?
          getPrefix(constructor, tag, 'Array', '(' + value.length + ')') : '';
        keys = getOwnNonIndexProperties(value, ctx.showHidden, value.length);
        braces = [prefix + '[', ']'];
        if (value.length === 0 && keys.length === 0 && protoProps === undefined) return braces[0] + ']';
        extrasType = kArrayExtrasType;
        formatter = formatArray;
      } else if (typeTag === 'set') {
        const size = SetSize(value);
        const prefix = getPrefix(constructor, tag, 'Set', '(' + size + ')');
        keys = getKeys(value, ctx.showHidden);
        formatter = formatSet;
        if (size === 0 && keys.length === 0 && protoProps === undefined) return prefix + '{}';
        braces = [prefix + '{', '}'];
      } else if (typeTag === 'map') {
        const size = MapSize(value);
        const prefix = getPrefix(constructor, tag, 'Map', '(' + size + ')');
        keys = getKeys(value, ctx.showHidden);
        formatter = formatMap;
        if (size === 0 && keys.length === 0 && protoProps === undefined) return prefix + '{}';
        braces = [prefix + '{', '}'];
      } else if (typeTag === 'typedarray') {
        const size = TypedArrayLength(value);
        keys = getOwnNonIndexProperties(value, ctx.showHidden, size);
        const fallback = constructor === null ? TypedArrayGetTag(value) : '';
        const prefix = getPrefix(constructor, tag, fallback, '(' + size + ')');
        braces = [prefix + '[', ']'];
        if (size === 0 && keys.length === 0 && !ctx.showHidden) return braces[0] + ']';
        formatter = formatTypedArray;
        formatterArg = size;
        extrasType = kArrayExtrasType;
      } else if (typeTag === 'mapiterator') {
        keys = getKeys(value, ctx.showHidden);
        braces = getIteratorBraces('Map', tag);
        formatter = formatIterator;
        formatterArg = braces;
      } else if (typeTag === 'setiterator') {
        keys = getKeys(value, ctx.showHidden);
        braces = getIteratorBraces('Set', tag);
        formatter = formatIterator;
        formatterArg = braces;
      } else {
        noIterator = true;
      }
    }
    if (noIterator) {
      keys = getKeys(value, ctx.showHidden);
      braces = ['{', '}'];
      if (typeof value === 'function') {
        base = getFunctionBase(value, constructor, tag, typeTag);
        if (keys.length === 0 && protoProps === undefined) return ctx.stylize(base, 'special');
      } else if (constructor === 'Object') {
        if (typeTag === 'arguments') {
          braces[0] = '[Arguments] {';
        } else if (tag !== '') {
          braces[0] = getPrefix(constructor, tag, 'Object') + '{';
        }
        if (keys.length === 0 && protoProps === undefined) return braces[0] + '}';
      } else if (typeTag === 'regexp') {
        base = regexpToString(value);
        const prefix = getPrefix(constructor, tag, 'RegExp');
        if (prefix !== 'RegExp ') base = prefix + base;
        if ((keys.length === 0 && protoProps === undefined) || recurseTimes > ctx.depth) {
          return ctx.stylize(base, 'regexp');
        }
      } else if (typeTag === 'date') {
        const t = DatePrototypeGetTime(value);
        base = NumberIsNaN(t) ? DatePrototypeToString(value) : DatePrototypeToISOString(value);
        const prefix = getPrefix(constructor, tag, 'Date');
        if (prefix !== 'Date ') base = prefix + base;
        if (keys.length === 0 && protoProps === undefined) return ctx.stylize(base, 'date');
      } else if (isError(value)) {
        base = formatError(value, constructor, tag, ctx, keys);
        if (keys.length === 0 && protoProps === undefined) return base;
      } else if (typeTag === 'arraybuffer' || typeTag === 'sharedarraybuffer') {
        const arrayType = typeTag === 'arraybuffer' ? 'ArrayBuffer' : 'SharedArrayBuffer';
        const prefix = getPrefix(constructor, tag, arrayType);
        const byteLength = typeTag === 'arraybuffer' ? ArrayBufferByteLength(value) : SharedArrayBufferByteLength(value);
        if (typedArray === undefined) {
          formatter = formatArrayBuffer;
        } else if (keys.length === 0 && protoProps === undefined) {
          return prefix + '{ byteLength: ' + formatNumber(ctx.stylize, byteLength, false) + ' }';
        }
        braces[0] = prefix + '{';
        ArrayPrototypeSplice(keys, 0, 0, 'byteLength');
        virtualValues = [byteLength];
      } else if (typeTag === 'dataview') {
        braces[0] = getPrefix(constructor, tag, 'DataView') + '{';
        ArrayPrototypeSplice(keys, 0, 0, 'byteLength', 'byteOffset', 'buffer');
        virtualValues = [DataViewByteLength(value), DataViewByteOffset(value), DataViewBuffer(value)];
      } else if (typeTag === 'promise') {
        braces[0] = getPrefix(constructor, tag, 'Promise') + '{';
        formatter = formatPromise;
      } else if (typeTag === 'weakset') {
        braces[0] = getPrefix(constructor, tag, 'WeakSet') + '{';
        formatter = ctx.showHidden ? formatWeakSet : formatWeakCollection;
      } else if (typeTag === 'weakmap') {
        braces[0] = getPrefix(constructor, tag, 'WeakMap') + '{';
        formatter = ctx.showHidden ? formatWeakMap : formatWeakCollection;
      } else if (typeTag === 'module') {
        braces[0] = getPrefix(constructor, tag, 'Module') + '{';
        formatter = formatNamespaceObject;
        formatterArg = keys;
      } else if (typeTag === 'Number' || typeTag === 'String' || typeTag === 'Boolean' ||
                 typeTag === 'BigInt' || typeTag === 'Symbol') {
        base = getBoxedBase(value, ctx, keys, constructor, tag, typeTag);
        if (keys.length === 0 && protoProps === undefined) return base;
      } else {
        if (keys.length === 0 && protoProps === undefined) {
          if (typeTag === 'external') return ctx.stylize('[External: <address>]', 'special');
          return getCtxStyle(value, constructor, tag) + '{}';
        }
        braces[0] = getCtxStyle(value, constructor, tag) + '{';
      }
    }

    if (recurseTimes > ctx.depth) {
      let constructorName = StringPrototypeSlice(getCtxStyle(value, constructor, tag), 0, -1);
      if (constructor !== null) constructorName = '[' + constructorName + ']';
      return ctx.stylize(constructorName, 'special');
    }
    recurseTimes += 1;
    push(ctx.seen, value);
    ctx.currentDepth = recurseTimes;
    const output = formatter(ctx, value, recurseTimes, formatterArg);
    for (let i = 0; i < keys.length; i++) {
      let desc;
      if (virtualValues !== undefined && i < virtualValues.length) {
        desc = { value: virtualValues[i], enumerable: true };
      }
      push(output, formatProperty(ctx, value, recurseTimes, keys[i], extrasType, desc));
    }
    if (protoProps !== undefined) {
      for (let i = 0; i < protoProps.length; i++) push(output, protoProps[i]);
    }
    if (ctx.circular !== undefined) {
      const index = ArrayPrototypeIndexOf(ctx.circular, value);
      if (index !== -1) {
        const reference = ctx.stylize('<ref *' + (index + 1) + '>', 'special');
        if (ctx.compact !== true) {
          base = base === '' ? reference : reference + ' ' + base;
        } else {
          braces[0] = reference + ' ' + braces[0];
        }
      }
    }
    ArrayPrototypePop(ctx.seen);

    if (ctx.sorted) {
      if (extrasType === kObjectType) {
        sortStrings(output);
      } else if (keys.length > 1) {
        const tail = ArrayPrototypeSlice(output, output.length - keys.length);
        sortStrings(tail);
        for (let i = 0; i < tail.length; i++) output[output.length - keys.length + i] = tail[i];
      }
    }
    return reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value);
  }
  // A user-supplied `sorted` comparator is not run (never run user code).
  function sortStrings(arr) { ArrayPrototypeSort(arr); }
  function formatEmpty() { return []; }

  function getBoxedBase(value, ctx, keys, constructor, tag, type) {
    const prim = unbox(value, type);
    if (type === 'String') ArrayPrototypeSplice(keys, 0, prim.length);
    let base = '[' + type;
    if (type !== constructor) {
      if (constructor === null) base += ' (null prototype)';
      else base += ' (' + constructor + ')';
    }
    base += ': ' + formatPrimitive(stylizeNoColor, prim, ctx) + ']';
    if (tag !== '' && tag !== constructor) base += ' [' + tag + ']';
    if (keys.length !== 0 || ctx.stylize === stylizeNoColor) return base;
    return ctx.stylize(base, StringPrototypeToLowerCase(type));
  }

  function getClassBase(value, constructor, tag) {
    const own = ownDesc(value, 'name');
    let name = own !== undefined && hasOwn(own, 'value') ? own.value : undefined;
    name = (name && (typeof name === 'string' ? name : safeToString(name))) || '(anonymous)';
    let base = 'class ' + name;
    if (constructor !== 'Function' && constructor !== null) base += ' [' + constructor + ']';
    if (tag !== '' && constructor !== tag) base += ' [' + tag + ']';
    if (constructor !== null) {
      const superName = safeGet(getProto(value), 'name');
      if (superName) base += ' extends ' + safeToString(superName);
    } else {
      base += ' extends [null prototype]';
    }
    return '[' + base + ']';
  }
  const classRegExp = /^(\s+[^(]*?)\s*{/;
  function stripComments(src) {
    // Removes // line comments (through the newline) and /* */ comments.
    let out = '';
    let i = 0;
    while (i < src.length) {
      if (src[i] === '/' && src[i + 1] === '/') {
        const j = StringPrototypeIndexOf(src, '\n', i);
        if (j === -1) { out += StringPrototypeSlice(src, i); break; }
        i = j + 1;
      } else if (src[i] === '/' && src[i + 1] === '*') {
        const j = StringPrototypeIndexOf(src, '*/', i + 2);
        if (j === -1) { out += StringPrototypeSlice(src, i); break; }
        i = j + 2;
      } else {
        out += src[i];
        i++;
      }
    }
    return out;
  }
  function getFunctionBase(value, constructor, tag, typeTag) {
    let stringified = '';
    try { stringified = FunctionPrototypeToString(value); } catch { /* ignore */ }
    if (StringPrototypeStartsWith(stringified, 'class') && StringPrototypeEndsWith(stringified, '}')) {
      const slice = StringPrototypeSlice(stringified, 5, -1);
      const bracketIndex = StringPrototypeIndexOf(slice, '{');
      if (bracketIndex !== -1 &&
          (!StringPrototypeIncludes(StringPrototypeSlice(slice, 0, bracketIndex), '(') ||
           RegExpPrototypeExec(classRegExp, stripComments(slice)) !== null)) {
        return getClassBase(value, constructor, tag);
      }
    }
    let type = 'Function';
    if (typeTag === 'generatorfunction' || typeTag === 'asyncgeneratorfunction') type = 'Generator' + type;
    if (typeTag === 'asyncfunction' || typeTag === 'asyncgeneratorfunction') type = 'Async' + type;
    let base = '[' + type;
    if (constructor === null) base += ' (null prototype)';
    const name = fnName(value);
    if (name === '') base += ' (anonymous)';
    else base += ': ' + name;
    base += ']';
    if (constructor !== type && constructor !== null) base += ' ' + constructor;
    if (tag !== '' && constructor !== tag) base += ' [' + tag + ']';
    return base;
  }

  // --------------------------------------------------------------- errors
  function getStackString(err, ctx) {
    if (ctx !== undefined && ctx.stackOverride !== undefined && ctx.stackOverride.err === err) {
      const s = ctx.stackOverride.stack;
      return s ? safeToString(s) : errorToString(err);
    }
    const stack = getRawStack(err);
    return stack ? safeToString(stack) : errorToString(err);
  }
  function getRawStack(err) {
    const d = lookupDesc(err, 'stack');
    if (d === undefined) return undefined;
    if (hasOwn(d, 'value')) return d.value;
    // V8 may expose `stack` as a native accessor; calling it is fine.
    if (typeof d.get === 'function' && isNativeFunction(d.get)) {
      try { return ReflectApply(d.get, err, []); } catch { return undefined; }
    }
    return undefined;
  }
  function identicalSequenceRange(a, b) {
    for (let i = 0; i < a.length - 3; i++) {
      const pos = ArrayPrototypeIndexOf(b, a[i]);
      if (pos !== -1) {
        const rest = b.length - pos;
        if (rest > 3) {
          let len = 1;
          const maxLen = MathMin(a.length - i, rest);
          while (maxLen > len && a[i + len] === b[pos + len]) len++;
          if (len > 3) return [len, i];
        }
      }
    }
    return [0, 0];
  }
  function getStackFrames(ctx, err, stack) {
    const frames = splitLines(stack);
    const cause = safeGet(err, 'cause');
    if (isObjectLike(cause) && isError(cause)) {
      const causeStack = getStackString(cause);
      const causeStackStart = StringPrototypeIndexOf(causeStack, '\n    at');
      if (causeStackStart !== -1) {
        const causeFrames = splitLines(StringPrototypeSlice(causeStack, causeStackStart + 1));
        const r = identicalSequenceRange(frames, causeFrames);
        const len = r[0];
        const offset = r[1];
        if (len > 0) {
          const skipped = len - 2;
          const msg = '    ... ' + skipped + ' lines matching cause stack trace ...';
          ArrayPrototypeSplice(frames, offset + 1, skipped, ctx.stylize(msg, 'undefined'));
        }
      }
    }
    return frames;
  }
  function improveStack(stack, constructor, name, tag) {
    let len = name.length;
    if (constructor === null ||
        (StringPrototypeEndsWith(name, 'Error') && StringPrototypeStartsWith(stack, name) &&
         (stack.length === len || stack[len] === ':' || stack[len] === '\n'))) {
      let fallback = 'Error';
      if (constructor === null) {
        const start = RegExpPrototypeExec(/^([A-Z][a-z_ A-Z0-9[\]()-]+)(?::|\n {4}at)/, stack) ||
          RegExpPrototypeExec(/^([a-z_A-Z0-9-]*Error)$/, stack);
        fallback = (start && start[1]) || '';
        len = fallback.length;
        fallback = fallback || 'Error';
      }
      const prefix = StringPrototypeSlice(getPrefix(constructor, tag, fallback), 0, -1);
      if (name !== prefix) {
        if (StringPrototypeIncludes(prefix, name)) {
          if (len === 0) stack = prefix + ': ' + stack;
          else stack = prefix + StringPrototypeSlice(stack, len);
        } else {
          stack = prefix + ' [' + name + ']' + StringPrototypeSlice(stack, len);
        }
      }
    }
    return stack;
  }
  function removeDuplicateErrorKeys(ctx, keys, err, stack) {
    if (!ctx.showHidden && keys.length !== 0) {
      const names = ['name', 'message', 'stack'];
      for (let i = 0; i < names.length; i++) {
        const index = ArrayPrototypeIndexOf(keys, names[i]);
        if (index !== -1) {
          if (names[i] === 'stack' && ctx.stackOverride !== undefined && ctx.stackOverride.err === err) {
            ArrayPrototypeSplice(keys, index, 1);
            continue;
          }
          const v = safeGet(err, names[i]);
          if (!isObjectLike(v) && StringPrototypeIncludes(stack, primitiveToString(v))) {
            ArrayPrototypeSplice(keys, index, 1);
          }
        }
      }
    }
  }
  function markNodeModules(ctx, line) {
    const marker = '/node_modules/';
    let pos = 0;
    let out = '';
    let idx;
    while ((idx = StringPrototypeIndexOf(line, marker, pos)) !== -1) {
      const nameStart = idx + marker.length;
      const nameEnd = StringPrototypeIndexOf(line, '/', nameStart + 1);
      if (nameEnd === -1) break;
      out += StringPrototypeSlice(line, pos, nameStart) + ctx.stylize(StringPrototypeSlice(line, nameStart, nameEnd), 'module');
      pos = nameEnd;
    }
    return pos === 0 ? line : out + StringPrototypeSlice(line, pos);
  }
  function formatError(err, constructor, tag, ctx, keys) {
    const rawName = safeGet(err, 'name');
    const name = rawName !== undefined && rawName !== null ? safeToString(rawName) : 'Error';
    let stack = getStackString(err, ctx);
    removeDuplicateErrorKeys(ctx, keys, err, stack);
    if (hasProperty(err, 'cause') && (keys.length === 0 || !ArrayPrototypeIncludes(keys, 'cause'))) {
      push(keys, 'cause');
    }
    const errors = safeGet(err, 'errors');
    if (ArrayIsArray(errors) && (keys.length === 0 || !ArrayPrototypeIncludes(keys, 'errors'))) {
      push(keys, 'errors');
    }
    stack = improveStack(stack, constructor, name, tag);
    const message = safeGet(err, 'message');
    let pos = -1;
    if (message && !isObjectLike(message)) {
      const m = primitiveToString(message);
      pos = StringPrototypeIndexOf(stack, m) || -1;
      if (pos !== -1) pos += m.length;
    }
    const stackStart = StringPrototypeIndexOf(stack, '\n    at', pos);
    if (stackStart === -1) {
      stack = '[' + stack + ']';
    } else {
      let newStack = StringPrototypeSlice(stack, 0, stackStart);
      const lines = getStackFrames(ctx, err, StringPrototypeSlice(stack, stackStart + 1));
      if (ctx.colors) {
        for (let i = 0; i < lines.length; i++) {
          let line = lines[i];
          if (RegExpPrototypeExec(/^ {4}at (?:[^/\\(]+ \(|)node:(.+):\d+:\d+\)?$/, line) !== null) {
            newStack += '\n' + ctx.stylize(line, 'undefined');
          } else {
            line = markNodeModules(ctx, line);
            newStack += '\n' + line;
          }
        }
      } else {
        newStack += '\n' + ArrayPrototypeJoin(lines, '\n');
      }
      stack = newStack;
    }
    if (ctx.indentationLvl !== 0) {
      stack = replaceAllStr(stack, '\n', '\n' + StringPrototypeRepeat(' ', ctx.indentationLvl));
    }
    return stack;
  }

  // ------------------------------------------------------------ formatters
  function remainingText(remaining) {
    return '... ' + remaining + ' more item' + (remaining > 1 ? 's' : '');
  }
  function formatArray(ctx, value, recurseTimes) {
    const valLen = value.length;
    const len = MathMin(MathMax(0, ctx.maxArrayLength), valLen);
    const remaining = valLen - len;
    const output = [];
    for (let i = 0; i < len; i++) {
      if (!hasOwn(value, i)) return formatSpecialArray(ctx, value, recurseTimes, len, output, i);
      push(output, formatProperty(ctx, value, recurseTimes, i, kArrayType));
    }
    if (remaining > 0) push(output, remainingText(remaining));
    return output;
  }
  function formatSpecialArray(ctx, value, recurseTimes, maxLength, output, i) {
    const keys = ObjectKeys(value);
    let index = i;
    for (; i < keys.length && output.length < maxLength; i++) {
      const key = keys[i];
      const tmp = NumberCtor(key);
      if (tmp > 2 ** 32 - 2) break;
      if ('' + index !== key) {
        if (!isArrayIndexKey(key)) break;
        const emptyItems = tmp - index;
        push(output, ctx.stylize('<' + emptyItems + ' empty item' + (emptyItems > 1 ? 's' : '') + '>', 'undefined'));
        index = tmp;
        if (output.length === maxLength) break;
      }
      push(output, formatProperty(ctx, value, recurseTimes, key, kArrayType));
      index++;
    }
    const remaining = value.length - index;
    if (output.length !== maxLength) {
      if (remaining > 0) {
        push(output, ctx.stylize('<' + remaining + ' empty item' + (remaining > 1 ? 's' : '') + '>', 'undefined'));
      }
    } else if (remaining > 0) {
      push(output, remainingText(remaining));
    }
    return output;
  }
  function hexByte(b) {
    const h = '0123456789abcdef';
    return h[b >> 4] + h[b & 15];
  }
  function formatArrayBuffer(ctx, value) {
    let buffer;
    try {
      buffer = new Uint8ArrayCtor(value);
    } catch {
      return [ctx.stylize('(detached)', 'special')];
    }
    const blen = TypedArrayLength(buffer);
    const n = MathMin(ctx.maxArrayLength, blen);
    let str = '';
    for (let i = 0; i < n; i++) str += (i === 0 ? '' : ' ') + hexByte(buffer[i]);
    const remaining = blen - ctx.maxArrayLength;
    if (remaining > 0) str += ' ... ' + remaining + ' more byte' + (remaining > 1 ? 's' : '');
    return [ctx.stylize('[Uint8Contents]', 'special') + ': <' + str + '>'];
  }
  function formatTypedArray(ctx, value, recurseTimes, length) {
    const maxLength = MathMin(MathMax(0, ctx.maxArrayLength), length);
    const remaining = length - maxLength;
    const output = [];
    const isNum = length > 0 && typeof value[0] === 'number';
    for (let i = 0; i < maxLength; ++i) {
      push(output, isNum ? formatNumber(ctx.stylize, value[i], ctx.numericSeparator) :
        formatBigInt(ctx.stylize, value[i], ctx.numericSeparator));
    }
    if (remaining > 0) push(output, remainingText(remaining));
    if (ctx.showHidden) {
      ctx.indentationLvl += 2;
      const extra = [['BYTES_PER_ELEMENT', safeGet(value, 'BYTES_PER_ELEMENT')], ['length', length],
        ['byteLength', TypedArrayByteLength(value)], ['byteOffset', TypedArrayByteOffset(value)],
        ['buffer', TypedArrayBuffer(value)]];
      for (let i = 0; i < extra.length; i++) {
        push(output, '[' + extra[i][0] + ']: ' + formatValue(ctx, extra[i][1], recurseTimes, true));
      }
      ctx.indentationLvl -= 2;
    }
    return output;
  }
  function formatSet(ctx, value, recurseTimes) {
    const length = SetSize(value);
    const maxLength = MathMin(MathMax(0, ctx.maxArrayLength), length);
    const remaining = length - maxLength;
    const output = [];
    ctx.indentationLvl += 2;
    const it = SetPrototypeValues(value);
    let i = 0;
    while (i < maxLength) {
      const r = SetIteratorNext(it);
      if (r.done) break;
      push(output, formatValue(ctx, r.value, recurseTimes));
      i++;
    }
    if (remaining > 0) push(output, remainingText(remaining));
    ctx.indentationLvl -= 2;
    return output;
  }
  function formatMap(ctx, value, recurseTimes) {
    const length = MapSize(value);
    const maxLength = MathMin(MathMax(0, ctx.maxArrayLength), length);
    const remaining = length - maxLength;
    const output = [];
    ctx.indentationLvl += 2;
    const it = MapPrototypeEntries(value);
    let i = 0;
    while (i < maxLength) {
      const r = MapIteratorNext(it);
      if (r.done) break;
      const entry = r.value;
      push(output, formatValue(ctx, entry[0], recurseTimes) + ' => ' + formatValue(ctx, entry[1], recurseTimes));
      i++;
    }
    if (remaining > 0) push(output, remainingText(remaining));
    ctx.indentationLvl -= 2;
    return output;
  }
  function formatSetIterInner(ctx, recurseTimes, entries, weak) {
    const maxArrayLength = MathMax(ctx.maxArrayLength, 0);
    const maxLength = MathMin(maxArrayLength, entries.length);
    const output = [];
    ctx.indentationLvl += 2;
    for (let i = 0; i < maxLength; i++) push(output, formatValue(ctx, entries[i], recurseTimes));
    ctx.indentationLvl -= 2;
    if (weak && !ctx.sorted) ArrayPrototypeSort(output);
    const remaining = entries.length - maxLength;
    if (remaining > 0) push(output, remainingText(remaining));
    return output;
  }
  function formatMapIterInner(ctx, recurseTimes, entries, weak) {
    const maxArrayLength = MathMax(ctx.maxArrayLength, 0);
    const len = entries.length / 2;
    const remaining = len - maxArrayLength;
    const maxLength = MathMin(maxArrayLength, len);
    const output = [];
    ctx.indentationLvl += 2;
    if (weak) {
      for (let i = 0; i < maxLength; i++) {
        const pos = i * 2;
        push(output, formatValue(ctx, entries[pos], recurseTimes) + ' => ' +
          formatValue(ctx, entries[pos + 1], recurseTimes));
      }
      if (!ctx.sorted) ArrayPrototypeSort(output);
    } else {
      for (let i = 0; i < maxLength; i++) {
        const pos = i * 2;
        const res = [formatValue(ctx, entries[pos], recurseTimes), formatValue(ctx, entries[pos + 1], recurseTimes)];
        push(output, reduceToSingleString(ctx, res, '', ['[', ']'], kArrayExtrasType, recurseTimes));
      }
    }
    ctx.indentationLvl -= 2;
    if (remaining > 0) push(output, remainingText(remaining));
    return output;
  }
  function formatWeakCollection(ctx) {
    return [ctx.stylize('<items unknown>', 'special')];
  }
  function previewOf(value) {
    const r = previewEntriesOf(value);
    if (r === undefined || r === null) return [[], false];
    return r;
  }
  function formatWeakSet(ctx, value, recurseTimes) {
    return formatSetIterInner(ctx, recurseTimes, previewOf(value)[0], true);
  }
  function formatWeakMap(ctx, value, recurseTimes) {
    return formatMapIterInner(ctx, recurseTimes, previewOf(value)[0], true);
  }
  function formatIterator(ctx, value, recurseTimes, braces) {
    const r = previewOf(value);
    const entries = r[0];
    if (r[1]) {
      const suffix = ' Iterator] {';
      if (StringPrototypeEndsWith(braces[0], suffix)) {
        braces[0] = StringPrototypeSlice(braces[0], 0, braces[0].length - suffix.length) + ' Entries] {';
      }
      return formatMapIterInner(ctx, recurseTimes, entries, false);
    }
    return formatSetIterInner(ctx, recurseTimes, entries, false);
  }
  function formatPromise(ctx, value, recurseTimes) {
    const r = promiseStateOf(value);
    const state = r[0];
    if (state === 0) return [ctx.stylize('<pending>', 'special')];
    ctx.indentationLvl += 2;
    const str = formatValue(ctx, r[1], recurseTimes);
    ctx.indentationLvl -= 2;
    return [state === 2 ? ctx.stylize('<rejected>', 'special') + ' ' + str : str];
  }
  function formatNamespaceObject(ctx, value, recurseTimes, keys) {
    const output = [];
    for (let i = 0; i < keys.length; i++) {
      let d;
      try {
        d = ObjectGetOwnPropertyDescriptor(value, keys[i]);
      } catch {
        d = undefined;
      }
      if (d === undefined) {
        const key = keys[i];
        const name = typeof key === 'symbol' ? '[' + ctx.stylize(SymbolPrototypeToString(key), 'symbol') + ']' :
          (RegExpPrototypeExec(keyStrRegExp, key) !== null ? ctx.stylize(key, 'name') : ctx.stylize(strEscape(key), 'string'));
        push(output, name + ': ' + ctx.stylize('<uninitialized>', 'special'));
      } else {
        push(output, formatProperty(ctx, value, recurseTimes, keys[i], kObjectType, d));
      }
    }
    keys.length = 0;
    return output;
  }

  const keyStrRegExp = /^[a-zA-Z_][a-zA-Z_0-9]*$/;
  function formatProperty(ctx, value, recurseTimes, key, type, desc) {
    let name, str;
    const extra = ' ';
    if (desc === undefined) desc = ownDesc(value, key);
    if (desc === undefined) desc = { value: safeGet(value, key), enumerable: true };
    const isAccessor = !hasOwn(desc, 'value') && (hasOwn(desc, 'get') || hasOwn(desc, 'set'));
    if (!isAccessor && desc.value !== undefined) {
      ctx.indentationLvl += 2;
      str = formatValue(ctx, desc.value, recurseTimes);
      ctx.indentationLvl -= 2;
    } else if (isAccessor && desc.get !== undefined) {
      // Getters are never invoked (the REPL uses getters: false anyway).
      str = ctx.stylize(desc.set !== undefined ? '[Getter/Setter]' : '[Getter]', 'special');
    } else if (isAccessor && desc.set !== undefined) {
      str = ctx.stylize('[Setter]', 'special');
    } else {
      str = ctx.stylize('undefined', 'undefined');
    }
    if (type === kArrayType) return str;
    if (typeof key === 'symbol') {
      name = '[' + ctx.stylize(escapeBody(SymbolPrototypeToString(key), 39), 'symbol') + ']';
    } else if (key === '__proto__') {
      name = "['__proto__']";
    } else if (desc.enumerable === false) {
      name = '[' + escapeBody(key, 39) + ']';
    } else if (RegExpPrototypeExec(keyStrRegExp, key) !== null) {
      name = ctx.stylize(key, 'name');
    } else {
      name = ctx.stylize(strEscape(key), 'string');
    }
    return name + ':' + extra + str;
  }

  // ------------------------------------------------------------ layout
  function groupArrayElements(ctx, output, value) {
    let totalLength = 0;
    let maxLength = 0;
    let i = 0;
    let outputLength = output.length;
    if (ctx.maxArrayLength < output.length) outputLength--;
    const separatorSpace = 2;
    const dataLen = [];
    for (; i < outputLength; i++) {
      const len = getStringWidth(output[i], ctx.colors);
      dataLen[i] = len;
      totalLength += len + separatorSpace;
      if (maxLength < len) maxLength = len;
    }
    const actualMax = maxLength + separatorSpace;
    if (actualMax * 3 + ctx.indentationLvl < ctx.breakLength &&
        (totalLength / actualMax > 5 || maxLength <= 6)) {
      const approxCharHeights = 2.5;
      const averageBias = MathSqrt(actualMax - totalLength / output.length);
      const biasedMax = MathMax(actualMax - 3 - averageBias, 1);
      const columns = MathMin(
        MathRound(MathSqrt(approxCharHeights * biasedMax * outputLength) / biasedMax),
        MathFloor((ctx.breakLength - ctx.indentationLvl) / actualMax),
        ctx.compact * 4,
        15);
      if (columns <= 1) return output;
      const tmp = [];
      const maxLineLength = [];
      for (let c = 0; c < columns; c++) {
        let lineLength = 0;
        for (let j = c; j < output.length; j += columns) {
          if (dataLen[j] > lineLength) lineLength = dataLen[j];
        }
        push(maxLineLength, lineLength + separatorSpace);
      }
      let padStart = true;
      if (value !== undefined) {
        for (let k = 0; k < output.length; k++) {
          const d = ownDesc(value, k);
          let v;
          if (d !== undefined) v = hasOwn(d, 'value') ? d.value : undefined;
          else if (!ArrayIsArray(value) && typeTagOf(value) === 'typedarray') v = undefined;
          else v = safeGet(value, k);
          if (typeof v !== 'number' && typeof v !== 'bigint') { padStart = false; break; }
        }
      }
      for (let r = 0; r < outputLength; r += columns) {
        const max = MathMin(r + columns, outputLength);
        let str = '';
        let j = r;
        for (; j < max - 1; j++) {
          const padding = maxLineLength[j - r] + output[j].length - dataLen[j];
          str += padStart ? StringPrototypePadStart(output[j] + ', ', padding, ' ') :
            StringPrototypePadEnd(output[j] + ', ', padding, ' ');
        }
        if (padStart) {
          const padding = maxLineLength[j - r] + output[j].length - dataLen[j] - separatorSpace;
          str += StringPrototypePadStart(output[j], padding, ' ');
        } else {
          str += output[j];
        }
        push(tmp, str);
      }
      if (ctx.maxArrayLength < output.length) push(tmp, output[outputLength]);
      output = tmp;
    }
    return output;
  }
  function isBelowBreakLength(ctx, output, start, base) {
    let totalLength = output.length + start;
    if (totalLength + output.length > ctx.breakLength) return false;
    for (let i = 0; i < output.length; i++) {
      totalLength += ctx.colors ? removeColors(output[i]).length : output[i].length;
      if (totalLength > ctx.breakLength) return false;
    }
    return base === '' || !StringPrototypeIncludes(base, '\n');
  }
  function reduceToSingleString(ctx, output, base, braces, extrasType, recurseTimes, value) {
    if (ctx.compact !== true) {
      if (typeof ctx.compact === 'number' && ctx.compact >= 1) {
        const entries = output.length;
        if (extrasType === kArrayExtrasType && entries > 6) output = groupArrayElements(ctx, output, value);
        if (ctx.currentDepth - recurseTimes < ctx.compact && entries === output.length) {
          const start = output.length + ctx.indentationLvl + braces[0].length + base.length + 10;
          if (isBelowBreakLength(ctx, output, start, base)) {
            const joined = ArrayPrototypeJoin(output, ', ');
            if (!StringPrototypeIncludes(joined, '\n')) {
              return (base ? base + ' ' : '') + braces[0] + ' ' + joined + ' ' + braces[1];
            }
          }
        }
      }
      const indentation = '\n' + StringPrototypeRepeat(' ', ctx.indentationLvl);
      return (base ? base + ' ' : '') + braces[0] + indentation + '  ' +
        ArrayPrototypeJoin(output, ',' + indentation + '  ') + indentation + braces[1];
    }
    if (isBelowBreakLength(ctx, output, 0, base)) {
      return braces[0] + (base ? ' ' + base : '') + ' ' + ArrayPrototypeJoin(output, ', ') + ' ' + braces[1];
    }
    const indentation = StringPrototypeRepeat(' ', ctx.indentationLvl);
    const ln = base === '' && braces[0].length === 1 ? ' ' : (base ? ' ' + base : '') + '\n' + indentation + '  ';
    return braces[0] + ln + ArrayPrototypeJoin(output, ',\n' + indentation + '  ') + ' ' + braces[1];
  }

  // ------------------------------------------------------------ util.format
  function safeToNumber(v) {
    if (!isObjectLike(v)) return NumberCtor(v);
    const t = unwrapProxy(v);
    if (t === null) return NaN;
    const tag = typeTagOf(t);
    if (tag === 'date') return DatePrototypeGetTime(t);
    if (tag === 'Number' || tag === 'String' || tag === 'Boolean') return NumberCtor(unbox(t, tag));
    if (tag === 'BigInt' || tag === 'Symbol') return NaN;
    return NumberCtor(safeToString(t));
  }
  // JSON.stringify without invoking toJSON/getters/proxies (built-in Date
  // toJSON is emulated).
  function safeJSON(value) {
    const stack = [];
    function ser(v, holderIsArray) {
      if (v === null) return 'null';
      if (typeof v === 'string' || typeof v === 'boolean') return JSONStringify(v);
      if (typeof v === 'number') return (v - v === 0) ? JSONStringify(v) : 'null';
      if (typeof v === 'bigint') throw new TypeError('Do not know how to serialize a BigInt');
      if (typeof v === 'undefined' || typeof v === 'function' || typeof v === 'symbol') {
        return holderIsArray ? 'null' : undefined;
      }
      const o = unwrapProxy(v);
      if (o === null) return '{}';
      if (typeof o === 'function') return holderIsArray ? 'null' : undefined;
      const tag = typeTagOf(o);
      if (tag === 'date') {
        const t = DatePrototypeGetTime(o);
        return NumberIsNaN(t) ? 'null' : JSONStringify(DatePrototypeToISOString(o));
      }
      if (tag === 'Number' || tag === 'String' || tag === 'Boolean') return ser(unbox(o, tag), holderIsArray);
      if (tag === 'BigInt') throw new TypeError('Do not know how to serialize a BigInt');
      if (ArrayPrototypeIncludes(stack, o)) throw new TypeError('Converting circular structure to JSON');
      push(stack, o);
      let out;
      if (ArrayIsArray(o)) {
        out = '[';
        for (let i = 0; i < o.length; i++) {
          if (i > 0) out += ',';
          out += ser(safeGet(o, i), true);
        }
        out += ']';
      } else {
        const keys = ObjectKeys(o);
        out = '{';
        let first = true;
        for (let i = 0; i < keys.length; i++) {
          const s = ser(safeGet(o, keys[i]), false);
          if (s === undefined) continue;
          if (!first) out += ',';
          first = false;
          out += JSONStringify(keys[i]) + ':' + s;
        }
        out += '}';
      }
      ArrayPrototypePop(stack);
      return out;
    }
    try {
      return ser(value, false);
    } catch (e) {
      if (stack.length !== 0 && e !== null && typeof e === 'object' &&
          StringPrototypeStartsWith(safeToString(safeGet(e, 'message')), 'Converting circular')) {
        return '[Circular]';
      }
      throw e;
    }
  }
  function formatLog(args, options) {
    const baseOpts = makeCtx({ showProxy: false });
    const opts = makeCtx(options, baseOpts);
    const inspectOpt = (extra) => {
      const c = makeCtx(extra, opts);
      return c;
    };
    const first = args[0];
    let a = 0;
    let str = '';
    let join = '';
    if (typeof first === 'string') {
      if (args.length === 1) return first;
      let tempStr;
      let lastPos = 0;
      for (let i = 0; i < first.length - 1; i++) {
        if (StringPrototypeCharCodeAt(first, i) === 37) {
          const nextChar = StringPrototypeCharCodeAt(first, ++i);
          if (a + 1 !== args.length) {
            switch (nextChar) {
              case 115: { // s
                const arg = args[++a];
                if (typeof arg === 'number') tempStr = formatNumber(stylizeNoColor, arg, opts.numericSeparator);
                else if (typeof arg === 'bigint') tempStr = formatBigInt(stylizeNoColor, arg, opts.numericSeparator);
                else if (typeof arg !== 'object' || arg === null) {
                  tempStr = typeof arg === 'function' ? safeToString(arg) : primitiveToString(arg);
                } else {
                  // Node calls a user-defined toString here; we never run user code.
                  tempStr = formatValue(inspectOpt({ depth: 0, colors: false, compact: 3 }), arg, 0);
                }
                break;
              }
              case 106: // j
                tempStr = safeJSON(args[++a]);
                break;
              case 100: { // d
                const n = args[++a];
                if (typeof n === 'bigint') tempStr = formatBigInt(stylizeNoColor, n, opts.numericSeparator);
                else if (typeof n === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(stylizeNoColor, safeToNumber(n), opts.numericSeparator);
                break;
              }
              case 79: // O
                tempStr = formatValue(inspectOpt(undefined), args[++a], 0);
                break;
              case 111: // o
                tempStr = formatValue(inspectOpt({ showHidden: true, showProxy: true, depth: 4 }), args[++a], 0);
                break;
              case 105: { // i
                const n = args[++a];
                if (typeof n === 'bigint') tempStr = formatBigInt(stylizeNoColor, n, opts.numericSeparator);
                else if (typeof n === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(stylizeNoColor, NumberParseInt(safeToString(n)), opts.numericSeparator);
                break;
              }
              case 102: { // f
                const n = args[++a];
                if (typeof n === 'symbol') tempStr = 'NaN';
                else tempStr = formatNumber(stylizeNoColor, NumberParseFloat(safeToString(n)), opts.numericSeparator);
                break;
              }
              case 99: // c
                a += 1;
                tempStr = '';
                break;
              case 37: // %
                str += StringPrototypeSlice(first, lastPos, i);
                lastPos = i + 1;
                continue;
              default:
                continue;
            }
            if (lastPos !== i - 1) str += StringPrototypeSlice(first, lastPos, i - 1);
            str += tempStr;
            lastPos = i + 1;
          } else if (nextChar === 37) {
            str += StringPrototypeSlice(first, lastPos, i);
            lastPos = i + 1;
          }
        }
      }
      if (lastPos !== 0) {
        a++;
        join = ' ';
        if (lastPos < first.length) str += StringPrototypeSlice(first, lastPos);
      }
    }
    while (a < args.length) {
      const value = args[a];
      str += join;
      str += typeof value !== 'string' ? formatValue(inspectOpt(undefined), value, 0) : value;
      join = ' ';
      a++;
    }
    return str;
  }

  // ------------------------------------------------------------ REPL errors
  // Frames without a function name look like "    at REPL3:1:5" (no
  // parens), or "    at Timeout.<anonymous> (REPL3:1:5)" when called as a
  // method (Node's REPL asks V8's CallSite.getFunctionName(): null for both).
  function isAnonymousFrame(line) {
    const t = StringPrototypeTrim(line);
    if (!StringPrototypeStartsWith(t, 'at ')) return false;
    if (!StringPrototypeEndsWith(line, ')')) return true;
    const paren = StringPrototypeIndexOf(t, ' (');
    const name = paren === -1 ? '' : StringPrototypeSlice(t, 3, paren);
    return StringPrototypeEndsWith(name, '.<anonymous>') && !StringPrototypeStartsWith(name, 'new ') &&
      !StringPrototypeStartsWith(name, 'async ');
  }
  function isFrameLine(line) {
    return RegExpPrototypeExec(/^\s+at\s/, line) !== null;
  }
  // Emulates the REPL's stack trimming: drop the last frame without a
  // function name (the top-level REPL frame) and everything below it, and
  // drop the host's prelude frames.
  function trimReplStack(stack) {
    const lines = splitLines(stack);
    let firstFrame = -1;
    for (let i = 0; i < lines.length; i++) {
      if (isFrameLine(lines[i])) { firstFrame = i; break; }
    }
    if (firstFrame === -1) return stack;
    let cut = -1;
    let lastFrame = -1;
    for (let i = lines.length - 1; i >= firstFrame; i--) {
      if (!isFrameLine(lines[i])) continue;
      if (lastFrame === -1) lastFrame = i;
      if (isAnonymousFrame(lines[i])) { cut = i; break; }
    }
    // Node slices the frames up to that frame's index, and when there is
    // none (findLastIndex gives -1) that drops the last frame: a trace
    // whose top-level frame fell past Error.stackTraceLimit (a deep or
    // runaway recursion) shows one frame fewer.
    if (cut === -1) cut = lastFrame;
    const out = [];
    const end = cut === -1 ? lines.length : cut;
    for (let i = 0; i < end; i++) {
      if (i >= firstFrame && isFrameLine(lines[i]) && StringPrototypeIncludes(lines[i], 'kenshell:prelude')) continue;
      push(out, lines[i]);
    }
    return ArrayPrototypeJoin(out, '\n');
  }
  function stripAllFrames(stack) {
    const lines = splitKeepNewlines(stack);
    let out = '';
    for (let i = 0; i < lines.length; i++) {
      if (RegExpPrototypeExec(/^\s+at\s/, lines[i]) !== null) continue;
      out += lines[i];
    }
    return out;
  }
  function stripReplHeader(stack) {
    const m = RegExpPrototypeExec(/^REPL\d+:\d+\r?\n/, stack);
    return m === null ? stack : StringPrototypeSlice(stack, m[0].length);
  }
  function uncaughtText(e, stackOverride, hasOverride, options) {
    const ctx = makeCtx(options);
    let errStack = '';
    if (isObjectLike(e) && isError(unwrapProxy(e) || e) && !isProxy(e)) {
      let stack = hasOverride ? stackOverride : getRawStack(e);
      if (stack) {
        const name = safeGet(e, 'name');
        stack = safeToString(stack);
        if (name === 'SyntaxError') {
          stack = stripAllFrames(stripReplHeader(stack));
        } else {
          stack = trimReplStack(stack);
        }
        ctx.stackOverride = { err: e, stack };
      }
      errStack = formatValue(ctx, e, 0);
      if (errStack[0] === '[' && errStack[errStack.length - 1] === ']') {
        errStack = StringPrototypeSlice(errStack, 1, -1);
      }
    }
    if (errStack === '') errStack = formatValue(makeCtx(options), e, 0);
    const lines = splitKeepNewlines(errStack);
    let matched = false;
    let out = '';
    const errRe = /^\[?([A-Z][a-z0-9_]*)*Error/;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!matched && RegExpPrototypeExec(errRe, line) !== null) {
        out += ctx.breakLength >= line.length ? 'Uncaught ' + line : 'Uncaught:\n' + line;
        matched = true;
      } else {
        out += line;
      }
    }
    if (!matched) out = 'Uncaught' + (lines.length === 1 ? ' ' : ':\n') + errStack;
    if (StringPrototypeEndsWith(out, '\n')) out = StringPrototypeSlice(out, 0, -1);
    return out;
  }
  function formatUncaught(err, options) {
    return uncaughtText(err, undefined, false, options);
  }
  // The stack Node's REPL leaves on an uncaught error (its stack trace
  // override keeps only the frames it prints), or undefined to leave it.
  function replStack(err) {
    if (!isObjectLike(err) || isProxy(err) || typeTagOf(err) !== 'error') return undefined;
    const d = ownDesc(err, 'stack');
    if (d === undefined || !hasOwn(d, 'value') || typeof d.value !== 'string') return undefined;
    const stack = safeGet(err, 'name') === 'SyntaxError' ? stripAllFrames(stripReplHeader(d.value)) : trimReplStack(d.value);
    return stack === d.value ? undefined : stack;
  }
  // Mirrors node's decorated syntax-error output: the offending source line,
  // a caret line (tabs kept, '^' from startColumn to endColumn), an empty
  // line, then "Uncaught SyntaxError: ...".
  function formatSyntaxError(err, sourceLine, startColumn, endColumn, options) {
    const src = sourceLine === undefined || sourceLine === null ? '' : primitiveToString(sourceLine);
    const start = startColumn | 0;
    const end = endColumn | 0;
    let arrow = src + '\n';
    if (!(start > end || start < 0 || end > src.length)) {
      let underline = '';
      for (let i = 0; i < start && i < src.length; i++) underline += src[i] === '\t' ? '\t' : ' ';
      for (let i = start; i < end && i < src.length; i++) underline += '^';
      arrow += underline + '\n';
    }
    let stack = isObjectLike(err) ? getRawStack(err) : undefined;
    stack = stack ? stripAllFrames(stripReplHeader(safeToString(stack))) : (isObjectLike(err) ? errorToString(err) : '');
    if (StringPrototypeEndsWith(stack, '\n')) stack = StringPrototypeSlice(stack, 0, -1);
    return uncaughtText(err, arrow + '\n' + stack, true, options);
  }

  return { inspect, formatUncaught, formatSyntaxError, formatLog, getStringWidth, replStack, markModuleNamespace, markPlainObject };
}
