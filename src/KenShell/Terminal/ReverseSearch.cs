using System.Text;

namespace KenShell.Terminal;

/// <summary>
/// Reverse incremental search through the history (Ctrl-R), as readline does it: each
/// key typed narrows the query and finds the newest entry at or before the current match
/// that contains it; Ctrl-R again finds an older one; a failed search keeps showing the
/// last match. Pure logic over the history's entries: the line editor draws
/// <see cref="Prompt"/>, <see cref="Match"/> and <see cref="MatchPosition"/> and decides
/// what ends the search (<see cref="Cancel"/> gives the line back as it was,
/// <see cref="Accept"/> takes the match).
/// </summary>
public sealed class ReverseSearch
{
    private readonly StringBuilder _query = new();
    private int _index;
    private string _original = "";
    private int _originalCursor;

    /// <summary>Whether a search is going on (between Ctrl-R and the key that ends it).</summary>
    public bool Active { get; private set; }

    /// <summary>Whether the query matches no entry at or before the last match.</summary>
    public bool Failed { get; private set; }

    public string Query => _query.ToString();

    /// <summary>The entry shown (the line as it was before the search while the query is empty).</summary>
    public string Match { get; private set; } = "";

    /// <summary>Where in <see cref="Match"/> the query starts (where the cursor is shown).</summary>
    public int MatchPosition { get; private set; }

    /// <summary>What stands in place of the prompt while searching.</summary>
    public string Prompt => $"{(Failed ? "(failed reverse-i-search)" : "(reverse-i-search)")}`{Query}': ";

    /// <summary>Ctrl-R: starts searching from the newest entry, remembering the line being edited.</summary>
    public void Start(string text, int cursor, int entryCount)
    {
        Active = true;
        _query.Clear();
        _index = entryCount;
        Failed = false;
        _original = text;
        _originalCursor = cursor;
        Match = text;
        MatchPosition = cursor;
    }

    /// <summary>Text typed: the query grows, and the match is looked for from the current one back.</summary>
    public void Type(string text, IReadOnlyList<string> entries)
    {
        _query.Append(text);
        SearchOlder(Math.Min(_index, entries.Count - 1), entries);
    }

    /// <summary>Backspace: the query shrinks, and the match is looked for from the newest entry again.</summary>
    public void Backspace(IReadOnlyList<string> entries)
    {
        if (_query.Length > 0) _query.Length--;
        SearchOlder(entries.Count - 1, entries);
    }

    /// <summary>Ctrl-R again: an older entry with the same query.</summary>
    public void Older(IReadOnlyList<string> entries) => SearchOlder(_index - 1, entries);

    /// <summary>Gives up (Ctrl-G, Ctrl-C, Escape): the line and cursor as they were before Ctrl-R.</summary>
    public (string Text, int Cursor) Cancel()
    {
        Active = false;
        return (_original, _originalCursor);
    }

    /// <summary>Any other key: the match becomes the line, the cursor where the query starts.</summary>
    public (string Text, int Cursor) Accept()
    {
        Active = false;
        return (Match, MatchPosition);
    }

    private void SearchOlder(int from, IReadOnlyList<string> entries)
    {
        string query = _query.ToString();
        if (query.Length == 0)
        {
            Failed = false;
            _index = entries.Count;
            Match = _original;
            MatchPosition = _originalCursor;
            return;
        }
        for (int i = from; i >= 0; i--)
        {
            int at = entries[i].IndexOf(query, StringComparison.Ordinal);
            if (at < 0) continue;
            _index = i;
            Match = entries[i];
            MatchPosition = at;
            Failed = false;
            return;
        }
        Failed = true; // keep showing the last match, as readline does
    }
}
