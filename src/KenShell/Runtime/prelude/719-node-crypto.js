// ------------------------------------------------------------ node:crypto
// Randomness comes from the crypto section (220: host.randomSeed, recorded
// on the turn's tape, so replay hands out the same bytes); the digests
// (md5, sha1, sha224, sha256, sha384, sha512 and their HMACs) are written here, over
// captured built-ins: the npm packages bundlers use for them (create-hash)
// pull in streams.
{
const K256 = new Uint32ArrayCtor([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
// SHA-512's constants, high and low 32-bit halves interleaved.
const K512 = new Uint32ArrayCtor([
  0x428a2f98, 0xd728ae22, 0x71374491, 0x23ef65cd, 0xb5c0fbcf, 0xec4d3b2f, 0xe9b5dba5, 0x8189dbbc,
  0x3956c25b, 0xf348b538, 0x59f111f1, 0xb605d019, 0x923f82a4, 0xaf194f9b, 0xab1c5ed5, 0xda6d8118,
  0xd807aa98, 0xa3030242, 0x12835b01, 0x45706fbe, 0x243185be, 0x4ee4b28c, 0x550c7dc3, 0xd5ffb4e2,
  0x72be5d74, 0xf27b896f, 0x80deb1fe, 0x3b1696b1, 0x9bdc06a7, 0x25c71235, 0xc19bf174, 0xcf692694,
  0xe49b69c1, 0x9ef14ad2, 0xefbe4786, 0x384f25e3, 0x0fc19dc6, 0x8b8cd5b5, 0x240ca1cc, 0x77ac9c65,
  0x2de92c6f, 0x592b0275, 0x4a7484aa, 0x6ea6e483, 0x5cb0a9dc, 0xbd41fbd4, 0x76f988da, 0x831153b5,
  0x983e5152, 0xee66dfab, 0xa831c66d, 0x2db43210, 0xb00327c8, 0x98fb213f, 0xbf597fc7, 0xbeef0ee4,
  0xc6e00bf3, 0x3da88fc2, 0xd5a79147, 0x930aa725, 0x06ca6351, 0xe003826f, 0x14292967, 0x0a0e6e70,
  0x27b70a85, 0x46d22ffc, 0x2e1b2138, 0x5c26c926, 0x4d2c6dfc, 0x5ac42aed, 0x53380d13, 0x9d95b3df,
  0x650a7354, 0x8baf63de, 0x766a0abb, 0x3c77b2a8, 0x81c2c92e, 0x47edaee6, 0x92722c85, 0x1482353b,
  0xa2bfe8a1, 0x4cf10364, 0xa81a664b, 0xbc423001, 0xc24b8b70, 0xd0f89791, 0xc76c51a3, 0x0654be30,
  0xd192e819, 0xd6ef5218, 0xd6990624, 0x5565a910, 0xf40e3585, 0x5771202a, 0x106aa070, 0x32bbd1b8,
  0x19a4c116, 0xb8d2d0c8, 0x1e376c08, 0x5141ab53, 0x2748774c, 0xdf8eeb99, 0x34b0bcb5, 0xe19b48a8,
  0x391c0cb3, 0xc5c95a63, 0x4ed8aa4a, 0xe3418acb, 0x5b9cca4f, 0x7763e373, 0x682e6ff3, 0xd6b2b8a3,
  0x748f82ee, 0x5defb2fc, 0x78a5636f, 0x43172f60, 0x84c87814, 0xa1f0ab72, 0x8cc70208, 0x1a6439ec,
  0x90befffa, 0x23631e28, 0xa4506ceb, 0xde82bde9, 0xbef9a3f7, 0xb2c67915, 0xc67178f2, 0xe372532b,
  0xca273ece, 0xea26619c, 0xd186b8c7, 0x21c0c207, 0xeada7dd6, 0xcde0eb1e, 0xf57d4f7f, 0xee6ed178,
  0x06f067aa, 0x72176fba, 0x0a637dc5, 0xa2c898a6, 0x113f9804, 0xbef90dae, 0x1b710b35, 0x131c471b,
  0x28db77f5, 0x23047d84, 0x32caab7b, 0x40c72493, 0x3c9ebe0a, 0x15c9bebc, 0x431d67c4, 0x9c100d4c,
  0x4cc5d4be, 0xcb3e42b6, 0x597f299c, 0xfc657e2a, 0x5fcb6fab, 0x3ad6faec, 0x6c44198c, 0x4a475817,
]);
const MD5_S = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const MD5_K = new Int32ArrayCtor(64);
for (let i = 0; i < 64; i++) MD5_K[i] = MathFloor(Math.abs(Math.sin(i + 1)) * 4294967296) | 0;

// The message padded as MD5/SHA pad it: 0x80, zeros, the bit length in
// `lengthBytes` bytes (big- or little-endian).
function padMessage(bytes, blockSize, lengthBytes, littleEndian) {
  const len = bytes.length;
  let total = len + 1 + lengthBytes;
  total += (blockSize - (total % blockSize)) % blockSize;
  const out = new Uint8ArrayCtor(total);
  TypedArrayPrototypeSet(out, bytes, 0);
  out[len] = 0x80;
  const bitsHigh = MathFloor(len / 0x20000000);
  const bitsLow = (len * 8) >>> 0;
  for (let i = 0; i < 4; i++) {
    if (littleEndian) {
      out[total - lengthBytes + i] = (bitsLow >>> (8 * i)) & 0xff;
      out[total - lengthBytes + 4 + i] = (bitsHigh >>> (8 * i)) & 0xff;
    } else {
      out[total - 1 - i] = (bitsLow >>> (8 * i)) & 0xff;
      out[total - 5 - i] = (bitsHigh >>> (8 * i)) & 0xff;
    }
  }
  return out;
}
const rotl = (x, n) => (x << n) | (x >>> (32 - n));
const rotr = (x, n) => (x >>> n) | (x << (32 - n));
const be32 = (b, i) => ((b[i] << 24) | (b[i + 1] << 16) | (b[i + 2] << 8) | b[i + 3]) | 0;
function wordsToBytes(words, littleEndian) {
  const out = new Uint8ArrayCtor(words.length * 4);
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    for (let j = 0; j < 4; j++) out[i * 4 + j] = littleEndian ? (w >>> (8 * j)) & 0xff : (w >>> (24 - 8 * j)) & 0xff;
  }
  return out;
}

function md5(bytes) {
  const m = padMessage(bytes, 64, 8, true);
  let a0 = 0x67452301 | 0; let b0 = 0xefcdab89 | 0; let c0 = 0x98badcfe | 0; let d0 = 0x10325476 | 0;
  const w = new Int32ArrayCtor(16);
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = m[off + i * 4] | (m[off + i * 4 + 1] << 8) | (m[off + i * 4 + 2] << 16) | (m[off + i * 4 + 3] << 24);
    let a = a0; let b = b0; let c = c0; let d = d0;
    for (let i = 0; i < 64; i++) {
      let f;
      let g;
      if (i < 16) { f = (b & c) | (~b & d); g = i; }
      else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
      else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
      else { f = c ^ (b | ~d); g = (7 * i) & 15; }
      const tmp = d;
      d = c;
      c = b;
      b = (b + rotl((a + f + MD5_K[i] + w[g]) | 0, MD5_S[(i >> 4) * 4 + (i & 3)])) | 0;
      a = tmp;
    }
    a0 = (a0 + a) | 0; b0 = (b0 + b) | 0; c0 = (c0 + c) | 0; d0 = (d0 + d) | 0;
  }
  return wordsToBytes([a0, b0, c0, d0], true);
}

function sha1(bytes) {
  const m = padMessage(bytes, 64, 8, false);
  const h = new Int32ArrayCtor([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0]);
  const w = new Int32ArrayCtor(80);
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = be32(m, off + i * 4);
    for (let i = 16; i < 80; i++) w[i] = rotl(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    let a = h[0]; let b = h[1]; let c = h[2]; let d = h[3]; let e = h[4];
    for (let i = 0; i < 80; i++) {
      let f;
      let k;
      if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
      else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
      else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
      else { f = b ^ c ^ d; k = 0xca62c1d6; }
      const t = (rotl(a, 5) + f + e + k + w[i]) | 0;
      e = d; d = c; c = rotl(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
  }
  return wordsToBytes(h, false);
}

// SHA-224 is SHA-256 from other initial words, cut to 28 bytes (FIPS 180-4).
const SHA256_IV = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
const SHA224_IV = [0xc1059ed8, 0x367cd507, 0x3070dd17, 0xf70e5939, 0xffc00b31, 0x68581511, 0x64f98fa7, 0xbefa4fa4];
function sha224(bytes) { return TypedArrayPrototypeSlice(sha256(bytes, SHA224_IV), 0, 28); }
function sha256(bytes, iv = SHA256_IV) {
  const m = padMessage(bytes, 64, 8, false);
  const h = new Int32ArrayCtor(iv);
  const w = new Int32ArrayCtor(64);
  for (let off = 0; off < m.length; off += 64) {
    for (let i = 0; i < 16; i++) w[i] = be32(m, off + i * 4);
    for (let i = 16; i < 64; i++) {
      const s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >>> 3);
      const s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >>> 10);
      w[i] = (w[i - 16] + s0 + w[i - 7] + s1) | 0;
    }
    let a = h[0]; let b = h[1]; let c = h[2]; let d = h[3]; let e = h[4]; let f = h[5]; let g = h[6]; let hh = h[7];
    for (let i = 0; i < 64; i++) {
      const S1 = rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25);
      const ch = (e & f) ^ (~e & g);
      const t1 = (hh + S1 + ch + K256[i] + w[i]) | 0;
      const S0 = rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22);
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      hh = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e; h[5] += f; h[6] += g; h[7] += hh;
  }
  return wordsToBytes(h, false);
}

