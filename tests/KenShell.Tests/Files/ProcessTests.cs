using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Files;

/// <summary>
/// `process` (issue #15): argv from the command line, env reads recorded on
/// the tape, exit after the turn commits, stdout/stderr.write as turn
/// output in order with console output.
/// </summary>
public sealed class ProcessTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private string PathOf(string name) => System.IO.Path.Combine(_dir.Path, name);

    [Fact]
    public void AScriptSeesItsArgumentsAndExitsWithItsCodeAfterItsTurnCommits()
    {
        File.WriteAllText(PathOf("script.js"),
            "console.log(JSON.stringify(process.argv.slice(1)));\n" +
            "globalThis.ran = (globalThis.ran || 0) + 1;\n" +
            "process.on('exit', (code) => console.log('exit event', code));\n" +
            "process.exit(3);\n" +
            "console.log('never');\n");
        KenshellResult r = Kenshell.Run(_dir.Path, "", "script.js", "a", "b", "--dir", "x");
        Assert.Equal(3, r.ExitCode);
        Assert.Equal([$"[\"{PathOf("script.js")}\",\"a\",\"b\",\"--dir\",\"x\"]", "exit event 3"], r.StdoutLines);
        // The turn that called exit committed; the next start does not exit.
        // The listener belonged to the process that added it, as in Node:
        // a later session neither lists nor runs it.
        KenshellResult next = Kenshell.Run(_dir.Path, "ran\nprocess.argv.length\nprocess.listenerCount('exit')\n");
        Assert.Equal(0, next.ExitCode);
        Assert.Equal(["1", "1", "0"], next.StdoutLines);
    }

    [Fact]
    public void ExitCodeIsTheProcessExitCodeAndExitAtThePromptEndsTheShell()
    {
        File.WriteAllText(PathOf("code.js"), "process.exitCode = 4\n");
        Assert.Equal(4, Kenshell.Run(_dir.Path, "", "code.js").ExitCode);
        KenshellResult r = Kenshell.Run(_dir.Path, "let kept = 7\nprocess.exit(5)\nkept = 8\n");
        Assert.Equal(5, r.ExitCode);
        Assert.Equal(["undefined"], r.StdoutLines);
        Assert.Equal(["7"], Kenshell.Run(_dir.Path, "kept\n").StdoutLines);
    }

    [Fact]
    public void ExitListenersRunWhenTheShellEndsNormally()
    {
        File.WriteAllText(PathOf("listen.js"), "process.on('exit', (code) => { console.log('exiting with', code); require('fs').writeFileSync('bye.txt', 'bye ' + code) });\nprocess.exitCode = 6;\n");
        KenshellResult r = Kenshell.Run(_dir.Path, "", "listen.js");
        Assert.Equal(6, r.ExitCode);
        Assert.Equal(["exiting with 6"], r.StdoutLines);
        Assert.Equal("bye 6", File.ReadAllText(PathOf("bye.txt")));
    }

    [Fact]
    public void ExitListenersCanBeRemovedAndBelongToTheirSession()
    {
        KenshellResult r = Kenshell.Run(_dir.Path,
            "const f = () => console.log('f ran'); const g = () => console.log('g ran')\n" +
            "process.on('exit', f).on('exit', g); process.off('exit', f); process.listeners('exit').length\n" +
            "process.on('exit', f); process.removeListener('exit', f); process.eventNames()\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["undefined", "1", "[ 'exit' ]", "g ran"], r.StdoutLines);
        // g was this session's: the next one does not run it, and may add its own.
        KenshellResult next = Kenshell.Run(_dir.Path, "[process.listenerCount('exit'), process.eventNames()]\nprocess.once('exit', f); 1\n");
        Assert.Equal(["[ 0, [] ]", "1", "f ran"], next.StdoutLines);
    }

    [Fact]
    public void EnvAssignmentsBecomeStringsDeletesStayAndTheEnvironmentIsNotChanged()
    {
        var env = new Dictionary<string, string> { ["KEN_TEST_GONE"] = "here" };
        KenshellResult r = Kenshell.RunWith(env, _dir.Path,
            "process.env.N = 5; process.env.U = undefined; [typeof process.env.N, process.env.N, process.env.U]\n" +
            "delete process.env.KEN_TEST_GONE; ['KEN_TEST_GONE' in process.env, Object.keys(process.env).includes('N')]\n" +
            "try { process.env.S = Symbol('s') } catch (e) { e.message }\n" +
            "try { Object.defineProperty(process.env, 'G', { get() { return 1 } }) } catch (e) { e.code }\n" +
            "try { Object.defineProperty(process.env, 'D', { value: 1 }) } catch (e) { e.message }\n" +
            "Object.defineProperty(process.env, 'D', { value: 2, writable: true, enumerable: true, configurable: true }); typeof process.env.D\n" +
            "[require('util').inspect(process.env).startsWith('{'), require('util').inspect({ e: process.env }, { depth: 0 })]\n");
        Assert.Equal([
            "[ 'string', '5', 'undefined' ]",
            "[ false, true ]",
            "'Cannot convert a Symbol value to a string'",
            "'ERR_INVALID_OBJECT_DEFINE_PROPERTY'",
            "\"'process.env' only accepts a configurable, writable, and enumerable data descriptor\"",
            "'string'",
            "[ true, '{ e: [Object] }' ]",
        ], r.StdoutLines);
        // The deletion and the assignments are the heap's: the next session
        // (same environment) still sees them; the real environment was not
        // changed (the variable comes back once the environment changes it).
        KenshellResult next = Kenshell.RunWith(env, _dir.Path, "[process.env.KEN_TEST_GONE, process.env.N]\n");
        Assert.Equal(["[ undefined, '5' ]"], next.StdoutLines);
        var changed = new Dictionary<string, string> { ["KEN_TEST_GONE"] = "back" };
        Assert.Equal(["'back'"], Kenshell.RunWith(changed, _dir.Path, "process.env.KEN_TEST_GONE\n").StdoutLines);
    }

    [Fact]
    public void WritesToStdoutAndStderrAreOutputInOrderWithConsole()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "process.stdout.write('a'); console.log('b'); process.stdout.write(Uint8Array.of(0x63, 0x0a)); process.stderr.write('e\\n'); 1\n");
        Assert.Equal(["ab", "c", "1"], r.StdoutLines);
        Assert.Equal("e\n", r.Stderr);
    }

    [Fact]
    public void EnvironmentReadsAreRecordedAndReplayed()
    {
        var first = new Dictionary<string, string> { ["KENSHELL_CHECKPOINT_EVERY"] = "100000", ["KEN_TEST_VALUE"] = "one" };
        Assert.Equal(["'one'"], Kenshell.RunWith(first, _dir.Path, "var seen = process.env.KEN_TEST_VALUE; seen\n").StdoutLines);
        var second = new Dictionary<string, string> { ["KENSHELL_CHECKPOINT_EVERY"] = "100000", ["KEN_TEST_VALUE"] = "two" };
        KenshellResult r = Kenshell.RunWith(second, _dir.Path, "seen\nprocess.env.KEN_TEST_VALUE\nprocess.env.X_SET = '5'; process.env.X_SET\n");
        Assert.DoesNotContain("diverged", r.Stderr);
        Assert.Equal(["'one'", "'two'", "'5'"], r.StdoutLines);
    }

    [Fact]
    public void ProcessHasNodes18Identity()
    {
        KenshellResult r = Kenshell.Run(_dir.Path,
            "[process.version, process.versions.node, process.versions.v8, process.platform, typeof process.pid, typeof process.hrtime.bigint(), process.hrtime().length, typeof process.uptime(), typeof process.memoryUsage().heapUsed]\n" +
            "[Object.keys(globalThis).includes('process'), require('process') === process, require('node:process') === process, typeof process.cwd()]\n");
        Assert.Equal([
            "[",
            "  'v18.20.4',",
            "  '18.20.4',",
            "  '10.2.154.26-node.37',",
            "  'linux',",
            "  'number',",
            "  'bigint',",
            "  2,",
            "  'number',",
            "  'number'",
            "]",
            "[ false, true, true, 'string' ]",
        ], r.StdoutLines);
    }

    public void Dispose() => _dir.Dispose();
}
