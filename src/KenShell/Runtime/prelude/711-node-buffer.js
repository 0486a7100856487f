// ------------------------------------------------------------ node:buffer
// The vendored npm `buffer` (what bundlers give for Node's), with the
// 'base64url' encoding and the exports it lacks (kStringMaxLength, constants, atob/btoa, Blob, isUtf8,
// isAscii) added; the global `Buffer` is a lazy accessor as in Node, so
// the package compiles on first use.
// The package has no 'base64url' (Node has since 15): added around its
// base64, whose decoder already reads '-' and '_'.
function addBase64url(Buffer) {
  const isBase64url = (encoding) => typeof encoding === 'string' && StringPrototypeToLowerCase(encoding) === 'base64url';
  const from = Buffer.from;
  const isEncoding = Buffer.isEncoding;
  const byteLength = Buffer.byteLength;
  const toString = Buffer.prototype.toString;
  Buffer.from = function from_(value, encodingOrOffset, length) {
    if (typeof value === 'string' && isBase64url(encodingOrOffset)) return ReflectApply(from, this, [value, 'base64']);
    return ReflectApply(from, this, arguments);
  };
  ObjectDefineProperty(Buffer.from, 'name', { __proto__: null, value: 'from', configurable: true });
  Buffer.isEncoding = function isEncoding_(encoding) { return isBase64url(encoding) || ReflectApply(isEncoding, this, [encoding]); };
  ObjectDefineProperty(Buffer.isEncoding, 'name', { __proto__: null, value: 'isEncoding', configurable: true });
  Buffer.byteLength = function byteLength_(string, encoding) {
    return ReflectApply(byteLength, this, isBase64url(encoding) ? [string, 'base64'] : arguments);
  };
  ObjectDefineProperty(Buffer.byteLength, 'name', { __proto__: null, value: 'byteLength', configurable: true });
  Buffer.prototype.toString = function toString_(encoding, start, end) {
    if (!isBase64url(encoding)) return ReflectApply(toString, this, arguments);
    let text = ReflectApply(toString, this, ['base64', start, end]);
    text = mapChars(text, { __proto__: null, '+': '-', '/': '_' });
    let cut = text.length;
    while (cut > 0 && StringPrototypeCharCodeAt(text, cut - 1) === 61) cut--;
    return StringPrototypeSlice(text, 0, cut);
  };
  ObjectDefineProperty(Buffer.prototype.toString, 'name', { __proto__: null, value: 'toString', configurable: true });
}

defineBuiltinModule('buffer', () => {
  const npm = requireVendored('buffer/');
  addBase64url(npm.Buffer);
  const exports = {
    Buffer: npm.Buffer,
    SlowBuffer: npm.SlowBuffer,
    isUtf8(input) {
      const bytes = bytesOf(input);
      if (bytes === undefined) throw invalidArgType('input', 'an instance of ArrayBuffer, Buffer, or TypedArray', input);
      try { utf8Decode(bytes, 0, bytes.length, true, false); return true; } catch { return false; }
    },
    isAscii(input) {
      const bytes = bytesOf(input);
      if (bytes === undefined) throw invalidArgType('input', 'an instance of ArrayBuffer, Buffer, or TypedArray', input);
      for (let i = 0; i < bytes.length; i++) if (bytes[i] > 0x7F) return false;
      return true;
    },
    kMaxLength: npm.kMaxLength,
    kStringMaxLength: (1 << 29) - 24,
    btoa: webBtoa,
    atob: webAtob,
    constants: { MAX_LENGTH: npm.kMaxLength, MAX_STRING_LENGTH: (1 << 29) - 24 },
    Blob: WebBlob,
  };
  // INSPECT_MAX_BYTES is read by Buffer's inspect from the npm module.
  ObjectDefineProperty(exports, 'INSPECT_MAX_BYTES', {
    __proto__: null,
    enumerable: true,
    configurable: true,
    get() { return npm.INSPECT_MAX_BYTES; },
    set(v) { npm.INSPECT_MAX_BYTES = v; },
  });
  return exports;
});
lazyGlobal('Buffer', () => requireBuiltin('buffer').Buffer, false);
