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
    public void AScriptFileRunsAsTurnsThenTheShellExits()
    {
        string script = WriteFile("s.js", "var a = 1\nfunction f() {\n  return a + 1\n}\nf()\n");
        using var shell = Kenshell.Start(_dir.Path, StoreDirectory.Address, [script]);
        KenshellResult r = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["undefined", "undefined", "2"], r.StdoutLines);
        Assert.Equal(["2"], Kenshell.Run(_dir.Path, "f()\n").StdoutLines); // and it persisted
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
        Assert.Equal("var twice = x => x * 2\ntwice(21)\n", File.ReadAllText(saved));
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
