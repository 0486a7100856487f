using System.Diagnostics;
using System.Text;

namespace KenShell.Terminal;

/// <summary>
/// The prompt's line editor: readline's keys (cursor and word motion,
/// Ctrl-A/E/K/U/W/Y/T/L, Alt-B/F/D), history with prefix search on Up/Down
/// and reverse incremental search on Ctrl-R, and Tab completion.
///
/// It runs on the shell's thread and gives control back between keys when a
/// timer is due or a datagram arrives: the caller hides the prompt, prints
/// what the turn printed, and the next call draws the prompt again with the
/// edit intact (which a library that owns the terminal until Enter cannot
/// do). The edited line may wrap over several rows; the editor keeps track
/// of the row its cursor is on so that it can redraw from the top.
/// </summary>
public sealed class LineEditor : IDisposable
{
    private const string Esc = "\x1b";

    private readonly IKeySource _keys;
    // Null when the keys do not come from a terminal (in-process tests): no
    // signals to switch, nothing to suspend.
    private readonly TerminalMode? _mode;
    private readonly TextWriter _output;
    private readonly Func<string, bool, CompletionResult> _complete;
    private readonly Func<int> _columns;
    private readonly LineBuffer _buffer = new();

    private string _prompt = "";
    private bool _startOfInput = true;
    private bool _blockMode;
    private bool _drawn;
    private bool _stale; // keys changed the line since the last redraw
    private int _cursorRow;

    private string _killed = "";
    private bool _lastWasTab;
    private bool _secondTab;
    // The line an action submitted, returned with the event that ends the read.
    private string? _submitted;

    // History navigation: -1 when editing a line of one's own.
    private int _historyIndex = -1;
    private string _historyPrefix = "";
    private string _draft = "";

    private readonly ReverseSearch _search = new();

    public LineEditor(IKeySource keys, TerminalMode? mode, TextWriter output, LineHistory history,
        Func<string, bool, CompletionResult> complete, Func<int>? columns = null)
    {
        _keys = keys;
        _mode = mode;
        _output = output;
        History = history;
        _complete = complete;
        _columns = columns ?? TerminalColumns;
    }

    public LineHistory History { get; }

    /// <summary>The text being edited (for tests and for the caller's Ctrl-C rules).</summary>
    public string Text => _buffer.Text;

    /// <summary>
    /// Shows <paramref name="prompt"/> and edits until Enter, Ctrl-C,
    /// Ctrl-D on an empty line, the timeout, or a <see cref="Wake"/>.
    /// </summary>
    /// <param name="startOfInput">False on a continuation line ("... "), where dot commands do not complete.</param>
    /// <param name="blockMode">
    /// In a block being typed (.editor), Ctrl-D ends the block: it returns
    /// <see cref="EditorEvent.EndOfInput"/> with the line typed so far.
    /// </param>
    public EditorEvent TryReadLine(string prompt, TimeSpan? timeout, bool startOfInput, out string? line, bool blockMode = false)
    {
        line = null;
        _startOfInput = startOfInput;
        _blockMode = blockMode;
        if (_carried is not null)
        {
            // What followed the last line break of a paste: it is edited next.
            _buffer.Set(_carried);
            _carried = null;
            _drawn = false;
        }
        if (prompt != _prompt || !_drawn)
        {
            _prompt = prompt;
            Refresh();
        }
        long start = Stopwatch.GetTimestamp();
        // Ctrl-C is a key while editing (Node's rules for it are applied
        // here), and a signal again as soon as control goes back to the
        // shell, so that it can interrupt a running turn.
        _mode?.SetSignals(false);
        // Bracketed paste on while editing: a pasted block arrives marked,
        // so its line breaks do not run it line by line.
        _output.Write($"{Esc}[?2004h");
        _output.Flush();
        try
        {
            while (true)
            {
                TimeSpan? left = timeout is { } t ? t - Stopwatch.GetElapsedTime(start) : null;
                if (left is { } l && l < TimeSpan.Zero) left = TimeSpan.Zero;
                switch (_keys.Next(left, out KeyPress key))
                {
                    // The screen is left alone unless keys changed the line
                    // without a redraw: the shell comes back here every
                    // 100 ms while it listens for messages.
                    case InputEvent.Timeout:
                        if (_stale) Refresh();
                        return EditorEvent.Timeout;
                    case InputEvent.Woken:
                        if (_stale) Refresh();
                        return EditorEvent.Woken;
                    case InputEvent.Closed:
                        return EditorEvent.EndOfInput;
                }
                EditorEvent? done = _search.Active ? HandleSearchKey(key, out line) : HandleKey(key, out line);
                if (done is { } result) return result;
                // A paste arrives as many keys at once: draw once it is all in.
                if (_keys.HasBufferedKeys) _stale = true;
                else Refresh();
            }
        }
        finally
        {
            _output.Write($"{Esc}[?2004l");
            _output.Flush();
            _mode?.SetSignals(true);
        }
    }

