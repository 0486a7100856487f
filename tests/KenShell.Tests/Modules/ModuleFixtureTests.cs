using System.Text;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Modules;

/// <summary>
/// `require` against the real thing: every case in
/// tests/fixtures/modules/cases.txt (relative requires, JSON, a cycle,
/// require.cache, package.json main and exports with conditions and
/// subpaths, nested node_modules, a throwing module, ESM files, missing
/// modules...) is typed into a kenshell started in a copy of
/// tests/fixtures/modules/project, exactly as record.js typed it into
/// `node -i` started there, and each case must print what Node printed
/// (node-output.txt), with the project's path written as &lt;DIR&gt;.
/// </summary>
public sealed class ModuleFixtureTests : IDisposable
{
    private readonly ModuleProject _project = new();

    [Fact]
    public void EveryCaseRequiresAsInNode()
    {
        _project.CopyFrom(KenshellPaths.Fixture("modules/project"));
        List<RecordedCases.Case> cases = RecordedCases.Load("modules/cases.txt");
        Dictionary<string, string> recorded = RecordedCases.LoadOutputs("modules/node-output.txt");
        Assert.True(cases.Count >= 40, $"only {cases.Count} cases");
        string input = RecordedCases.Input(cases);
        KenshellResult result = _project.Run(input);
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("warning", result.Stderr, StringComparison.Ordinal);

        RecordedCases.AssertEachCaseAsRecorded(cases, recorded, result, result.Stdout.Replace(_project.Dir, "<DIR>", StringComparison.Ordinal));
    }

    [Fact]
    public void NodesBuiltInModulesAreNotProvidedYetAndSaySo()
    {
        KenshellResult result = _project.Run(
            "const E = (f) => { try { f(); return 'loaded' } catch (e) { return `${e.code}|${e.message}` } }\n" +
            "E(() => require('zlib'))\n" +
            "E(() => require('node:zlib'))\n" +
            "E(() => require('node:test'))\n" +
            "E(() => require('test'))\n" +
            "require.resolve('util')\n" +
            "require.resolve.paths('fs')\n" +
            "'still running'\n");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(
        [
            "undefined",
            "\"ERR_UNKNOWN_BUILTIN_MODULE|Node's built-in module 'zlib' is not provided by kenshell yet (require('zlib'))\"",
            "\"ERR_UNKNOWN_BUILTIN_MODULE|Node's built-in module 'zlib' is not provided by kenshell yet (require('node:zlib'))\"",
            "\"ERR_UNKNOWN_BUILTIN_MODULE|Node's built-in module 'test' is not provided by kenshell yet (require('node:test'))\"",
            // Without the prefix, 'test' is an ordinary package name (as in Node).
            "\"MODULE_NOT_FOUND|Cannot find module 'test'\\nRequire stack:\\n- <repl>\"",
            "'util'",
            "null",
            "'still running'",
        ], result.StdoutLines);
    }

    [Fact]
    public void RequireDoesNotDependOnBuiltinsUserCodeReplaces()
    {
        _project.Write("node_modules/plain/package.json", "{ \"main\": \"lib/main.js\", \"exports\": { \".\": { \"require\": \"./lib/main.js\" } } }");
        _project.Write("node_modules/plain/lib/main.js", "exports.answer = require('../data.json').n * 2;\n");
        _project.Write("node_modules/plain/data.json", "{ \"n\": 21 }");
        KenshellResult result = _project.Run(
            "String.prototype.split = String.prototype.slice = String.prototype.startsWith = String.prototype.indexOf = null; " +
            "Array.prototype.join = Array.prototype.push = null; delete Array.prototype[Symbol.iterator]; " +
            "JSON.parse = Map.prototype.get = Map.prototype.set = Object.prototype.hasOwnProperty = globalThis.eval = null; 'sabotaged'\n" +
            "require('plain').answer\n" +
            "(() => { try { require('nope') } catch (e) { return e.code } })()\n");
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(["'sabotaged'", "42", "'MODULE_NOT_FOUND'"], result.StdoutLines);
    }

    [Fact]
    public void ErrorsThroughTheLoaderShowNoRuntimeFrames()
    {
        _project.Write("outer.js", "require('./inner');\n");
        _project.Write("inner.js", "\nthrow new TypeError('inner failed');\n");
        KenshellResult result = _project.Run(
            "const frames = (f) => { try { f() } catch (e) { return e.stack.split('\\n').slice(1).map((l) => l.trim()) } }\n" +
            "frames(() => require('./outer'))\n" +
            "frames(() => require('nope')).length\n");
        Assert.Equal(0, result.ExitCode);
        string stdout = result.Stdout.Replace(_project.Dir, "<DIR>", StringComparison.Ordinal);
        Assert.Equal(
            "undefined\n" +
            "[\n" +
            "  'at Object.<anonymous> (<DIR>/inner.js:2:7)',\n" +
            "  'at Object.<anonymous> (<DIR>/outer.js:1:1)'\n" +
            "]\n" +
            // Require stack: and its line, then the caller's three frames.
            "5\n", stdout);
    }

    public void Dispose() => _project.Dispose();
}