// SHA-512 on 32-bit halves (hi, lo).
// SHA-384 is SHA-512 from other initial words, cut to 48 bytes (FIPS 180-4).
const SHA512_IV = [
  0x6a09e667, 0xf3bcc908, 0xbb67ae85, 0x84caa73b, 0x3c6ef372, 0xfe94f82b, 0xa54ff53a, 0x5f1d36f1,
  0x510e527f, 0xade682d1, 0x9b05688c, 0x2b3e6c1f, 0x1f83d9ab, 0xfb41bd6b, 0x5be0cd19, 0x137e2179,
];
const SHA384_IV = [
  0xcbbb9d5d, 0xc1059ed8, 0x629a292a, 0x367cd507, 0x9159015a, 0x3070dd17, 0x152fecd8, 0xf70e5939,
  0x67332667, 0xffc00b31, 0x8eb44a87, 0x68581511, 0xdb0c2e0d, 0x64f98fa7, 0x47b5481d, 0xbefa4fa4,
];
function sha384(bytes) { return TypedArrayPrototypeSlice(sha512(bytes, SHA384_IV), 0, 48); }
function sha512(bytes, iv = SHA512_IV) {
  const m = padMessage(bytes, 128, 16, false);
  const h = new Int32ArrayCtor(iv);
  const w = new Int32ArrayCtor(160);
  const v = new Int32ArrayCtor(16);
  // sum of 64-bit values given as [hi, lo] pairs, into out[o], out[o+1]
  for (let off = 0; off < m.length; off += 128) {
    for (let i = 0; i < 32; i++) w[i] = be32(m, off + i * 4);
    for (let i = 16; i < 80; i++) {
      const xh = w[(i - 15) * 2]; const xl = w[(i - 15) * 2 + 1];
      // sigma0: rotr1 ^ rotr8 ^ shr7
      const s0h = ((xh >>> 1) | (xl << 31)) ^ ((xh >>> 8) | (xl << 24)) ^ (xh >>> 7);
      const s0l = ((xl >>> 1) | (xh << 31)) ^ ((xl >>> 8) | (xh << 24)) ^ ((xl >>> 7) | (xh << 25));
      const yh = w[(i - 2) * 2]; const yl = w[(i - 2) * 2 + 1];
      // sigma1: rotr19 ^ rotr61 ^ shr6
      const s1h = ((yh >>> 19) | (yl << 13)) ^ ((yl >>> 29) | (yh << 3)) ^ (yh >>> 6);
      const s1l = ((yl >>> 19) | (yh << 13)) ^ ((yh >>> 29) | (yl << 3)) ^ ((yl >>> 6) | (yh << 26));
      let lo = (w[(i - 16) * 2 + 1] >>> 0) + (s0l >>> 0) + (w[(i - 7) * 2 + 1] >>> 0) + (s1l >>> 0);
      let hi = w[(i - 16) * 2] + s0h + w[(i - 7) * 2] + s1h + MathFloor(lo / 4294967296);
      w[i * 2] = hi | 0;
      w[i * 2 + 1] = lo | 0;
    }
    for (let i = 0; i < 16; i++) v[i] = h[i];
    for (let i = 0; i < 80; i++) {
      const ah = v[0]; const al = v[1]; const bh = v[2]; const bl = v[3]; const ch = v[4]; const cl = v[5];
      const dh = v[6]; const dl = v[7]; const eh = v[8]; const el = v[9]; const fh = v[10]; const fl = v[11];
      const gh = v[12]; const gl = v[13]; const hh = v[14]; const hl = v[15];
      // Sigma1(e): rotr14 ^ rotr18 ^ rotr41
      const S1h = ((eh >>> 14) | (el << 18)) ^ ((eh >>> 18) | (el << 14)) ^ ((el >>> 9) | (eh << 23));
      const S1l = ((el >>> 14) | (eh << 18)) ^ ((el >>> 18) | (eh << 14)) ^ ((eh >>> 9) | (el << 23));
      const chh = (eh & fh) ^ (~eh & gh);
      const chl = (el & fl) ^ (~el & gl);
      let t1l = (hl >>> 0) + (S1l >>> 0) + (chl >>> 0) + K512[i * 2 + 1] + (w[i * 2 + 1] >>> 0);
      let t1h = hh + S1h + chh + K512[i * 2] + w[i * 2] + MathFloor(t1l / 4294967296);
      t1l |= 0; t1h |= 0;
      // Sigma0(a): rotr28 ^ rotr34 ^ rotr39
      const S0h = ((ah >>> 28) | (al << 4)) ^ ((al >>> 2) | (ah << 30)) ^ ((al >>> 7) | (ah << 25));
      const S0l = ((al >>> 28) | (ah << 4)) ^ ((ah >>> 2) | (al << 30)) ^ ((ah >>> 7) | (al << 25));
      const majh = (ah & bh) ^ (ah & ch) ^ (bh & ch);
      const majl = (al & bl) ^ (al & cl) ^ (bl & cl);
      const t2l = (S0l >>> 0) + (majl >>> 0);
      const t2h = S0h + majh + MathFloor(t2l / 4294967296);
      v[14] = gh; v[15] = gl; v[12] = fh; v[13] = fl; v[10] = eh; v[11] = el;
      const nel = (dl >>> 0) + (t1l >>> 0);
      v[8] = (dh + t1h + MathFloor(nel / 4294967296)) | 0; v[9] = nel | 0;
      v[6] = ch; v[7] = cl; v[4] = bh; v[5] = bl; v[2] = ah; v[3] = al;
      const nal = (t1l >>> 0) + (t2l >>> 0);
      v[0] = (t1h + t2h + MathFloor(nal / 4294967296)) | 0; v[1] = nal | 0;
    }
    for (let i = 0; i < 16; i += 2) {
      const lo = (h[i + 1] >>> 0) + (v[i + 1] >>> 0);
      h[i] = (h[i] + v[i] + MathFloor(lo / 4294967296)) | 0;
      h[i + 1] = lo | 0;
    }
  }
  return wordsToBytes(h, false);
}