    private string? _carried;

    /// <summary>
    /// A paste: text without a line break is inserted; with line breaks, the
    /// line being edited up to the last break is submitted as one input (the
    /// shell runs it as one turn, or asks for more if it is incomplete), and
    /// what follows the last break stays to be edited.
    /// </summary>
    private EditorEvent? Paste(string text, out string? line)
    {
        line = null;
        text = text.Replace("\r\n", "\n").Replace('\r', '\n');
        int lastBreak = text.LastIndexOf('\n');
        if (lastBreak < 0)
        {
            _buffer.Insert(text);
            return null;
        }
        string before = _buffer.Text[.._buffer.Cursor];
        string after = _buffer.Text[_buffer.Cursor..];
        line = before + text[..lastBreak];
        _carried = text[(lastBreak + 1)..] + after;
        // Shown as typed lines would have been: the first after the prompt,
        // the others after "... ".
        Hide();
        _output.Write(_prompt + line.Replace("\n", "\r\n... ") + "\r\n");
        _output.Flush();
        _buffer.Clear();
        _drawn = false;
        _cursorRow = 0;
        return EditorEvent.Line;
    }

    /// <summary>Erases the prompt and the edit from the screen, before other output (a timer's) is printed.</summary>
    public void Hide()
    {
        if (!_drawn) return;
        var text = new StringBuilder();
        if (_cursorRow > 0) text.Append($"{Esc}[{_cursorRow}A");
        text.Append($"\r{Esc}[J");
        _output.Write(text.ToString());
        _output.Flush();
        _drawn = false;
        _cursorRow = 0;
    }

    /// <summary>Makes a waiting <see cref="TryReadLine"/> return (any thread).</summary>
    public void Wake() => _keys.Wake();

