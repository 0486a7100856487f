// ------------------------------------------------------------ node:buffer
// The vendored npm `buffer` (what bundlers give for Node's), with the
// exports it lacks (kStringMaxLength, constants, atob/btoa, Blob, isUtf8,
// isAscii) added; the global `Buffer` is a lazy accessor as in Node, so
// the package compiles on first use.
defineBuiltinModule('buffer', () => {
  const npm = requireVendored('buffer/');
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