const DIGESTS = {
  __proto__: null, md5: [md5, 64], sha1: [sha1, 64], sha224: [sha224, 64], sha256: [sha256, 64], sha384: [sha384, 128], sha512: [sha512, 128],
};
function digestOf(algorithm) {
  const name = typeof algorithm === 'string' ? StringPrototypeReplace(StringPrototypeToLowerCase(algorithm), '-', '') : algorithm;
  const d = typeof name === 'string' ? DIGESTS[name] : undefined;
  if (d === undefined) {
    if (typeof algorithm !== 'string') throw invalidArgType('algorithm', 'of type string', algorithm);
    throw nodeError(ErrorClass, 'ERR_KENSHELL_DIGEST_NOT_SUPPORTED',
      `Digest method not supported by kenshell: ${algorithm} (it has md5, sha1, sha224, sha256, sha384, sha512)`);
  }
  return d;
}
function dataBytes(data, encoding, name) {
  if (typeof data === 'string') return requireBuiltin('buffer').Buffer.from(data, encoding === undefined ? 'utf8' : encoding);
  const bytes = bytesOf(data);
  if (bytes === undefined || host.typeTag(data) === 'arraybuffer') {
    throw invalidArgType(name, 'of type string or an instance of Buffer, TypedArray, or DataView', data);
  }
  return bytes;
}
function encodeDigest(bytes, encoding) {
  const buffer = requireBuiltin('buffer').Buffer.from(bytes);
  return encoding === undefined || encoding === 'buffer' ? buffer : buffer.toString(encoding);
}