    /// <summary>
    /// The editor's keys, in the manner of readline's and PSReadLine's key tables: one
    /// table serves dispatch (<see cref="HandleKey"/>), the key list of <c>.help</c> and
    /// the README's table ("At the prompt"). Text and pasted text are inserted; keys
    /// not in the table do nothing.
    /// </summary>
    public static readonly IReadOnlyList<KeyBinding> KeyBindings =
    [
        new("Enter", "run the input (an incomplete one continues on a `... ` line)", [KeyPress.Of(KeyKind.Enter)], e =>
        {
            e._submitted = e.Submit();
            return EditorEvent.Line;
        }),
        new("Left, Ctrl-B", "move a character left", [KeyPress.Of(KeyKind.Left), KeyPress.Ctrl('b')], e => Edit(e._buffer.MoveLeft)),
        new("Right, Ctrl-F", "move a character right", [KeyPress.Of(KeyKind.Right), KeyPress.Ctrl('f')], e => Edit(e._buffer.MoveRight)),
        new("Home, Ctrl-A", "move to the start of the line", [KeyPress.Of(KeyKind.Home), KeyPress.Ctrl('a')], e => Edit(e._buffer.MoveHome)),
        new("End, Ctrl-E", "move to the end of the line", [KeyPress.Of(KeyKind.End), KeyPress.Ctrl('e')], e => Edit(e._buffer.MoveEnd)),
        new("Alt-B, Ctrl-Left", "move a word left", [KeyPress.Of(KeyKind.WordLeft)], e => Edit(e._buffer.WordLeft)),
        new("Alt-F, Ctrl-Right", "move a word right", [KeyPress.Of(KeyKind.WordRight)], e => Edit(e._buffer.WordRight)),
        new("Backspace", "delete the character before the cursor", [KeyPress.Of(KeyKind.Backspace)], e => Edit(() => e._buffer.DeleteBefore())),
        new("Delete", "delete the character under the cursor", [KeyPress.Of(KeyKind.Delete)], e => Edit(() => e._buffer.DeleteAt())),
        new("Ctrl-D", "delete the character under the cursor; on an empty line, exit; in `.editor`, run the block", [KeyPress.Ctrl('d')], e => e.CtrlD()),
        new("Ctrl-K", "cut to the end of the line", [KeyPress.Ctrl('k')], e => Edit(() => e.Kill(e._buffer.KillToEnd()))),
        new("Ctrl-U", "cut to the start of the line", [KeyPress.Ctrl('u')], e => Edit(() => e.Kill(e._buffer.KillToStart()))),
        new("Ctrl-W, Alt-Backspace", "cut the word before the cursor", [KeyPress.Ctrl('w'), KeyPress.Of(KeyKind.DeleteWordLeft)],
            e => Edit(() => e.Kill(e._buffer.KillWordLeft()))),
        new("Alt-D", "cut the word after the cursor", [KeyPress.Of(KeyKind.DeleteWordRight)], e => Edit(() => e.Kill(e._buffer.KillWordRight()))),
        new("Ctrl-Y", "paste what was cut last", [KeyPress.Ctrl('y')], e => Edit(() => e._buffer.Insert(e._killed))),
        new("Ctrl-T", "swap the two characters around the cursor", [KeyPress.Ctrl('t')], e => Edit(e._buffer.Transpose)),
        new("Up, Ctrl-P", "an earlier line; with text typed, only lines that start with it", [KeyPress.Of(KeyKind.Up), KeyPress.Ctrl('p')],
            e => Edit(e.HistoryOlder)) { BrowsesHistory = true },
        new("Down, Ctrl-N", "a later line (back to what was typed after the newest)", [KeyPress.Of(KeyKind.Down), KeyPress.Ctrl('n')],
            e => Edit(e.HistoryNewer)) { BrowsesHistory = true },
        new("Ctrl-R", "reverse incremental search (Ctrl-R again: older; Enter runs the match; other keys edit it; Ctrl-G gives up)",
            [KeyPress.Ctrl('r')], e => Edit(() => e._search.Start(e._buffer.Text, e._buffer.Cursor, e.History.Entries.Count))),
        new("Tab", "complete; a second Tab lists the candidates", [KeyPress.Of(KeyKind.Tab)], e =>
        {
            e.Complete(e._secondTab);
            e._lastWasTab = true;
            return null;
        }),
        new("Ctrl-L", "clear the screen", [KeyPress.Ctrl('l')], e =>
        {
            e._output.Write($"{Esc}[H{Esc}[2J");
            e._drawn = false;
            return null;
        }),
        new("Ctrl-C", "drop the line (and a pending multi-line input); on an empty line, say how to exit; twice, exit", [KeyPress.Ctrl('c')], e =>
        {
            e._submitted = e._buffer.Text;
            e.MoveBelow();
            e._buffer.Clear();
            return EditorEvent.Interrupt;
        }),
        new("Ctrl-Z", "suspend the shell (`fg` brings it back)", [KeyPress.Ctrl('z')], e => Edit(e.Suspend)),
    ];

    private static readonly Dictionary<KeyPress, KeyBinding> KeyTable =
        KeyBindings.SelectMany(b => b.Presses.Select(p => (Press: p, Binding: b))).ToDictionary(x => x.Press, x => x.Binding);

    private static EditorEvent? Edit(Action action)
    {
        action();
        return null;
    }

    private EditorEvent? HandleKey(KeyPress key, out string? line)
    {
        line = null;
        _secondTab = _lastWasTab;
        _lastWasTab = false;
        if (key.Kind == KeyKind.Text)
        {
            _historyIndex = -1;
            _buffer.Insert(key.Text);
            return null;
        }
        if (key.Kind == KeyKind.Paste)
        {
            _historyIndex = -1;
            return Paste(key.Text, out line);
        }
        KeyTable.TryGetValue(key, out KeyBinding? binding);
        if (binding is not { BrowsesHistory: true }) _historyIndex = -1;
        if (binding is null) return null;
        _submitted = null;
        EditorEvent? result = binding.Action(this);
        line = _submitted;
        _submitted = null;
        return result;
    }

