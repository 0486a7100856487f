using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Shell;

/// <summary>Dot commands and the script-file argument.</summary>
public sealed class DotCommandTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private string WriteFile(string name, string text)
    {
        string path = Path.Combine(_dir.Path, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void AScriptFileRunsAsOneProgramPrintingOnlyWhatItPrints()
    {
        // As `node s.js`: one program, its own output only (no "undefined"
        // per statement); unlike Node, what it defines stays in the heap.
        string script = WriteFile("s.js", "#!/usr/bin/env kenshell\nvar a = 1\nfunction f() {\n  return a + 1\n}\nconsole.log('ran',\n  f())\nf()\n");
        using var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [script]);
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("ran 2\n", r.Stdout);
        KenshellResult after = Kenshell.Run(_dir.Path, ".info\nf()\n");
        Assert.Contains("turns committed:  1", after.Stdout); // the whole file was one turn
        Assert.Equal("2", after.StdoutLines[^1]); // and it persisted
    }

    [Fact]
    public void AScriptFileThatThrowsReportsItOnStderrAndExitsOne()
    {
        string script = WriteFile("t.js", "var b = 1\nconsole.log('before')\nthrow new Error('boom')\n");
        using var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [script]);
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("before\n", r.Stdout);
        // As `node t.js` prints it: where, the line, a caret, then the error.
        Assert.Contains($"{script}:3\nthrow new Error('boom')\n^\n\nError: boom\n    at {script}:3:7", r.Stderr);
        // The turn completed by throwing, as an input that throws does: its
        // earlier effects are kept (kenshell's rule, README).
        Assert.Equal("1", Kenshell.Run(_dir.Path, "b\n").StdoutLines[^1]);
    }

    [Fact]
    public void AScriptFileWithASyntaxErrorRunsNothing()
    {
        string script = WriteFile("bad.js", "var c = 1\nfunction (\n");
        using var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [script]);
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("SyntaxError", r.Stdout + r.Stderr);
        Assert.Equal("'undefined'", Kenshell.Run(_dir.Path, "typeof c\n").StdoutLines[^1]);
    }

    // tests/fixtures/umd/minilib.js: a UMD library of ~480 lines (an IIFE
    // over many lines, internal helpers, a private setTimeout, calls whose
    // arguments span lines). What follows .load is what `node -i` (v20.20.2)
    // printed for the same inputs.
    private static readonly string[] UmdChecks =
    [
        "Object.getOwnPropertyNames(globalThis).filter(n => !before.includes(n))",
        "MiniLib.chunk([1,2,3,4,5], 2)",
        "MiniLib.sum([1,2,3])",
        "MiniLib.fold39([1], 0)",
        "MiniLib.schedule(() => 1)",
        "MiniLib.flush()",
        "typeof setTimeout(() => {}, 1e6)", // node printed the same for a 0 ms delay
        "MiniLib.VERSION",
    ];

    private static readonly string[] UmdNodePrinted =
        ["[ 'MiniLib' ]", "[ [ 1, 2 ], [ 3, 4 ], [ 5 ] ]", "6", "1", "1", "1", "'object'", "'1.2.3'"];

    [Fact]
    public void AUmdLibraryLoadsAsInNodeAddingOneGlobal()
    {
        string lib = KenshellPaths.Fixture("umd/minilib.js");
        KenshellResult r = Kenshell.Run(_dir.Path,
            $"const before = Object.getOwnPropertyNames(globalThis)\n.load {lib}\n" + string.Join("\n", UmdChecks) + "\n.info\n");
        Assert.Equal(["undefined", "undefined", .. UmdNodePrinted], r.StdoutLines.Take(2 + UmdNodePrinted.Length).ToArray());
        Assert.DoesNotContain("Error", r.Stderr);
        Assert.Contains($"turns committed:  {2 + UmdChecks.Length}", r.Stdout); // .load was one turn
    }

    [Fact]
    public void AUmdLibraryRunsAsAProgramAddingOneGlobal()
    {
        Kenshell.Run(_dir.Path, "const before = Object.getOwnPropertyNames(globalThis)\n");
        using (var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [KenshellPaths.Fixture("umd/minilib.js")]))
        {
            KenshellResult program = shell.WaitForExit(Kenshell.DefaultTimeout);
            Assert.Equal(0, program.ExitCode);
            Assert.Equal("", program.Stdout);
        }
        KenshellResult r = Kenshell.Run(_dir.Path, string.Join("\n", UmdChecks) + "\n");
        Assert.Equal(UmdNodePrinted, r.StdoutLines);
    }

    [Fact]
    public void CtrlCStopsALoadAndRollsItBack()
    {
        string script = WriteFile("spin.js", "globalThis.loadMarker = 1\nwhile (true) {\n}\n");
        using var shell = Kenshell.Start(_dir.Path);
        shell.Send($".load {script}");
        shell.WaitUntilBusy(TimeSpan.FromMilliseconds(300));
        shell.Signal(Mono.Unix.Native.Signum.SIGINT);
        shell.WaitForStderr("rolled back");
        Assert.Equal("'undefined'", shell.Eval("typeof loadMarker"));
    }

    [Fact]
    public void LoadRunsAFileAndSaveWritesTheSessionsInputs()
    {
        string script = WriteFile("lib.js", "var twice = x => x * 2\n");
        string saved = Path.Combine(_dir.Path, "saved.js");
        KenshellResult r = Kenshell.Run(_dir.Path, $".load {script}\ntwice(21)\n.save {saved}\n.load /no/such/file.js\n");
        Assert.Equal("undefined", r.StdoutLines[0]);
        Assert.Equal("42", r.StdoutLines[1]);
        Assert.Equal($"Session saved to: {saved}", r.StdoutLines[2]);
        Assert.StartsWith("Failed to load: /no/such/file.js", r.StdoutLines[3]);
        Assert.Equal("var twice = x => x * 2\ntwice(21)\n", File.ReadAllText(saved)); // the file, then the line typed
    }

    [Fact]
    public void EveryDotCommandLetsTheSessionGoOnButExit()
    {
        // One table serves dispatch, .help and completion: every command but
        // .exit leaves the shell reading input, with or without an argument.
        KenshellResult r = Kenshell.Run(_dir.Path, ".load\n.save\n.break\n.clear\n.info\n.checkpoint\n.help\n.editor\n.end\n.foo\n'still here'\n.exit\n'not run'\n");
        Assert.Equal(2, r.StdoutLines.Count(l => l == "The \"file\" argument must be specified"));
        Assert.Contains("Invalid REPL keyword", r.StdoutLines);
        Assert.Contains(r.StdoutLines, l => l.StartsWith(".load FILE", StringComparison.Ordinal));
        Assert.Equal("'still here'", r.StdoutLines[^1]);
    }

    [Fact]
    public void EditorModeRunsABlockAsOneTurnAndBreakCancels()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, ".editor\nconst q = 5\nq * 2\n.end\nfunction g() {\n.break\n.editor\nthrow 1\n.break\n'after'\n");
        Assert.Equal([
            "// Entering editor mode (.end on a line of its own or Ctrl+D to run, .break to cancel)",
            "10",
            "// Entering editor mode (.end on a line of its own or Ctrl+D to run, .break to cancel)",
            "'after'",
        ], r.StdoutLines);
    }

    [Fact]
    public void ClearNeverWipesThePersistentHeap()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "x = 1\n.clear\nx\n");
        Assert.Equal("1", r.StdoutLines[0]);
        Assert.Contains("was not cleared", r.StdoutLines[1]);
        Assert.Equal("1", r.StdoutLines[2]);
    }

    [Fact]
    public void InfoDescribesTheStore()
    {
        KenshellResult r = Kenshell.Run(_dir.Path, "x = 1\nsetTimeout(() => {}, 100000); 0\nken.send('127.0.0.1:9', 'hello'); 0\n.info\n");
        Assert.Contains("turns committed:  3", r.Stdout);
        Assert.Contains("pending timers:   1", r.Stdout);
        Assert.Contains("pending messages: 1 sent and not yet acknowledged; 0 received, waiting for ken.onmessage", r.Stdout);
        Assert.Contains("checkpoints:      turn 0", r.Stdout);
    }

    [Fact]
    public void HelpListsTheCommandsAndVersionPrintsOne()
    {
        Assert.Contains(".checkpoint", Kenshell.Run(_dir.Path, ".help\n").Stdout);
        using var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, ["--version"]);
        KenshellResult v = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(0, v.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", v.Stdout);
    }

    public void Dispose() => _dir.Dispose();
}
