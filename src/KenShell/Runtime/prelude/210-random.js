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

