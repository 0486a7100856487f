using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// G4: every kind of state reachable from the global scope survives kill -9
/// and a restart, with identity and sharing intact.
/// </summary>
public sealed class StateSurvivesKillTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    // One input per line; each prints exactly one result line.
    private static readonly string[] Definitions =
    [
        "let shared = (() => { let v = 0; return { inc: () => ++v, get: () => v } })()",
        "const a = { name: 'a' }; a.self = a; const b = { a, alsoA: a }",
        "function* gen() { let i = 0; while (true) yield i++ }",
        "const g = gen(); g.next().value",
        "let resolveLater; const pending = new Promise(r => resolveLater = r); let seen = []; pending.then(v => seen.push('then:' + v))",
        "async function waiter() { const v = await pending; seen.push('await:' + v); return v }",
        "const w = waiter()",
        "class Account { #bal = 0; static count = 0; constructor() { Account.count++ } deposit(x) { return this.#bal += x } get balance() { return this.#bal } }",
        "const acct = new Account(); acct.deposit(50)",
        "const m = new Map([[a, 1]]); const s = new Set([a]); const wm = new WeakMap([[a, 'weak']]); const ws = new WeakSet([a])",
        "const sym = Symbol('k'); const reg = Symbol.for('registered'); const o2 = { [sym]: 5, [reg]: 6 }",
        "const big = 2n ** 70n",
        "const d = new Date(1234567890123); const re = /a+/g; re.lastIndex = 3",
        "const ta = new Uint8Array([1, 2, 3]); const dv = new DataView(ta.buffer); const f64 = new Float64Array([0.5])",
        "const px = new Proxy({}, { get: (t, k) => 'P:' + String(k) })",
        "const bound = function (x) { return this.name + x }.bind(a, '!')",
        "const err = new RangeError('bad'); err.code = 7",
        "Array.prototype.sum = function () { return this.reduce((x, y) => x + y, 0) }",
        "const frozen = Object.freeze({ k: 1 }); const acc = {}; Object.defineProperty(acc, 'hidden', { value: 9, enumerable: false }); Object.defineProperty(acc, 'twice', { get() { return this.base * 2 }, enumerable: true }); acc.base = 21",
        "const proto = { greet() { return 'hi ' + this.n } }; const child = Object.create(proto); child.n = 'c'",
        "let counter = 0; const incs = [() => counter++, () => counter++]",
        "shared.inc()",
        "const cyc = []; cyc.push(cyc)",
    ];

    // Checks after restart: each line prints one result; all must be `true`.
    private static readonly string[] Checks =
    [
        "shared.inc() === 2 && shared.get() === 2",
        "a.self === a && b.a === a && b.alsoA === b.a",
        "g.next().value === 1 && g.next().value === 2",
        "(resolveLater(42), true)",
        "JSON.stringify(seen) === '[\"then:42\",\"await:42\"]'",
        "acct.deposit(10) === 60 && acct.balance === 60 && Account.count === 1 && acct instanceof Account",
        "(() => { try { Account.prototype.deposit.call({}, 1); return false } catch (e) { return e instanceof TypeError } })()",
        "m.get(a) === 1 && s.has(a) && wm.get(a) === 'weak' && ws.has(a)",
        "o2[sym] === 5 && o2[Symbol.for('registered')] === 6 && sym.description === 'k'",
        "big === 1180591620717411303424n",
        "d.getTime() === 1234567890123 && re.lastIndex === 3 && re.exec('xxxaa')[0] === 'aa' && re.lastIndex === 5",
        "dv.getUint8(2) === 3 && ta.buffer === dv.buffer && f64[0] === 0.5",
        "px.foo === 'P:foo'",
        "bound() === 'a!'",
        "err instanceof RangeError && err.message === 'bad' && err.code === 7 && typeof err.stack === 'string'",
        "[1, 2, 3].sum() === 6",
        "Object.isFrozen(frozen) && acc.hidden === 9 && !Object.keys(acc).includes('hidden') && acc.twice === 42",
        "child.greet() === 'hi c' && Object.getPrototypeOf(child) === proto",
        "(incs[0](), incs[1](), counter === 2)",
        "cyc[0] === cyc",
        "w instanceof Promise",
    ];

    [Fact]
    public void EveryKindOfStateSurvivesKillAndRestart()
    {
        using (var shell = Kenshell.Start(_dir.Path))
        {
            foreach (string line in Definitions) shell.Eval(line);
            shell.Kill9();
        }

        using (var shell = Kenshell.Start(_dir.Path))
        {
            foreach (string check in Checks)
            {
                string result = shell.Eval(check);
                Assert.True(result == "true", $"after restart, `{check}` printed {result}\nstderr: {shell.Stderr}");
            }
            shell.Kill9();
        }

        // The promise resolved in the second life; its effects are durable too.
        KenshellResult third = Kenshell.Run(_dir.Path, "JSON.stringify(seen)\nshared.get()\n");
        Assert.Equal(["'[\"then:42\",\"await:42\"]'", "2"], third.StdoutLines);
    }

    [Fact]
    public void SuspendedAsyncFunctionResumesInALaterProcess()
    {
        using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.Eval("let release; const gate = new Promise(r => release = r); let log = []");
            shell.Eval("(async () => { log.push('start'); const v = await gate; log.push('got ' + v); await null; log.push('end') })(), 1");
            shell.Kill9();
        }
        using (var shell = Kenshell.Start(_dir.Path))
        {
            Assert.Equal("'start'", shell.Eval("log.join()"));
            shell.Kill9();
        }
        KenshellResult r = Kenshell.Run(_dir.Path, "release('x'), 0\nlog.join()\n");
        Assert.Equal(["0", "'start,got x,end'"], r.StdoutLines);
    }

    public void Dispose() => _dir.Dispose();
}