    private EditorEvent? CtrlD()
    {
        if (_blockMode)
        {
            _submitted = Submit();
            return EditorEvent.EndOfInput;
        }
        if (_buffer.Length == 0)
        {
            MoveBelow(newLine: false);
            return EditorEvent.EndOfInput;
        }
        _buffer.DeleteAt();
        return null;
    }

    private void Kill(string text)
    {
        if (text.Length > 0) _killed = text;
    }

    private string Submit()
    {
        string line = _buffer.Text;
        MoveBelow();
        _buffer.Clear();
        History.Add(line);
        return line;
    }

    // Leaves the finished line on screen and puts the cursor under it.
    private void MoveBelow(bool newLine = true)
    {
        _buffer.MoveEnd();
        Refresh();
        if (newLine) _output.Write("\r\n");
        _output.Flush();
        _drawn = false;
        _cursorRow = 0;
    }

    private void HistoryOlder()
    {
        IReadOnlyList<string> entries = History.Entries;
        if (_historyIndex == -1)
        {
            // Up with text typed finds the entries that start with it (Node does this).
            _draft = _buffer.Text;
            _historyPrefix = _buffer.Text;
            _historyIndex = entries.Count;
        }
        for (int i = Math.Min(_historyIndex, entries.Count) - 1; i >= 0; i--)
        {
            if (!entries[i].StartsWith(_historyPrefix, StringComparison.Ordinal) || entries[i] == _buffer.Text) continue;
            _historyIndex = i;
            _buffer.Set(entries[i]);
            return;
        }
    }

    private void HistoryNewer()
    {
        if (_historyIndex == -1) return;
        IReadOnlyList<string> entries = History.Entries;
        for (int i = _historyIndex + 1; i < entries.Count; i++)
        {
            if (!entries[i].StartsWith(_historyPrefix, StringComparison.Ordinal) || entries[i] == _buffer.Text) continue;
            _historyIndex = i;
            _buffer.Set(entries[i]);
            return;
        }
        _historyIndex = -1;
        _buffer.Set(_draft);
    }

    private EditorEvent? HandleSearchKey(KeyPress key, out string? line)
    {
        line = null;
        switch (key.Kind)
        {
            case KeyKind.Text:
                _search.Type(key.Text, History.Entries);
                return null;
            case KeyKind.Backspace:
                _search.Backspace(History.Entries);
                return null;
            case KeyKind.Control when key.Letter == 'r':
                _search.Older(History.Entries);
                return null;
            case KeyKind.Control when key.Letter is 'g' or 'c':
            case KeyKind.Escape:
            {
                // Give up: the line is as it was before Ctrl-R.
                (string text, int cursor) = _search.Cancel();
                _buffer.Set(text, cursor);
                return null;
            }
            default:
            {
                // Any other key takes the match and then does what it does.
                (string text, int cursor) = _search.Accept();
                _buffer.Set(text, cursor);
                return HandleKey(key, out line);
            }
        }
    }

    private void Complete(bool secondTab)
    {
        CompletionResult result = _complete(_buffer.BeforeCursor, _startOfInput);
        IReadOnlyList<string> names = result.Names;
        if (names.Count == 0) return;
        string word = _buffer.BeforeCursor[result.WordStart..];
        string common = CommonPrefix(names);
        if (common.Length > word.Length && common.StartsWith(word, StringComparison.Ordinal))
        {
            _buffer.Insert(common[word.Length..]);
            return;
        }
        if (names.Count == 1 || !secondTab) return;
        // The second Tab in a row lists the candidates under the line (Node, bash).
        int cursor = _buffer.Cursor;
        MoveBelow();
        _output.Write(FormatColumns(result.Candidates, Math.Max(_columns(), 20)));
        _buffer.Set(_buffer.Text, cursor);
    }

