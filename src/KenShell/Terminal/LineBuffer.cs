using System.Text;

namespace KenShell.Terminal;

/// <summary>
/// The line being edited and its cursor, with the editing operations of
/// readline and Node's REPL. Pure: no terminal, so every key's effect is
/// testable on its own. The cursor never splits a surrogate pair.
/// </summary>
public sealed class LineBuffer
{
    private readonly StringBuilder _text = new();

    public string Text => _text.ToString();
    public int Length => _text.Length;
    public int Cursor { get; private set; }
    public string BeforeCursor => _text.ToString(0, Cursor);

    public void Set(string text, int? cursor = null)
    {
        _text.Clear().Append(text);
        Cursor = Math.Clamp(cursor ?? text.Length, 0, text.Length);
    }

    public void Clear() => Set("");

    public void Insert(string text)
    {
        _text.Insert(Cursor, text);
        Cursor += text.Length;
    }

    public bool DeleteBefore()
    {
        if (Cursor == 0) return false;
        int width = Cursor >= 2 && char.IsSurrogatePair(_text[Cursor - 2], _text[Cursor - 1]) ? 2 : 1;
        _text.Remove(Cursor - width, width);
        Cursor -= width;
        return true;
    }

    public bool DeleteAt()
    {
        if (Cursor >= _text.Length) return false;
        int width = Cursor + 1 < _text.Length && char.IsSurrogatePair(_text[Cursor], _text[Cursor + 1]) ? 2 : 1;
        _text.Remove(Cursor, width);
        return true;
    }

    public void MoveLeft()
    {
        if (Cursor == 0) return;
        Cursor -= Cursor >= 2 && char.IsSurrogatePair(_text[Cursor - 2], _text[Cursor - 1]) ? 2 : 1;
    }

    public void MoveRight()
    {
        if (Cursor >= _text.Length) return;
        Cursor += Cursor + 1 < _text.Length && char.IsSurrogatePair(_text[Cursor], _text[Cursor + 1]) ? 2 : 1;
    }

    public void MoveHome() => Cursor = 0;
    public void MoveEnd() => Cursor = _text.Length;

    public void WordLeft() => Cursor = WordStartBefore(Cursor);
    public void WordRight() => Cursor = WordEndAfter(Cursor);

    /// <summary>Ctrl-K: removes and returns the text from the cursor to the end.</summary>
    public string KillToEnd() => Cut(Cursor, _text.Length);

    /// <summary>Ctrl-U: removes and returns the text before the cursor.</summary>
    public string KillToStart() => Cut(0, Cursor);

    /// <summary>Ctrl-W / Alt-Backspace: removes and returns the word before the cursor.</summary>
    public string KillWordLeft() => Cut(WordStartBefore(Cursor), Cursor);

    /// <summary>Alt-D: removes and returns the word after the cursor.</summary>
    public string KillWordRight() => Cut(Cursor, WordEndAfter(Cursor));

    /// <summary>Ctrl-T: swaps the characters around the cursor (or the last two at the end).</summary>
    public void Transpose()
    {
        if (_text.Length < 2 || Cursor == 0) return;
        int at = Cursor == _text.Length ? Cursor - 1 : Cursor;
        if (char.IsSurrogate(_text[at]) || char.IsSurrogate(_text[at - 1])) return;
        (_text[at - 1], _text[at]) = (_text[at], _text[at - 1]);
        Cursor = at + 1;
    }

    private string Cut(int from, int to)
    {
        if (to <= from) return "";
        string cut = _text.ToString(from, to - from);
        _text.Remove(from, to - from);
        Cursor = from;
        return cut;
    }

    // Words are runs of letters, digits, '_' and '$' (JavaScript identifiers).
    private static bool IsWordChar(char c) => char.IsLetterOrDigit(c) || c is '_' or '$' || char.IsSurrogate(c);

    private int WordStartBefore(int position)
    {
        int i = position;
        while (i > 0 && !IsWordChar(_text[i - 1])) i--;
        while (i > 0 && IsWordChar(_text[i - 1])) i--;
        return i;
    }

    private int WordEndAfter(int position)
    {
        int i = position;
        while (i < _text.Length && !IsWordChar(_text[i])) i++;
        while (i < _text.Length && IsWordChar(_text[i])) i++;
        return i;
    }
}
