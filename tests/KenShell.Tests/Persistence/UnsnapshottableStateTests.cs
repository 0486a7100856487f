using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Persistence;

/// <summary>
/// State V8's serializer cannot write never aborts the shell: the prelude
/// makes Intl objects, WeakRef and FinalizationRegistry persistable; what
/// is left (e.g. an ICU segment iterator) makes background checkpoints fail
/// with a warning, while the turn log keeps every turn safe.
/// </summary>
public sealed class UnsnapshottableStateTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    [Fact]
    public void IntlObjectsPersistAndWorkAfterRestart()
    {
        using (var shell = Kenshell.Start(_dir.Path))
        {
            Assert.Equal("'1/2/1970'", shell.Eval("const dtf = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC' }); dtf.format(new Date(86400000))"));
            Assert.Equal("'$1.50'", shell.Eval("const nf = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }); const fmt = nf.format; fmt(1.5)"));
            shell.Eval("const coll = new Intl.Collator('de'); const pr = new Intl.PluralRules('en-US'); const rtf = new Intl.RelativeTimeFormat('en'); 0");
            shell.Eval("const lf = new Intl.ListFormat('en', { type: 'conjunction' }); const loc = new Intl.Locale('en-Latn-US'); 0");
            shell.Eval("const seg = new Intl.Segmenter('en', { granularity: 'word' }); const dn = new Intl.DisplayNames(['en'], { type: 'region' }); 0");
            shell.Eval("const intlStuff = [dtf, nf, coll, pr, rtf, lf, loc, seg, dn]; 0");
            shell.Kill9();
        }
        KenshellResult r = Kenshell.Run(_dir.Path, string.Join("\n",
            "dtf.format(new Date(0))",
            "nf.format(3) + ' ' + fmt(4) + ' ' + (nf.format === fmt)",
            "['b', 'a', 'ä'].sort(coll.compare).join('')",
            "pr.select(1) + ' ' + pr.select(2)",
            "rtf.format(-1, 'day')",
            "lf.format(['a', 'b', 'c'])",
            "loc.language + ' ' + loc.maximize().toString()",
            "[...seg.segment('hi there')].filter(s => s.isWordLike).map(s => s.segment).join('|')",
            "dn.of('DE')",
            "dtf instanceof Intl.DateTimeFormat && nf.resolvedOptions().currency",
            "Intl.DateTimeFormat('en-US', { timeZone: 'UTC' }).format(0)",
            "") );
        Assert.Equal([
            "'1/1/1970'",
            "'$3.00 $4.00 true'",
            "'aäb'",
            "'one other'",
            "'1 day ago'",
            "'a, b, and c'",
            "'en en-Latn-US'",
            "'hi|there'",
            "'Germany'",
            "'USD'",
            "'1/1/1970'",
        ], r.StdoutLines);
    }

    [Fact]
    public void WeakRefAndFinalizationRegistryWithPendingCellsPersist()
    {
        using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.Eval("let target = { v: 1 }; const wr = new WeakRef(target); let called = 0; const fr = new FinalizationRegistry(() => called++); fr.register(target, 'held'); fr.register({}, 'other'); 0");
            shell.Kill9();
        }
        KenshellResult r = Kenshell.Run(_dir.Path, "wr.deref() === target && wr.deref().v\ncalled\nfr instanceof FinalizationRegistry\n");
        Assert.Equal(["1", "0", "true"], r.StdoutLines);
    }

    [Fact]
    public void StateNoCheckpointCanHoldIsStillDurableThroughTheLog()
    {
        // An ICU segment iterator kept in a variable: V8's serializer cannot
        // write it, so background checkpoints fail (and say so), but the
        // turn is committed in the log and replayed after a crash.
        var every = new Dictionary<string, string> { ["KENSHELL_CHECKPOINT_EVERY"] = "1" };
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [], every))
        {
            Assert.Equal("1", shell.Eval("x = 1"));
            Assert.Equal("'done'", shell.Eval("x = 2; globalThis.segments = new Intl.Segmenter('en').segment('a b'); 'done'"));
            Thread.Sleep(1500); // let a checkpoint already being written finish: the next one must hold `segments`
            Assert.Equal("3", shell.Eval("x = 3"));
            Assert.Equal("4", shell.Eval("x = 4"));
            shell.CloseInput();
            KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
            Assert.Contains("cannot save", r.Stderr);
            Assert.Contains("still safe in the log", r.Stderr);
        }
        KenshellResult after = Kenshell.Run(_dir.Path, "x\n[...segments].length\n");
        Assert.Equal(["4", "3"], after.StdoutLines);
    }

    public void Dispose() => _dir.Dispose();
}
