namespace KenShell.Tests.Torture;

/// <summary>
/// The deterministic workload the random-kill torture drives: step k
/// mutates objects, a Map, closures (counters whose state lives only in
/// their captured variables) and sets timers, then prints a value derived
/// from all of it. A step runs only on top of step k-1, so the driver can
/// resume from the heap's counter after any crash, and every mutation of a
/// step is tied to the counter by invariants (<c>check()</c>) that any
/// partial turn would break. Nothing reads the clock or Math.random, so a
/// crash-free run on another store must reach the same state and print
/// the same outputs.
/// </summary>
internal static class KillWorkload
{
    /// <summary>One input (one turn) defining the workload; prints 'ready'.</summary>
    public const string Setup =
        "var T = { step: 0, sum: 0, objs: {}, m: new Map(), counters: [], fired: 0, timerLog: [] }; " +
        // Bulk, so that every background checkpoint takes long enough for kills to land in it.
        "var bulk = Array.from({ length: 30000 }, (_, i) => ({ i, s: 'b' + i })); " +
        "function mkCounter(seed) { let c = seed; return { next: () => (c = (c * 31 + 7) % 1000003), peek: () => c } } " +
        "function step(k) { " +
        "  if (T.step !== k - 1) return 'out of order: at ' + T.step + ', asked for ' + k; " +
        "  const slot = 'o' + (k % 50); " +
        "  T.objs[slot] = { k, v: ((T.objs[slot] && T.objs[slot].v) || 0) + k }; " +
        "  T.m.set(k % 37, (T.m.get(k % 37) || 0) + k); " +
        "  if (k % 10 === 0) T.counters.push(mkCounter(k)); " +
        "  let acc = 0; for (const c of T.counters) acc = (acc + c.next()) % 1000003; " +
        // Busy work between the mutations: a kill can land in the middle of the turn.
        "  for (let i = 0; i < 20000; i++) acc = (acc * 17 + i) % 1000003; " +
        "  if (k % 7 === 0) setTimeout(j => { T.fired++; T.timerLog.push(j) }, 10 + (k % 13) * 40, k); " +
        "  T.sum += k; T.step = k; " +
        "  return k + ':' + acc; " +
        "} " +
        "function check() { " +
        "  const p = []; " +
        "  if (T.sum !== T.step * (T.step + 1) / 2) p.push('sum'); " +
        "  if ([...T.m.values()].reduce((a, b) => a + b, 0) !== T.sum) p.push('map'); " +
        "  if (T.counters.length !== Math.floor(T.step / 10)) p.push('closures'); " +
        "  if (Object.values(T.objs).some(o => o.k > T.step)) p.push('objects'); " +
        "  if (new Set(T.timerLog).size !== T.timerLog.length) p.push('a timer fired twice'); " +
        "  if (T.fired !== T.timerLog.length || T.fired > Math.floor(T.step / 7)) p.push('timers'); " +
        "  return p.length ? 'broken: ' + p.join() : 'ok:' + T.step; " +
        "} " +
        "function digest() { return JSON.stringify({ step: T.step, sum: T.sum, " +
        "  objs: Object.keys(T.objs).sort().map(s => [s, T.objs[s].k, T.objs[s].v]), " +
        "  m: [...T.m].sort((a, b) => a[0] - b[0]), c: T.counters.map(c => c.peek()), fired: T.fired, " +
        // Timers fire in their own turns, interleaved with steps differently in every run: compare as a set.
        "  timers: [...T.timerLog].sort((a, b) => a - b), bulk: bulk.length }) } " +
        "'ready'";

    public static string Step(long k) => $"step({k})";

    /// <summary>How many timers steps 1..n set.</summary>
    public static long Timers(long steps) => steps / 7;
}
