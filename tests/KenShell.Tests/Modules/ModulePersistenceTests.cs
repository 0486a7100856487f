using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Modules;

/// <summary>
/// Module sources are inputs of the turn that loaded them, recorded in its
/// log record: a loaded module survives kill -9, and neither the replay
/// after the crash nor anything later reads its file again.
/// </summary>
public sealed class ModulePersistenceTests : IDisposable
{
    private readonly ModuleProject _project = new();

    private const string Original =
        "globalThis.persistLoads = (globalThis.persistLoads || 0) + 1;\n" +
        "module.exports = { version: 'original', dep: require('dep').name, loads: globalThis.persistLoads };\n";

    [Fact]
    public void ALoadedModuleSurvivesKillWithItsFilesChangedOrGone()
    {
        _project.Write("persist.js", Original);
        _project.Write("node_modules/dep/package.json", "{ \"name\": \"dep\", \"main\": \"main.js\" }");
        _project.Write("node_modules/dep/main.js", "exports.name = 'dep original';\n");
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ 'original', 'dep original', 1 ]", shell.Eval("const p = require('./persist'); [p.version, p.dep, p.loads]"));
            shell.Kill9();
        }

        // After the crash the module changes and its dependency disappears.
        // The restart replays the turn that loaded them: from the log, it
        // must build the original module again.
        _project.Write("persist.js", Original.Replace("'original'", "'changed'", StringComparison.Ordinal));
        Directory.Delete(_project.File("node_modules"), recursive: true);
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ true, 'original', 'original', 'dep original', 1 ]",
                shell.Eval("[p === require('./persist'), p.version, require('./persist').version, p.dep, globalThis.persistLoads]"));
            Assert.Equal("true", shell.Eval("require('dep') === require.cache[require.resolve('./persist')].children[0].exports"));
            // Divergence warnings come before the line that says what recovery did.
            Assert.Contains("replayed from the log", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
            Assert.DoesNotContain("diverged", shell.Stderr, StringComparison.Ordinal);
            shell.Kill9();
        }

        // The file is gone too: still there, and still the same object.
        File.Delete(_project.File("persist.js"));
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ true, 'original' ]", shell.Eval("[p === require('./persist'), require('./persist').version]"));
            Assert.DoesNotContain("diverged", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
            // Dropped from the cache, the next require looks at the disk again, as in Node.
            Assert.Equal("'MODULE_NOT_FOUND'",
                shell.Eval("delete require.cache[require.resolve('./persist')]; (() => { try { require('./persist') } catch (e) { return e.code } })()"));
            shell.Kill9();
        }

        _project.Write("persist.js", Original.Replace("'original'", "'changed'", StringComparison.Ordinal));
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ 'changed', 2, 'original' ]", shell.Eval("const q = require('./persist'); [q.version, q.loads, p.version]"));
            Assert.DoesNotContain("diverged", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AModuleThatThrowsLeavesNothingBehindAcrossRestarts()
    {
        _project.Write("flaky.js", "throw new Error('not yet');\n");
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("'not yet'", shell.Eval("(() => { try { require('./flaky') } catch (e) { return e.message } })()"));
            shell.Kill9();
        }
        _project.Write("flaky.js", "module.exports = 'fixed';\n");
        using (Kenshell shell = _project.Start())
        {
            Assert.Equal("[ false, 'fixed' ]", shell.Eval("[Object.keys(require.cache).length > 0, require('./flaky')]"));
            Assert.DoesNotContain("diverged", shell.WaitForStderr("restored turn"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void ModuleSourcesCountTowardsTheLogBytesThatTriggerACheckpoint()
    {
        // A checkpoint is due after 16 MB of log: one turn that loads a
        // 17 MB module is enough, since its source is in the turn's record.
        _project.Write("big.js", "module.exports = '" + new string('x', 17 << 20) + "'.length;\n");
        using Kenshell shell = _project.Start();
        Assert.Equal("1", shell.Eval("1"));
        Assert.Equal("17825792", shell.Eval("require('./big')"));
        string checkpoint = Path.Combine(_project.Store, $"ken_{StoreDirectory.Address}_ckpt_2");
        DateTime deadline = DateTime.UtcNow + Kenshell.DefaultTimeout;
        while (!File.Exists(checkpoint))
        {
            Assert.True(DateTime.UtcNow < deadline, $"no checkpoint after the turn that loaded 17 MB\n{shell.Stderr}");
            Thread.Sleep(50);
        }
    }

    public void Dispose() => _project.Dispose();
}