    private static string CommonPrefix(IReadOnlyList<string> candidates)
    {
        string prefix = candidates[0];
        foreach (string c in candidates)
        {
            int n = 0;
            while (n < prefix.Length && n < c.Length && prefix[n] == c[n]) n++;
            prefix = prefix[..n];
        }
        return prefix;
    }

    /// <summary>
    /// The candidates in columns, down each column as ls does; an empty
    /// string in <paramref name="items"/> starts a new group on a line of its
    /// own (every group in the same column width, as Node lists them).
    /// </summary>
    internal static string FormatColumns(IReadOnlyList<string> items, int columns)
    {
        const int Limit = 400;
        var text = new StringBuilder();
        List<string> shownItems = items.Where(i => i.Length > 0).Take(Limit).ToList();
        int hidden = items.Count(i => i.Length > 0) - shownItems.Count;
        int cell = shownItems.Max(DisplayWidth.Of) + 2;
        int perRow = Math.Max(1, columns / cell);
        var group = new List<string>();
        int left = Limit;
        foreach (string item in items.Append(""))
        {
            if (item.Length > 0)
            {
                if (left-- > 0) group.Add(item);
                continue;
            }
            int rows = (group.Count + perRow - 1) / perRow;
            for (int r = 0; r < rows; r++)
            {
                for (int c = 0; c < perRow; c++)
                {
                    int i = c * rows + r;
                    if (i >= group.Count) continue;
                    text.Append(group[i]);
                    if (c < perRow - 1 && (c + 1) * rows + r < group.Count) text.Append(' ', cell - DisplayWidth.Of(group[i]));
                }
                text.Append("\r\n");
            }
            group.Clear();
        }
        if (hidden > 0) text.Append($"... and {hidden} more (type more of the name)\r\n");
        text.Append("\r\n");
        return text.ToString();
    }

    private void Suspend()
    {
        MoveBelow();
        if (_mode is null) return; // not a terminal: nothing to give back to the shell
        _mode.Suspend();
        NativeTerminal.Kill(NativeTerminal.GetPid(), NativeTerminal.SigTstp);
        // Continued (fg): raw again, and the prompt is drawn anew.
        _mode.Resume();
        _mode.SetSignals(false);
    }

    private (string Prompt, string Text, int Cursor) View()
    {
        if (!_search.Active) return (_prompt, _buffer.Text, _buffer.Cursor);
        return (_search.Prompt, _search.Match, _search.MatchPosition);
    }

    // Redraws the prompt and the line from the row the prompt starts on, and
    // puts the cursor where it belongs. Wrapped lines are drawn by the
    // terminal; the arithmetic below only finds where the cursor ended up.
    private void Refresh()
    {
        var (prompt, text, cursor) = View();
        int columns = Math.Max(_columns(), 1);
        var screen = new StringBuilder();
        if (_drawn && _cursorRow > 0) screen.Append($"{Esc}[{_cursorRow}A");
        screen.Append($"\r{Esc}[J");
        screen.Append(prompt).Append(text);
        int end = DisplayWidth.Of(prompt) + DisplayWidth.Of(text);
        // At exactly the right margin the terminal holds the cursor in the
        // last column until the next character; move it to the next row so
        // that the arithmetic below holds.
        if (end > 0 && end % columns == 0) screen.Append("\r\n");
        int endRow = end / columns;
        int at = DisplayWidth.Of(prompt) + DisplayWidth.Of(text.AsSpan(0, cursor));
        int row = at / columns, column = at % columns;
        if (endRow > row) screen.Append($"{Esc}[{endRow - row}A");
        screen.Append('\r');
        if (column > 0) screen.Append($"{Esc}[{column}C");
        _output.Write(screen.ToString());
        _output.Flush();
        _drawn = true;
        _stale = false;
        _cursorRow = row;
    }

    private static unsafe int TerminalColumns()
    {
        NativeTerminal.WinSize size;
        if (NativeTerminal.IoctlWinSize(1, NativeTerminal.TiocGWinSz, &size) == 0 && size.Columns > 0) return size.Columns;
        return 80;
    }

    public void Dispose()
    {
        History.Dispose();
        _keys.Dispose();
        _mode?.Dispose();
    }
}
