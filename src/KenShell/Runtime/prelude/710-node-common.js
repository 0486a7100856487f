// ------------------------------------------- Node's built-in modules: shared
// Helpers for the sections 711-759 (Node's built-in modules) and 760-789
// (the web-platform globals). Several of those modules are vendored npm
// packages (section 705, loaded with requireVendored on the module's first
// require); the rest is written here, with captured built-ins only.
const ObjectKeysOf = Object.keys;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const ObjectAssignTo = Object.assign;
const ObjectIsSame = Object.is;
const SymbolCtor = Symbol;
const SymbolFor = Symbol.for;
const SymbolIterator = Symbol.iterator;
const SymbolAsyncIterator = Symbol.asyncIterator;
const SymbolToStringTagKey = Symbol.toStringTag;
const Uint8ArrayCtor = Uint8Array;
const Uint16ArrayCtor = Uint16Array;
const Int32ArrayCtor = Int32Array;
const Uint32ArrayCtor = Uint32Array;
const ArrayBufferCtor = ArrayBuffer;
const ArrayBufferIsView = ArrayBuffer.isView;
const ArrayBufferPrototypeSlice = uncurry(ArrayBuffer.prototype.slice);
const ArrayBufferPrototypeGetByteLength = uncurry(ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength').get);
const TypedArrayPrototype = ObjectGetPrototypeOf(Uint8Array.prototype);
const TypedArrayPrototypeGetBuffer = uncurry(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'buffer').get);
const TypedArrayPrototypeGetByteOffset = uncurry(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteOffset').get);
const TypedArrayPrototypeGetByteLength = uncurry(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'byteLength').get);
const TypedArrayPrototypeGetLength = uncurry(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, 'length').get);
const TypedArrayPrototypeGetSymbolToStringTag = uncurry(ObjectGetOwnPropertyDescriptor(TypedArrayPrototype, SymbolToStringTag).get);
const TypedArrayPrototypeSet = uncurry(TypedArrayPrototype.set);
const TypedArrayPrototypeSubarray = uncurry(TypedArrayPrototype.subarray);
const TypedArrayPrototypeSlice = uncurry(TypedArrayPrototype.slice);
const DataViewPrototypeGetBuffer = uncurry(ObjectGetOwnPropertyDescriptor(DataView.prototype, 'buffer').get);
const DataViewPrototypeGetByteOffset = uncurry(ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteOffset').get);
const DataViewPrototypeGetByteLength = uncurry(ObjectGetOwnPropertyDescriptor(DataView.prototype, 'byteLength').get);
const StringPrototypeStartsWith = uncurry(String.prototype.startsWith);
const StringPrototypeIncludes = uncurry(String.prototype.includes);
const StringPrototypeCodePointAt = uncurry(String.prototype.codePointAt);
const StringPrototypeToLowerCase = uncurry(String.prototype.toLowerCase);
const StringPrototypeToUpperCase = uncurry(String.prototype.toUpperCase);
const StringPrototypeTrim = uncurry(String.prototype.trim);
const StringPrototypeReplace = uncurry(String.prototype.replace);
const StringPrototypePadStart = uncurry(String.prototype.padStart);
const RegExpPrototypeExec = uncurry(RegExp.prototype.exec);
const RegExpPrototypeTest = uncurry(RegExp.prototype.test);
const ArrayPrototypeSlice = uncurry(Array.prototype.slice);
const ArrayPrototypeIndexOf = uncurry(Array.prototype.indexOf);
const ArrayPrototypeSplice = uncurry(Array.prototype.splice);
const NumberIsNaN = Number.isNaN;
const NumberIsFinite = Number.isFinite;
const NumberIsSafeInteger = Number.isSafeInteger;
const MathMin = Math.min;
const MathMaxOf = Math.max;
const MathTrunc = Math.trunc;
const RangeErrorClass = RangeError;
const ErrorClass = Error;
const SyntaxErrorClass = SyntaxError;
const EncodeURIComponent = encodeURIComponent;
const DecodeURIComponent = decodeURIComponent;
const ObjectFromEntries = Object.fromEntries;
const PromiseReject = (reason) => ReflectApply(Promise.reject, PromiseCtor, [reason]);

// Node's coded errors ("TypeError [ERR_X]: message", with an own `code`).
function nodeError(Ctor, code, message) {
  const err = new Ctor(message);
  ObjectDefineProperty(err, 'name', { __proto__: null, value: `${Ctor.name} [${code}]`, configurable: true, writable: true });
  err.stack; // eslint-disable-line no-unused-expressions -- formats the stack now, with that name
  delete err.name;
  ObjectDefineProperty(err, 'code', { __proto__: null, value: code, writable: true, enumerable: true, configurable: true });
  return err;
}

// A global that Node defines lazily (an accessor whose getter loads the
// module on first use, whose setter makes it an ordinary property): the
// module behind it is compiled only when a program uses it.
function lazyGlobal(name, load, enumerable) {
  let value;
  let loaded = false;
  ObjectDefineProperty(globalThis, name, {
    __proto__: null,
    enumerable,
    configurable: true,
    get: { [`get ${name}`]() {
      if (!loaded) { value = load(); loaded = true; }
      return value;
    } }[`get ${name}`],
    // As Node's: the accessor stays, holding what was assigned.
    set: { [`set ${name}`](v) {
      value = v;
      loaded = true;
    } }[`set ${name}`],
  });
}

// The bytes of a BufferSource / ArrayBufferView / ArrayBuffer as a
// Uint8Array over the same memory, or undefined.
function bytesOf(value) {
  if (value === null || typeof value !== 'object') return undefined;
  const tag = host.typeTag(value);
  if (tag === 'typedarray') {
    return new Uint8ArrayCtor(TypedArrayPrototypeGetBuffer(value), TypedArrayPrototypeGetByteOffset(value), TypedArrayPrototypeGetByteLength(value));
  }
  if (tag === 'dataview') {
    return new Uint8ArrayCtor(DataViewPrototypeGetBuffer(value), DataViewPrototypeGetByteOffset(value), DataViewPrototypeGetByteLength(value));
  }
  if (tag === 'arraybuffer' || tag === 'sharedarraybuffer') return new Uint8ArrayCtor(value);
  return undefined;
}

// UTF-8 of a string (lone surrogates as U+FFFD, as TextEncoder does).
function utf8Encode(input) {
  const str = `${input}`;
  const out = new Uint8ArrayCtor(str.length * 3);
  let n = 0;
  for (let i = 0; i < str.length; i++) {
    let c = StringPrototypeCharCodeAt(str, i);
    if (c >= 0xD800 && c <= 0xDFFF) {
      const d = i + 1 < str.length ? StringPrototypeCharCodeAt(str, i + 1) : 0;
      if (c <= 0xDBFF && d >= 0xDC00 && d <= 0xDFFF) {
        c = 0x10000 + ((c - 0xD800) << 10) + (d - 0xDC00);
        i++;
      } else {
        c = 0xFFFD;
      }
    }
    if (c < 0x80) out[n++] = c;
    else if (c < 0x800) { out[n++] = 0xC0 | (c >> 6); out[n++] = 0x80 | (c & 63); }
    else if (c < 0x10000) { out[n++] = 0xE0 | (c >> 12); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63); }
    else { out[n++] = 0xF0 | (c >> 18); out[n++] = 0x80 | ((c >> 12) & 63); out[n++] = 0x80 | ((c >> 6) & 63); out[n++] = 0x80 | (c & 63); }
  }
  return TypedArrayPrototypeSlice(out, 0, n);
}

