using KenShell.Terminal;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Shell;

/// <summary>
/// The REPL with its line editor in-process (<see cref="InProcessRepl"/>: a real store
/// and V8 heap, keys from memory): what <see cref="LineEditorTerminalTests"/> checked
/// through tmux for the editor's keys, multi-line input, <c>.editor</c>, Ctrl-C, Ctrl-D
/// and <c>.help</c>. The tmux tests that stay check the real terminal end to end
/// (paste, colours, wrapping, timers printing above the line, the history file).
/// </summary>
public sealed class InProcessReplTests : IDisposable
{
    private readonly InProcessRepl _repl = new();

    public void Dispose() => _repl.Dispose();

    [Fact]
    public void EditedLinesRunAsTurnsAndPrintTheirValues()
    {
        var keys = new MemoryKeys()
            .Type("world").Press("Home").Type("'hello ' + '").Press("End").Type("'").Press("Enter")
            .Type("1 + 2 + 300 + 2 + 300").Press("C-w", "C-w", "M-b", "BSpace", "C-e", "BSpace", "BSpace", "BSpace", "Enter")
            .Type("this line goes away").Press("C-u").Type("6 * 7").Press("Enter")
            .Press("C-d");
        Assert.Equal(0, _repl.Run(keys));
        string[] lines = _repl.Lines();
        Assert.Contains("'hello world'", lines);
        Assert.Contains("303", lines);
        Assert.Contains("42", lines);
        Assert.Equal(["'hello ' + 'world'", "1 + 2 +300", "6 * 7"], _repl.History.Entries);
    }

    [Fact]
    public void MultiLineInputCtrlCAndEditorModeBehaveAsNodes()
    {
        var keys = new MemoryKeys()
            .Line("function area(w, h) {").Line("  return w * h").Line("}")
            .Line("area(6, 7)")
            // Ctrl-C drops a pending multi-line input.
            .Line("const broken = {").Press("C-c")
            .Line("typeof broken")
            // .editor: lines until Ctrl-D, which runs the block with the line being typed.
            .Line(".editor").Line("const side = 6").Type("side * 7").Press("C-d")
            .Line("side + 1")
            // Ctrl-C on an empty line says how to exit; twice exits.
            .Press("C-c", "C-c");
        Assert.Equal(0, _repl.Run(keys));
        string[] lines = _repl.Lines();
        Assert.Contains(lines, l => l.StartsWith("... ", StringComparison.Ordinal)); // the continuation prompt
        Assert.Contains("42", lines);
        Assert.Contains("'undefined'", lines);
        Assert.Contains(lines, l => l.Contains("Entering editor mode", StringComparison.Ordinal));
        Assert.Contains("7", lines);
        Assert.Contains("(To exit, press Ctrl+C again or Ctrl+D or type .exit)", lines);
        Assert.Equal(2, lines.Count(l => l == "42"));
    }

    [Fact]
    public void HelpListsTheDotCommandsAndTheEditorsKeyTable()
    {
        Assert.Equal(0, _repl.Run(new MemoryKeys().Line(".help").Line(".exit")));
        string[] lines = _repl.Lines();
        Assert.Contains(lines, l => l.StartsWith(".checkpoint", StringComparison.Ordinal));
        foreach (KeyBinding binding in LineEditor.KeyBindings)
            Assert.Contains(lines, l => l.StartsWith("  " + binding.Keys + " ", StringComparison.Ordinal) && l.EndsWith(binding.Help, StringComparison.Ordinal));
    }

    [Fact]
    public void TabCompletesNamesFromTheHeapAndDotCommands()
    {
        var keys = new MemoryKeys()
            .Line("let someLongName = 41")
            .Type("someLo").Press("Tab").Type(" + 1").Press("Enter")
            .Type(".chec").Press("Tab").Press("C-u")
            .Press("C-d");
        Assert.Equal(0, _repl.Run(keys));
        Assert.Contains("42", _repl.Lines());
        Assert.Equal(["let someLongName = 41", "someLongName + 1"], _repl.History.Entries);
        Assert.Contains(".checkpoint", _repl.Stdout.ToString());
    }
}
