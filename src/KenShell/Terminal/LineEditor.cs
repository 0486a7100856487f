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

    private readonly KeyboardInput _keys;
    private readonly TerminalMode _mode;
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

    // History navigation: -1 when editing a line of one's own.
    private int _historyIndex = -1;
    private string _historyPrefix = "";
    private string _draft = "";

    // Reverse incremental search (Ctrl-R).
    private bool _searching;
    private readonly StringBuilder _searchQuery = new();
    private int _searchIndex;
    private bool _searchFailed;
    private string _searchOriginal = "";
    private int _searchOriginalCursor;
    private string _searchMatch = "";
    private int _searchMatchPosition;

    public LineEditor(KeyboardInput keys, TerminalMode mode, TextWriter output, LineHistory history,
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
        _mode.SetSignals(false);
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
                EditorEvent? done = _searching ? HandleSearchKey(key, out line) : HandleKey(key, out line);
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
            _mode.SetSignals(true);
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

    private EditorEvent? HandleKey(KeyPress key, out string? line)
    {
        line = null;
        bool wasTab = _lastWasTab;
        _lastWasTab = false;
        if (key.Kind is not (KeyKind.Up or KeyKind.Down) && !(key.Kind == KeyKind.Control && key.Letter is 'p' or 'n'))
            _historyIndex = -1;
        switch (key.Kind)
        {
            case KeyKind.Text:
                _buffer.Insert(key.Text);
                break;
            case KeyKind.Paste:
                return Paste(key.Text, out line);
            case KeyKind.Enter:
                line = Submit();
                return EditorEvent.Line;
            case KeyKind.Tab:
                Complete(wasTab);
                _lastWasTab = true;
                break;
            case KeyKind.Backspace:
                _buffer.DeleteBefore();
                break;
            case KeyKind.Delete:
                _buffer.DeleteAt();
                break;
            case KeyKind.Left:
                _buffer.MoveLeft();
                break;
            case KeyKind.Right:
                _buffer.MoveRight();
                break;
            case KeyKind.Home:
                _buffer.MoveHome();
                break;
            case KeyKind.End:
                _buffer.MoveEnd();
                break;
            case KeyKind.WordLeft:
                _buffer.WordLeft();
                break;
            case KeyKind.WordRight:
                _buffer.WordRight();
                break;
            case KeyKind.DeleteWordLeft:
                Kill(_buffer.KillWordLeft());
                break;
            case KeyKind.DeleteWordRight:
                Kill(_buffer.KillWordRight());
                break;
            case KeyKind.Up:
                HistoryOlder();
                break;
            case KeyKind.Down:
                HistoryNewer();
                break;
            case KeyKind.Control:
                return HandleControl(key.Letter, out line);
        }
        return null;
    }

    private EditorEvent? HandleControl(char letter, out string? line)
    {
        line = null;
        switch (letter)
        {
            case 'a': _buffer.MoveHome(); break;
            case 'e': _buffer.MoveEnd(); break;
            case 'b': _buffer.MoveLeft(); break;
            case 'f': _buffer.MoveRight(); break;
            case 'k': Kill(_buffer.KillToEnd()); break;
            case 'u': Kill(_buffer.KillToStart()); break;
            case 'w': Kill(_buffer.KillWordLeft()); break;
            case 'y': _buffer.Insert(_killed); break;
            case 't': _buffer.Transpose(); break;
            case 'p': HistoryOlder(); break;
            case 'n': HistoryNewer(); break;
            case 'l':
                _output.Write($"{Esc}[H{Esc}[2J");
                _drawn = false;
                break;
            case 'r':
                StartSearch();
                break;
            case 'c':
                line = _buffer.Text;
                MoveBelow();
                _buffer.Clear();
                return EditorEvent.Interrupt;
            case 'd':
                if (_blockMode)
                {
                    line = Submit();
                    return EditorEvent.EndOfInput;
                }
                if (_buffer.Length == 0)
                {
                    MoveBelow(newLine: false);
                    return EditorEvent.EndOfInput;
                }
                _buffer.DeleteAt();
                break;
            case 'z':
                Suspend();
                break;
        }
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

    private void StartSearch()
    {
        _searching = true;
        _searchQuery.Clear();
        _searchIndex = History.Entries.Count;
        _searchFailed = false;
        _searchOriginal = _buffer.Text;
        _searchOriginalCursor = _buffer.Cursor;
        _searchMatch = _buffer.Text;
        _searchMatchPosition = _buffer.Cursor;
    }

    private EditorEvent? HandleSearchKey(KeyPress key, out string? line)
    {
        line = null;
        switch (key.Kind)
        {
            case KeyKind.Text:
                _searchQuery.Append(key.Text);
                SearchOlder(Math.Min(_searchIndex, History.Entries.Count - 1));
                return null;
            case KeyKind.Backspace:
                if (_searchQuery.Length > 0) _searchQuery.Length--;
                SearchOlder(History.Entries.Count - 1);
                return null;
            case KeyKind.Control when key.Letter == 'r':
                SearchOlder(_searchIndex - 1);
                return null;
            case KeyKind.Control when key.Letter is 'g' or 'c':
            case KeyKind.Escape:
                // Give up: the line is as it was before Ctrl-R.
                _searching = false;
                _buffer.Set(_searchOriginal, _searchOriginalCursor);
                return null;
            default:
                // Any other key takes the match and then does what it does.
                _searching = false;
                _buffer.Set(_searchMatch, _searchMatchPosition);
                return HandleKey(key, out line);
        }
    }

    private void SearchOlder(int from)
    {
        string query = _searchQuery.ToString();
        if (query.Length == 0)
        {
            _searchFailed = false;
            _searchIndex = History.Entries.Count;
            _searchMatch = _searchOriginal;
            _searchMatchPosition = _searchOriginalCursor;
            return;
        }
        IReadOnlyList<string> entries = History.Entries;
        for (int i = from; i >= 0; i--)
        {
            int at = entries[i].IndexOf(query, StringComparison.Ordinal);
            if (at < 0) continue;
            _searchIndex = i;
            _searchMatch = entries[i];
            _searchMatchPosition = at;
            _searchFailed = false;
            return;
        }
        _searchFailed = true; // keep showing the last match, as readline does
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
        _mode.Suspend();
        NativeTerminal.Kill(NativeTerminal.GetPid(), NativeTerminal.SigTstp);
        // Continued (fg): raw again, and the prompt is drawn anew.
        _mode.Resume();
        _mode.SetSignals(false);
    }

    private (string Prompt, string Text, int Cursor) View()
    {
        if (!_searching) return (_prompt, _buffer.Text, _buffer.Cursor);
        string label = _searchFailed ? "(failed reverse-i-search)" : "(reverse-i-search)";
        return ($"{label}`{_searchQuery}': ", _searchMatch, _searchMatchPosition);
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
        _mode.Dispose();
    }
}
