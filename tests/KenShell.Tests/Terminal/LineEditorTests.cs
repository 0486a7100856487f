using KenShell.Terminal;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Terminal;

/// <summary>
/// The shipping <see cref="LineEditor"/> in-process, its keys from bytes in memory
/// (<see cref="MemoryKeys"/>, decoded by the real <see cref="KeyDecoder"/>): each key of
/// the table, history browsing, reverse search, completion, paste, and the events
/// that end a read. The tmux tests keep checking the same editor in a real terminal.
/// </summary>
public sealed class LineEditorTests
{
    private static readonly string[] Names = ["alpha", "alphabet", "beta"];

    private static CompletionResult Complete(string before, bool startOfInput)
    {
        int start = before.LastIndexOf(' ') + 1;
        string word = before[start..];
        return new CompletionResult(start, Names.Where(n => n.StartsWith(word, StringComparison.Ordinal)).ToArray());
    }

    private static (List<string> Lines, List<EditorEvent> Events, LineEditor Editor, StringWriter Screen) Read(MemoryKeys keys, params string[] history)
    {
        var screen = new StringWriter();
        var h = LineHistory.InMemory();
        foreach (string entry in history) h.Add(entry);
        var editor = new LineEditor(keys, null, screen, h, Complete, () => 80);
        var lines = new List<string>();
        var events = new List<EditorEvent>();
        while (true)
        {
            EditorEvent e = editor.TryReadLine("> ", null, true, out string? line);
            events.Add(e);
            if (line is not null) lines.Add(line);
            if (e == EditorEvent.EndOfInput) break;
        }
        return (lines, events, editor, screen);
    }

    [Fact]
    public void MotionAndKillKeysEditAsInReadline()
    {
        var keys = new MemoryKeys()
            .Type("world").Press("Home").Type("'hello ' + '").Press("End").Type("'").Press("Enter")
            .Type("1 + 2 + 300").Press("C-a", "M-f", "C-k").Press("Enter")
            .Type("1 + 2 + 300").Press("C-a", "M-f", "C-k", "C-y", "C-y").Press("Enter")
            .Type("1 + 2 + 300 + 2 + 300").Press("C-w", "C-w", "M-b", "BSpace").Press("Enter")
            .Type("gone").Press("C-u").Type("6 * 7").Press("Enter")
            .Type("ab").Press("C-t", "Enter")
            .Type("abc").Press("C-b", "C-b", "C-d", "Left", "Delete", "Enter")
            .Type("one two").Press("C-Left", "M-d", "Enter")
            .Type("x").Press("M-BSpace").Type("y").Press("C-e", "C-f", "Right", "Enter");
        (List<string> lines, _, _, _) = Read(keys);
        Assert.Equal([
            "'hello ' + 'world'", "1", "1 + 2 + 300 + 2 + 300", "1 + 2 +300 + ", "6 * 7", "ba", "c", "one ", "y",
        ], lines);
    }

    [Fact]
    public void CtrlDOnAnEmptyLineEndsInputAndCtrlCDropsTheLine()
    {
        (List<string> lines, List<EditorEvent> events, _, _) = Read(new MemoryKeys().Type("dropped").Press("C-c").Press("C-d"));
        Assert.Equal([EditorEvent.Interrupt, EditorEvent.EndOfInput], events);
        Assert.Equal(["dropped"], lines); // Ctrl-C hands back what it dropped
    }

    [Fact]
    public void UpAndDownBrowseTheHistoryByPrefix()
    {
        var keys = new MemoryKeys()
            .Press("Up", "Enter")
            .Press("Up", "Up", "Enter")
            .Press("Up", "Down", "Down", "Enter") // back past the newest: the line as typed (empty)
            .Type("let").Press("Up", "Enter")
            .Type("let").Press("C-p", "C-p", "C-n", "Enter");
        (List<string> lines, _, _, _) = Read(keys, "let a = 1", "a + 1", "let b = 2");
        Assert.Equal(["let b = 2", "a + 1", "", "let b = 2", "let b = 2"], lines);
    }

    [Fact]
    public void ReverseSearchFindsRunsGivesUpAndEdits()
    {
        var keys = new MemoryKeys()
            .Press("C-r").Type("Upper").Press("Enter") // Enter runs the match
            .Type("kept").Press("C-r").Type("zzz").Press("C-g").Press("Enter") // gives the line back
            .Press("C-r").Type("fruit").Press("C-r", "C-r").Press("End").Type("!").Press("Enter") // older matches, then edited
            .Press("C-r").Type("pp").Press("BSpace", "BSpace").Type("1").Press("Escape").Press("Enter");
        (List<string> lines, _, _, StringWriter screen) = Read(keys, "let fruit = 'apple'", "fruit.toUpperCase()", "1 + 1");
        Assert.Equal(["fruit.toUpperCase()", "kept", "let fruit = 'apple'!", ""], lines);
        Assert.Contains("(failed reverse-i-search)`zzz'", screen.ToString());
    }

    [Fact]
    public void TabCompletesTheCommonPrefixAndASecondTabListsTheCandidates()
    {
        (List<string> lines, _, _, StringWriter screen) = Read(new MemoryKeys().Type("b").Press("Tab", "Enter").Type("al").Press("Tab", "Tab", "Enter"));
        Assert.Equal(["beta", "alpha"], lines);
        Assert.Matches(@"\r\nalpha +alphabet\r\n", screen.ToString());
    }

    [Fact]
    public void APasteWithLineBreaksIsOneInputAndItsTailStaysToBeEdited()
    {
        (List<string> lines, _, _, _) = Read(new MemoryKeys().Paste("let a = 1\nlet b = 2\nlet c").Type(" = 3").Press("Enter"));
        Assert.Equal(["let a = 1\nlet b = 2", "let c = 3"], lines);
    }

    [Fact]
    public void ATimeoutOrAWakeHandsControlBackWithTheEditIntact()
    {
        var keys = new MemoryKeys().Type("half").Pause();
        var editor = new LineEditor(keys, null, new StringWriter(), LineHistory.InMemory(), Complete, () => 80);
        Assert.Equal(EditorEvent.Timeout, editor.TryReadLine("> ", TimeSpan.Zero, true, out _));
        keys.Wake();
        Assert.Equal(EditorEvent.Woken, editor.TryReadLine("> ", null, true, out _));
        keys.Type(" done").Press("Enter");
        Assert.Equal(EditorEvent.Line, editor.TryReadLine("> ", null, true, out string? line));
        Assert.Equal("half done", line);
    }

    [Fact]
    public void EveryKeyOfTheTableIsDecodableAndBoundOnce()
    {
        var presses = LineEditor.KeyBindings.SelectMany(b => b.Presses).ToList();
        Assert.Equal(presses.Count, presses.Distinct().Count());
        Assert.All(LineEditor.KeyBindings, b => Assert.False(string.IsNullOrWhiteSpace(b.Help)));
    }
}
