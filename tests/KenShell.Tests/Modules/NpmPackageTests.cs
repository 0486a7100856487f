using System.Text;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Modules;

/// <summary>
/// Real npm packages (lodash 4.17.21, ms 2.1.3, camelcase 8.0.0 (ES module
/// only), date-fns 4.1.0 (CommonJS and ES module entries), installed by
/// ./build.sh test into build/npm): loaded with require or import(), in one
/// turn whose log record holds the source, and still working after kill -9,
/// rm -r node_modules and a restart.
/// </summary>
public sealed class NpmPackageTests : IDisposable
{
    private readonly ModuleProject _project = new();
    private readonly ITestOutputHelper _output;

    public NpmPackageTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void LodashAndMsLoadInOneTurnAndSurviveWithoutNodeModules()
    {
        Assert.True(File.Exists(Path.Combine(KenshellPaths.NpmModules, "lodash", "lodash.js")),
            $"lodash is not installed in {KenshellPaths.NpmModules}: ./build.sh test installs it with npm");
        _project.CopyFrom(KenshellPaths.NpmModules, "node_modules");
        byte[] lodashSource = File.ReadAllBytes(_project.File("node_modules/lodash/lodash.js"));

        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("'ready'", shell.Eval("'ready'"));
            Assert.Equal("[ [ 1, 2 ], [ 3 ] ]", shell.Eval("const _ = require('lodash'); _.chunk([1, 2, 3], 2)"));
            Assert.Equal("7200000", shell.Eval("const ms = require('ms'); ms('2h')"));
            Assert.Equal("[ '4.17.21', '1m', true ]", shell.Eval("[_.VERSION, ms(60000), require('lodash') === _]"));
            shell.Kill9();
        }

        // Loading lodash was one turn (the second), and its record's tape holds lodash.js.
        TurnLogReadResult log = new TurnLogReader(new StoreLayout(_project.Store, StoreDirectory.Address), null).Read();
        Assert.Empty(log.Problems);
        var withLodash = log.Records.Where(r => Contains(r.Tape, lodashSource)).ToList();
        Assert.Single(withLodash);
        Assert.Equal(2UL, withLodash[0].Turn);
        Assert.StartsWith("const _ = require('lodash')", withLodash[0].Source, StringComparison.Ordinal);
        long logBytes = _project.LogSegments().Sum(f => new FileInfo(f).Length);
        Assert.True(logBytes >= lodashSource.Length, $"the log is {logBytes} bytes, lodash.js alone {lodashSource.Length}");
        _output.WriteLine($"lodash.js {lodashSource.Length} bytes; its turn's tape {withLodash[0].Tape.Length} bytes; " +
                          $"log after 4 turns: {logBytes} bytes in {_project.LogSegments().Count} segment(s)");

        Directory.Delete(_project.File("node_modules"), recursive: true);
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ [ 1, 2 ], [ 3, 4 ] ]", shell.Eval("_.chunk([1, 2, 3, 4], 2)"));
            Assert.Equal("[ true, true, 7200000 ]", shell.Eval("[require('lodash') === _, require('ms') === ms, require('ms')('2h')]"));
            Assert.DoesNotContain("diverged", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
            // A checkpoint holds the heap from here on: the same after a restart from it.
            shell.Send(".checkpoint");
            // Turns 5 and 6 ran in this session: the checkpoint is of turn 6.
            string newest = Path.Combine(_project.Store, $"ken_{StoreDirectory.Address}_ckpt_6");
            DateTime deadline = DateTime.UtcNow + Kenshell.DefaultTimeout;
            while (!File.Exists(newest))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no checkpoint of turn 6 appeared\n{shell.Stderr}");
                Thread.Sleep(50);
            }
            shell.Kill9();
        }
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ true, 'aBc' ]", shell.Eval("[require('lodash') === _, _.camelCase('a-bc')]"));
            Assert.Contains("ckpt_6", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EsmPackagesImportAndSurviveWithoutNodeModules()
    {
        Assert.True(File.Exists(Path.Combine(KenshellPaths.NpmModules, "camelcase", "index.js")),
            $"camelcase is not installed in {KenshellPaths.NpmModules}: ./build.sh test installs it with npm");
        _project.CopyFrom(KenshellPaths.NpmModules, "node_modules");
        const string day = "new Date(2020, 0, 30)";
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("'fooBar'", shell.Eval("(await import('camelcase')).default('foo-bar')"));
            Assert.Equal("'2020-02-02'", shell.Eval($"const df = await import('date-fns'); df.format(df.addDays({day}, 3), 'yyyy-MM-dd')"));
            Assert.Equal("'2020-02-02'", shell.Eval($"const dfc = require('date-fns'); dfc.format(dfc.addDays({day}, 3), 'yyyy-MM-dd')"));
            // The ES module entry and the CommonJS one are different modules, as in Node.
            Assert.Equal("[ false, 'function' ]", shell.Eval("[df.format === dfc.format, typeof df.addDays]"));
            Assert.Equal("true", shell.Eval("const cc = await import('camelcase'); cc === await import('camelcase')"));
            // An ES-module-only package cannot be required (Node 20 before require(esm)).
            Assert.Equal("'ERR_REQUIRE_ESM'", shell.Eval("(() => { try { require('camelcase') } catch (e) { return e.code } })()"));
            shell.Kill9();
        }

        Directory.Delete(_project.File("node_modules"), recursive: true);
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ true, true, 'fooBar' ]",
                shell.Eval("[cc === await import('camelcase'), df === await import('date-fns'), cc.default('foo-bar')]"));
            Assert.Equal("'2020-02-03'", shell.Eval($"df.format(df.addDays({day}, 4), 'yyyy-MM-dd')"));
            Assert.DoesNotContain("diverged", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
            shell.Send(".checkpoint");
            string newest = Path.Combine(_project.Store, $"ken_{StoreDirectory.Address}_ckpt_8");
            DateTime deadline = DateTime.UtcNow + Kenshell.DefaultTimeout;
            while (!File.Exists(newest))
            {
                Assert.True(DateTime.UtcNow < deadline, $"no checkpoint of turn 8 appeared\n{shell.Stderr}");
                Thread.Sleep(50);
            }
            shell.Kill9();
        }
        // Restored from the checkpoint (no replay): the module records, their
        // namespaces and the import() callback all work in the restored heap.
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ true, true, 'fooBar', '2020-02-04' ]",
                shell.Eval($"[cc === await import('camelcase'), (await import('date-fns')) === df, cc.default('foo-bar'), df.format(df.addDays({day}, 5), 'yyyy-MM-dd')]"));
            Assert.Contains("ckpt_8", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
        }
    }

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    public void Dispose() => _project.Dispose();
}