// Hash and Hmac keep their input as chunks and hash at digest().
class Hash {
  #digest; #chunks; #finalized;
  constructor(algorithm, chunks) {
    this.#digest = digestOf(algorithm);
    this.#chunks = chunks === undefined ? [] : chunks;
    this.#finalized = false;
  }
  update(data, inputEncoding) {
    if (this.#finalized) throw nodeError(ErrorClass, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
    append(this.#chunks, TypedArrayPrototypeSlice(dataBytes(data, inputEncoding, 'data')));
    return this;
  }
  digest(encoding) {
    if (this.#finalized) throw nodeError(ErrorClass, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
    this.#finalized = true;
    return encodeDigest(this.#digest[0](concatBytes(this.#chunks)), encoding);
  }
  copy() {
    if (this.#finalized) throw nodeError(ErrorClass, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
    const copy = new Hash('md5', ArrayPrototypeSlice(this.#chunks));
    copy.#digest = this.#digest;
    return copy;
  }
}
class Hmac {
  #digest; #key; #chunks; #finalized;
  constructor(algorithm, key) {
    this.#digest = digestOf(algorithm);
    let k = TypedArrayPrototypeSlice(dataBytes(key, 'utf8', 'key'));
    if (k.length > this.#digest[1]) k = this.#digest[0](k);
    this.#key = new Uint8ArrayCtor(this.#digest[1]);
    TypedArrayPrototypeSet(this.#key, k, 0);
    this.#chunks = [];
    this.#finalized = false;
  }
  update(data, inputEncoding) {
    if (this.#finalized) throw nodeError(ErrorClass, 'ERR_CRYPTO_HASH_FINALIZED', 'Digest already called');
    append(this.#chunks, TypedArrayPrototypeSlice(dataBytes(data, inputEncoding, 'data')));
    return this;
  }
  digest(encoding) {
    if (this.#finalized) return encodeDigest(new Uint8ArrayCtor(0), encoding);
    this.#finalized = true;
    const n = this.#digest[1];
    const inner = new Uint8ArrayCtor(n);
    const outer = new Uint8ArrayCtor(n);
    for (let i = 0; i < n; i++) { inner[i] = this.#key[i] ^ 0x36; outer[i] = this.#key[i] ^ 0x5c; }
    const fn = this.#digest[0];
    const innerHash = fn(concatBytes([inner, concatBytes(this.#chunks)]));
    return encodeDigest(fn(concatBytes([outer, innerHash])), encoding);
  }
}
function concatBytes(chunks) {
  let total = 0;
  for (let i = 0; i < chunks.length; i++) total += chunks[i].length;
  const out = new Uint8ArrayCtor(total);
  let at = 0;
  for (let i = 0; i < chunks.length; i++) { TypedArrayPrototypeSet(out, chunks[i], at); at += chunks[i].length; }
  return out;
}

function randomBytes(size, callback) {
  if (typeof size !== 'number') throw invalidArgType('size', 'of type number', size);
  if (!(size >= 0 && size <= 2147483647) || size !== MathTrunc(size)) {
    throw nodeError(RangeErrorClass, 'ERR_OUT_OF_RANGE',
      `The value of "size" is out of range. It must be >= 0 && <= 2147483647. Received ${size}`);
  }
  const buffer = requireBuiltin('buffer').Buffer.alloc(size);
  for (let at = 0; at < size; at += 65536) {
    cryptoObject.getRandomValues(TypedArrayPrototypeSubarray(buffer, at, MathMin(size, at + 65536)));
  }
  if (callback !== undefined) {
    if (typeof callback !== 'function') throw invalidArgType('callback', 'of type function', callback);
    timerFunctionsForCrypto.setImmediate(() => callback(null, buffer));
    return undefined;
  }
  return buffer;
}
const timerFunctionsForCrypto = { setImmediate: globalThis.setImmediate };
function randomFillSync(buffer, offset = 0, size) {
  const bytes = bytesOf(buffer);
  if (bytes === undefined) throw invalidArgType('buf', 'an instance of ArrayBuffer or ArrayBufferView', buffer);
  const end = size === undefined ? bytes.length : offset + size;
  for (let at = offset; at < end; at += 65536) {
    cryptoObject.getRandomValues(TypedArrayPrototypeSubarray(bytes, at, MathMin(end, at + 65536)));
  }
  return buffer;
}
function randomInt(min, max, callback) {
  if (max === undefined || typeof max === 'function') { callback = max; max = min; min = 0; }
  if (!NumberIsSafeInteger(min)) throw invalidArgType('min', 'a safe integer', min);
  if (!NumberIsSafeInteger(max)) throw invalidArgType('max', 'a safe integer', max);
  if (max <= min) {
    throw nodeError(RangeErrorClass, 'ERR_OUT_OF_RANGE',
      `The value of "max" is out of range. It must be greater than the value of "min" (${min}). Received ${max}`);
  }
  const range = max - min;
  // Rejection sampling over 48 random bits, as Node does.
  const limit = 0x1000000000000 - (0x1000000000000 % range);
  let x;
  do {
    const b = cryptoObject.getRandomValues(new Uint8ArrayCtor(6));
    x = ((b[0] * 256 + b[1]) * 65536 + (b[2] * 256 + b[3])) * 65536 + (b[4] * 256 + b[5]);
  } while (x >= limit);
  const value = min + (x % range);
  if (typeof callback === 'function') { timerFunctionsForCrypto.setImmediate(() => callback(null, value)); return undefined; }
  return value;
}
function timingSafeEqual(a, b) {
  const x = bytesOf(a);
  const y = bytesOf(b);
  if (x === undefined) throw invalidArgType('buf1', 'an instance of ArrayBuffer, Buffer, TypedArray, or DataView', a);
  if (y === undefined) throw invalidArgType('buf2', 'an instance of ArrayBuffer, Buffer, TypedArray, or DataView', b);
  if (x.length !== y.length) throw nodeError(RangeErrorClass, 'ERR_CRYPTO_TIMING_SAFE_EQUAL_LENGTH', 'Input buffers must have the same byte length');
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0;
}

defineBuiltinModule('crypto', () => ({
  createHash: (algorithm, options) => new Hash(algorithm),
  createHmac: (algorithm, key, options) => new Hmac(algorithm, key),
  getHashes: () => ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'],
  getRandomValues: (array) => cryptoObject.getRandomValues(array),
  randomBytes,
  randomFillSync,
  randomInt,
  randomUUID: (options) => cryptoObject.randomUUID(),
  timingSafeEqual,
  webcrypto: cryptoObject,
  Hash,
  Hmac,
}));
}
