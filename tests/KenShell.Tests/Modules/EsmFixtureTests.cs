using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Modules;

/// <summary>
/// ES modules against the real thing: every case in
/// tests/fixtures/esm/cases.txt (the namespace object, live bindings, a
/// cycle, top-level await, export * and re-exports, import.meta, CommonJS
/// interop, package "exports" with the import condition, "type": "module",
/// import() inside modules and functions, and the errors) is typed into a
/// kenshell started in a copy of tests/fixtures/esm/project, as record.js
/// typed it into `node -i`, and each case must print what Node printed
/// (node-output.txt).
/// </summary>
public sealed class EsmFixtureTests : IDisposable
{
    private readonly ModuleProject _project = new();

    [Fact]
    public void EveryCaseImportsAsInNode()
    {
        _project.CopyFrom(KenshellPaths.Fixture("esm/project"));
        List<RecordedCases.Case> cases = RecordedCases.Load("esm/cases.txt");
        Dictionary<string, string> recorded = RecordedCases.LoadOutputs("esm/node-output.txt");
        Assert.True(cases.Count >= 40, $"only {cases.Count} cases");
        string input = RecordedCases.Input(cases);
        KenshellResult result = _project.Run(input);
        Assert.Equal(0, result.ExitCode);
        Assert.DoesNotContain("warning", result.Stderr, StringComparison.Ordinal);

        RecordedCases.AssertEachCaseAsRecorded(cases, recorded, result, result.Stdout.Replace(_project.Dir, "<DIR>", StringComparison.Ordinal));
    }

    [Fact]
    public void ImportDoesNotDependOnBuiltinsUserCodeReplaces()
    {
        _project.Write("m.mjs", "import { n } from './dep.mjs';\nexport const answer = n * 2;\n");
        _project.Write("dep.mjs", "export const n = 21;\n");
        KenshellResult result = _project.Run(
            "String.prototype.split = String.prototype.slice = String.prototype.startsWith = String.prototype.indexOf = null; " +
            "Array.prototype.join = Array.prototype.push = Array.prototype.sort = null; delete Array.prototype[Symbol.iterator]; " +
            "Map.prototype.get = Map.prototype.set = Set.prototype.has = Object.keys = Promise.prototype.then = Promise.resolve = null; " +
            "Object.defineProperty(Object.prototype, 'type', { set() { throw new Error('setter ran') }, configurable: true }); " +
            "Object.getPrototypeOf(function* () {}).prototype.next = null; RegExp.prototype.exec = null; 'sabotaged'\n" +
            "(await import('./m.mjs')).answer\n" +
            "`${typeof String.prototype.slice} ${RegExp.prototype.exec} ${typeof Object.getOwnPropertyDescriptor(Object.prototype, 'type').set}`\n");
        Assert.Equal(0, result.ExitCode);
        // ...and the user's replacements are back once the parser is done.
        Assert.Equal(["'sabotaged'", "42", "'object null function'"], result.StdoutLines);
    }

    [Fact]
    public void AFailedImportCanBeRetriedOnceTheFileIsFixed()
    {
        _project.Write("flaky.mjs", "throw new Error('not yet');\nexport default 'never';\n");
        _project.Write("user.mjs", "import value from './flaky.mjs';\nexport default value;\n");
        using Kenshell shell = _project.Start();
        Assert.Equal("'not yet'", shell.Eval("(await import('./user.mjs').catch((e) => e)).message"));
        _project.Write("flaky.mjs", "export default 'fixed';\n");
        Assert.Equal("'fixed'", shell.Eval("(await import('./user.mjs')).default"));
    }

    [Fact]
    public void AnMjsFileRunsAsAModuleProgram()
    {
        _project.Write("lib.mjs", "export const greet = (name) => `hello ${name}`;\n");
        _project.Write("main.mjs", "#!/usr/bin/env kenshell\nimport { greet } from './lib.mjs';\nconsole.log(greet('module'), import.meta.url.endsWith('/main.mjs'));\nawait null;\nglobalThis.ranMain = true;\n");
        using (Kenshell shell = _project.Start(_project.File("main.mjs")))
        {
            KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
            Assert.Equal(0, r.ExitCode);
            Assert.Equal("hello module true\n", r.Stdout);
        }
        Assert.Equal("[ true, 'hello again' ]", _project.Run("[ranMain, (await import('./lib.mjs')).greet('again')]\n").StdoutLines[^1]);
    }

    [Fact]
    public void AnMjsProgramThatThrowsSaysWhereAsNodeDoes()
    {
        _project.Write("fails.mjs", "const x = 1;\nthrow new Error('boom');\n");
        using Kenshell shell = _project.Start(_project.File("fails.mjs"));
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains($"Error: boom\n    at file://{_project.File("fails.mjs")}:2:7", r.Stderr);
    }

    [Fact]
    public void AnImportStatementInAScriptFileIsNotAReplError()
    {
        // A .js program is a classic script, as for node with no "type": the
        // error is V8's, without the REPL's import() suggestion.
        _project.Write("static.js", "import x from './x.mjs';\n");
        using Kenshell shell = _project.Start(_project.File("static.js"));
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("SyntaxError: Cannot use import statement outside a module", r.Stdout + r.Stderr);
        Assert.DoesNotContain("REPL", r.Stdout + r.Stderr);
    }

    public void Dispose() => _project.Dispose();
}
