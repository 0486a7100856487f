using System.Text;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Modules;

/// <summary>
/// Real npm packages (lodash 4.17.21, ms 2.1.3, installed by ./build.sh test
/// into build/npm): loaded with require, in one turn whose log record holds
/// the source, and still working after kill -9, rm -r node_modules and a
/// restart.
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

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;

    public void Dispose() => _project.Dispose();
}
