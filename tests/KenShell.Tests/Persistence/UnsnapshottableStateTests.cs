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

    // Intl objects with options of every kind, formatted, described by their
    // resolved options: a checkpoint drops the ICU objects and a restore
    // rebuilds each from what it kept; everything must read the same after.
    private const string IntlProbe =
        "JSON.stringify(intlMix.map(([o, use]) => [Object.prototype.toString.call(o), o.resolvedOptions ? o.resolvedOptions() : String(o), use(o)]))";

    [Fact]
    public void IntlObjectsRebuiltFromACheckpointAreEqualToTheOriginals()
    {
        string before;
        using (var shell = Kenshell.Start(_dir.Path))
        {
            shell.Eval(string.Join(" ",
                "const intlMix = [",
                "[new Intl.NumberFormat('de-CH', { style: 'currency', currency: 'CHF', currencyDisplay: 'name', minimumFractionDigits: 3 }), (o) => o.format(1234.5)],",
                "[new Intl.NumberFormat('en', { maximumSignificantDigits: 2, notation: 'compact', compactDisplay: 'long' }), (o) => o.format(123456)],",
                "[new Intl.NumberFormat('en', { style: 'unit', unit: 'kilometer-per-hour', unitDisplay: 'long', signDisplay: 'always' }), (o) => o.format(50)],",
                "[new Intl.NumberFormat('ar-EG', { style: 'percent', useGrouping: false }), (o) => o.formatToParts(0.256)],",
                "[new Intl.DateTimeFormat('en-GB', { dateStyle: 'full', timeStyle: 'long', timeZone: 'Asia/Tokyo' }), (o) => o.format(86400000)],",
                "[new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', hour12: false, timeZone: 'UTC', timeZoneName: 'short', fractionalSecondDigits: 2 }), (o) => o.format(123456789)],",
                "[new Intl.DateTimeFormat('ja-JP-u-ca-japanese', { era: 'long', year: 'numeric', month: 'long', weekday: 'short', timeZone: 'UTC' }), (o) => o.formatRange(0, 86400000 * 40)],",
                "[new Intl.DateTimeFormat('en', { dayPeriod: 'long', hour: 'numeric', timeZone: 'America/New_York', hourCycle: 'h11' }), (o) => o.format(0)],",
                "[new Intl.Collator('de-u-co-phonebk', { sensitivity: 'base', numeric: true, caseFirst: 'upper' }), (o) => ['a10', 'A2', 'ä1'].sort(o.compare)],",
                "[new Intl.PluralRules('cy', { type: 'ordinal', minimumIntegerDigits: 2 }), (o) => [0, 1, 2, 3, 5, 6].map((n) => o.select(n))],",
                "[new Intl.RelativeTimeFormat('es', { numeric: 'auto', style: 'narrow' }), (o) => o.format(-1, 'day') + o.format(3, 'month')],",
                "[new Intl.ListFormat('fr', { type: 'unit', style: 'short' }), (o) => o.format(['a', 'b', 'c'])],",
                "[new Intl.DisplayNames(['zh-Hant'], { type: 'language', languageDisplay: 'standard', fallback: 'none' }), (o) => o.of('en-GB')],",
                "[new Intl.Segmenter('th', { granularity: 'word' }), (o) => Array.from(o.segment('สวัสดีครับ'), (s) => s.segment)],",
                "[new Intl.Locale('en-Latn-US', { calendar: 'gregory', hourCycle: 'h23', numeric: true }), (o) => [o.baseName, o.calendar, o.hourCycle, o.numeric, String(o.minimize())]],",
                "]; intlMix.length"));
            before = shell.Eval(IntlProbe);
            shell.Send(".checkpoint");
            shell.WaitForStderr("writing a checkpoint");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (!_dir.Checkpoints().Any(c => c.Turn >= 1))
            {
                Assert.True(DateTime.UtcNow < deadline, "the checkpoint was never written\n" + shell.Stderr);
                Thread.Sleep(50);
            }
            shell.Kill9();
        }
        using (var shell = Kenshell.Start(_dir.Path))
        {
            Assert.Equal(before, shell.Eval(IntlProbe));
            shell.WaitForStderr("+ 0 turns replayed"); // restored from the checkpoint, not rebuilt by replay
        }
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