// Code units to a string in chunks (no spread, no apply over huge arrays).
function codeUnitsToString(units, length) {
  let out = '';
  for (let i = 0; i < length; i += 4096) {
    const end = MathMin(length, i + 4096);
    const chunk = [];
    for (let j = i; j < end; j++) chunk[j - i] = units[j];
    out += ReflectApply(StringFromCharCode, undefined, chunk);
  }
  return out;
}

// UTF-8 decoding as the Encoding Standard says (maximal subparts become
// U+FFFD), from bytes[start, end). Returns [text, index of an incomplete
// trailing sequence or end] when `stream` is set, so a decoder can keep it.
function utf8Decode(bytes, start, end, fatal, stream) {
  const units = new Uint16ArrayCtor(end - start);
  let n = 0;
  let i = start;
  while (i < end) {
    const b = bytes[i];
    if (b < 0x80) { units[n++] = b; i++; continue; }
    let need = 0;
    let cp = 0;
    let lower = 0x80;
    let upper = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) { need = 1; cp = b & 0x1F; }
    else if (b >= 0xE0 && b <= 0xEF) { need = 2; cp = b & 0xF; if (b === 0xE0) lower = 0xA0; if (b === 0xED) upper = 0x9F; }
    else if (b >= 0xF0 && b <= 0xF4) { need = 3; cp = b & 0x7; if (b === 0xF0) lower = 0x90; if (b === 0xF4) upper = 0x8F; }
    else {
      if (fatal) throw nodeError(TypeErrorCtor, 'ERR_ENCODING_INVALID_ENCODED_DATA', 'The encoded data was not valid for encoding utf-8');
      units[n++] = 0xFFFD; i++; continue;
    }
    let j = 1;
    let bad = false;
    for (; j <= need; j++) {
      if (i + j >= end) break;
      const c = bytes[i + j];
      if (c < lower || c > upper) { bad = true; break; }
      lower = 0x80; upper = 0xBF;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!bad && j <= need) {
      // Ran out of input in the middle of a sequence.
      if (stream) return [codeUnitsToString(units, n), i];
      bad = true;
    }
    if (bad) {
      if (fatal) throw nodeError(TypeErrorCtor, 'ERR_ENCODING_INVALID_ENCODED_DATA', 'The encoded data was not valid for encoding utf-8');
      units[n++] = 0xFFFD;
      i += j;
      continue;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      // May need more room than one unit per byte when... never: 4 bytes -> 2 units.
      units[n++] = 0xD800 + (cp >> 10);
      units[n++] = 0xDC00 + (cp & 0x3FF);
    } else {
      units[n++] = cp;
    }
    i += need + 1;
  }
  return stream ? [codeUnitsToString(units, n), end] : codeUnitsToString(units, n);
}

// The `process` vendored npm code sees (what bundlers give it: a small
// shim; vendor/generate.js): no environment, no streams, warnings as
// kenshell's other warnings.
const vendorProcess = {
  env: {},
  argv: [],
  platform: 'linux',
  version: '',
  versions: {},
  browser: false,
  noDeprecation: false,
  cwd() { return host.fsQuery('cwd'); },
  nextTick(fn, ...args) { PromisePrototypeThen(PromiseResolve(), () => ReflectApply(fn, undefined, args)); },
  emitWarning(warning, type, code) {
    let text;
    if (warning !== null && typeof warning === 'object') text = `${warning.name}: ${warning.message}`;
    else text = `${typeof type === 'string' ? type : 'Warning'}: ${warning}`;
    pendingWarnings[pendingWarnings.length] = (typeof code === 'string' ? `[${code}] ` : '') + text;
  },
};
