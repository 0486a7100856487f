// An everyday compute mix for `./build.sh bench compute`: JSON, regexps,
// Map counting, classes, typed arrays and array methods. computeMix()
// returns a digest of everything it computed, so that the benchmark can
// check that every engine computed the same thing.
function computeMix() {
  // JSON: stringify and parse a document of 2,000 records, 60 times.
  const doc = { users: [] };
  for (let i = 0; i < 2000; i++) {
    doc.users.push({ id: i, name: 'user' + i, tags: ['a' + (i % 10), 'b' + (i % 7)], score: i * 1.5, active: i % 3 === 0 });
  }
  let json = 0;
  for (let r = 0; r < 60; r++) {
    const s = JSON.stringify(doc);
    json += JSON.parse(s).users.length + s.length;
  }

  // Regexps: a 5,000-line log, matched field by field and rewritten.
  const lines = [];
  for (let i = 0; i < 5000; i++) {
    lines.push(`2024-${(i % 12) + 1}-${(i % 28) + 1} user${i}@example.com ${i % 4 ? 'GET' : 'POST'} /api/v1/items/${i} ${i % 50 ? 200 : 500} ${i % 1000}ms`);
  }
  const log = lines.join('\n');
  const rx = /(\d{4})-(\d{1,2})-(\d{1,2}) (\w+)@([\w.]+) (GET|POST) (\S+) (\d{3}) (\d+)ms/g;
  let re = 0;
  for (let r = 0; r < 30; r++) {
    rx.lastIndex = 0;
    let m;
    while ((m = rx.exec(log)) !== null) re += m[9].length + (m[8] === '500' ? 1 : 0);
    re += log.replace(/user(\d+)/g, 'u$1').length;
  }

  // Map counting: word frequencies.
  const words = log.split(/\s+/);
  const counts = new Map();
  for (let r = 0; r < 30; r++) for (const w of words) counts.set(w, (counts.get(w) || 0) + 1);
  let top = 0;
  for (const c of counts.values()) if (c > top) top = c;

  // Classes: small immutable vectors and particles stepping.
  class Vec {
    constructor(x, y) { this.x = x; this.y = y; }
    add(o) { return new Vec(this.x + o.x, this.y + o.y); }
    scale(k) { return new Vec(this.x * k, this.y * k); }
    get len() { return Math.hypot(this.x, this.y); }
  }
  class Particle {
    constructor(p, v) { this.p = p; this.v = v; }
    step(dt) { this.p = this.p.add(this.v.scale(dt)); }
  }
  const ps = [];
  for (let i = 0; i < 1000; i++) ps.push(new Particle(new Vec(i, -i), new Vec(1, 0.5)));
  for (let t = 0; t < 900; t++) for (const p of ps) p.step(0.01);
  let cls = 0;
  for (const p of ps) cls += p.p.len;

  // Typed arrays: fill and combine 64 K elements, 90 times.
  const f = new Float64Array(1 << 16);
  const u = new Uint8Array(1 << 16);
  for (let r = 0; r < 90; r++) {
    for (let i = 0; i < f.length; i++) { f[i] = Math.sin(i + r) * 0.5; u[i] = (i * 31 + r) & 255; }
  }
  let ta = 0;
  for (let i = 0; i < f.length; i++) ta += f[i] * u[i];

  // Array methods: map/filter/reduce/sort/indexOf over 50,000 numbers.
  const arr = Array.from({ length: 50000 }, (_, i) => i);
  let am = 0;
  for (let r = 0; r < 30; r++) {
    am += arr.map(x => x * 2).filter(x => x % 3 === 0).reduce((a, b) => a + b, 0) +
          arr.slice().sort((a, b) => b - a)[0] + arr.indexOf(r * 100);
  }

  return [json, re, counts.size, top, Math.round(cls), Math.round(ta), am].join(',');
}
