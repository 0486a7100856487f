// ------------------------- node:querystring, node:string_decoder, node:punycode
// The vendored `querystring-es3` (Node's querystring of Node 0.12, as
// bundlers ship it) with Node's escape/unescape added; the vendored
// `string_decoder` (Node's own, as readable-stream ships it); the vendored
// `punycode` 2 (the package Node itself bundles as node:punycode).
defineBuiltinModule('querystring', () => {
  const npm = requireVendored('querystring-es3');
  function qsUnescape(s, decodeSpaces) {
    try {
      return DecodeURIComponent(s);
    } catch {
      return requireBuiltin('buffer').Buffer.from(unescapeBuffer(s, decodeSpaces)).toString();
    }
  }
  // Node's unescapeBuffer: %XX sequences to bytes, the rest as UTF-8.
  function unescapeBuffer(s, decodeSpaces) {
    const text = `${s}`;
    const bytes = utf8Encode(text);
    const out = new Uint8ArrayCtor(bytes.length);
    let n = 0;
    const hex = (c) => (c >= 48 && c <= 57 ? c - 48 : (c | 0x20) >= 97 && (c | 0x20) <= 102 ? (c | 0x20) - 87 : -1);
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      if (b === 43 && decodeSpaces) { out[n++] = 32; continue; }
      if (b === 37 && i + 2 < bytes.length) {
        const h = hex(bytes[i + 1]);
        const l = hex(bytes[i + 2]);
        if (h >= 0 && l >= 0) { out[n++] = h * 16 + l; i += 2; continue; }
      }
      out[n++] = b;
    }
    return requireBuiltin('buffer').Buffer.from(TypedArrayPrototypeSlice(out, 0, n));
  }
  function qsEscape(str) {
    if (typeof str !== 'string') {
      if (typeof str === 'object') str = `${str}`;
      else str += '';
    }
    try {
      return EncodeURIComponent(str);
    } catch {
      throw nodeError(URIError, 'ERR_INVALID_URI', 'URI malformed');
    }
  }
  // Node's result has a null prototype.
  function qsParse(qs, sep, eq, options) {
    const parsed = npm.parse(qs, sep, eq, options);
    const out = { __proto__: null };
    const keys = ObjectKeysOf(parsed);
    for (let i = 0; i < keys.length; i++) out[keys[i]] = parsed[keys[i]];
    return out;
  }
  return {
    unescapeBuffer,
    unescape: qsUnescape,
    escape: qsEscape,
    stringify: npm.stringify,
    encode: npm.encode,
    parse: qsParse,
    decode: qsParse,
  };
});
defineBuiltinModule('string_decoder', () => {
  const npm = requireVendored('string_decoder/');
  return { StringDecoder: npm.StringDecoder };
});
defineBuiltinModule('punycode', () => requireVendored('punycode/'));
