using System.Text;

namespace KenShell.Terminal;

/// <summary>
/// Turns the bytes a terminal sends into key presses: UTF-8 text, control
/// characters, and the escape sequences of xterm-like terminals (both the
/// normal "ESC [ A" and the application-mode "ESC O A" forms of the cursor
/// keys, since .NET switches terminals to application mode). Pure and
/// incremental: bytes go in as they are read, keys come out once complete.
/// </summary>
public sealed class KeyDecoder
{
    private readonly List<byte> _pending = new();

    /// <summary>
    /// True while bytes wait to be decoded: keys not yet taken, or the start
    /// of a sequence (a lone ESC, say) when <see cref="TryNext"/> has just said no.
    /// </summary>
    public bool HasPartial => _pending.Count > 0;

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) _pending.Add(b);
    }

    /// <summary>
    /// The next complete key. With <paramref name="flush"/> (no more bytes
    /// came soon after an ESC), a pending lone ESC is the Escape key and an
    /// unfinished sequence is dropped.
    /// </summary>
    public bool TryNext(out KeyPress key, bool flush = false)
    {
        key = default;
        if (_pending.Count == 0) return false;
        int used = Decode(out key);
        if (used == 0 && flush && StartsWith(PasteStart))
        {
            // A paste whose end has not arrived yet (a slow terminal): what
            // came so far is pasted; the rest arrives as ordinary keys.
            key = new KeyPress(KeyKind.Paste, Encoding.UTF8.GetString(_pending.GetRange(PasteStart.Length, _pending.Count - PasteStart.Length).ToArray()));
            _pending.Clear();
            return true;
        }
        if (used == 0)
        {
            if (!flush) return false;
            // Incomplete and nothing more is coming: ESC alone is the Escape
            // key; a torn UTF-8 or escape sequence is dropped.
            key = _pending[0] == 0x1B && _pending.Count == 1 ? KeyPress.Of(KeyKind.Escape) : KeyPress.Of(KeyKind.Ignored);
            _pending.Clear();
            return true;
        }
        _pending.RemoveRange(0, used);
        return true;
    }

    // Returns the number of bytes the key used, 0 when more bytes are needed.
    private int Decode(out KeyPress key)
    {
        key = KeyPress.Of(KeyKind.Ignored);
        byte b = _pending[0];
        switch (b)
        {
            case 0x0D:
            case 0x0A:
                key = KeyPress.Of(KeyKind.Enter);
                return 1;
            case 0x09:
                key = KeyPress.Of(KeyKind.Tab);
                return 1;
            case 0x7F:
            case 0x08:
                key = KeyPress.Of(KeyKind.Backspace);
                return 1;
            case 0x1B:
                return DecodeEscape(out key);
        }
        if (b < 0x20)
        {
            key = b is >= 1 and <= 26 ? KeyPress.Ctrl((char)('a' + b - 1)) : KeyPress.Of(KeyKind.Ignored);
            return 1;
        }
        return DecodeUtf8(out key);
    }

    private int DecodeUtf8(out KeyPress key)
    {
        key = KeyPress.Of(KeyKind.Ignored);
        byte lead = _pending[0];
        int length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        if (_pending.Count < length) return 0;
        Span<byte> bytes = stackalloc byte[4];
        for (int i = 0; i < length; i++) bytes[i] = _pending[i];
        string text = Encoding.UTF8.GetString(bytes[..length]);
        if (text.Length > 0 && text[0] != '\uFFFD') key = new KeyPress(KeyKind.Text, text);
        return length;
    }

    private int DecodeEscape(out KeyPress key)
    {
        key = KeyPress.Of(KeyKind.Ignored);
        if (_pending.Count < 2) return 0;
        byte second = _pending[1];
        if (second == (byte)'[') return DecodeCsi(out key);
        if (second == (byte)'O')
        {
            if (_pending.Count < 3) return 0;
            key = Final((char)_pending[2], modifier: 1);
            return 3;
        }
        // ESC followed by a key: the Alt (Meta) form of that key.
        key = second switch
        {
            (byte)'b' or (byte)'B' => KeyPress.Of(KeyKind.WordLeft),
            (byte)'f' or (byte)'F' => KeyPress.Of(KeyKind.WordRight),
            (byte)'d' or (byte)'D' => KeyPress.Of(KeyKind.DeleteWordRight),
            0x7F or 0x08 => KeyPress.Of(KeyKind.DeleteWordLeft),
            0x1B => KeyPress.Of(KeyKind.Escape),
            _ => KeyPress.Of(KeyKind.Ignored),
        };
        return 2;
    }

    // Bracketed paste (the editor turns it on with ESC [ ? 2004 h): the
    // terminal sends ESC [ 200 ~, the pasted bytes, ESC [ 201 ~.
    private static readonly byte[] PasteStart = "\e[200~"u8.ToArray();
    private static readonly byte[] PasteEnd = "\e[201~"u8.ToArray();

    private bool StartsWith(byte[] prefix)
    {
        if (_pending.Count < prefix.Length) return false;
        for (int i = 0; i < prefix.Length; i++)
            if (_pending[i] != prefix[i]) return false;
        return true;
    }

    private int DecodePaste(out KeyPress key)
    {
        key = KeyPress.Of(KeyKind.Ignored);
        for (int end = PasteStart.Length; end + PasteEnd.Length <= _pending.Count; end++)
        {
            bool match = true;
            for (int j = 0; j < PasteEnd.Length && match; j++) match = _pending[end + j] == PasteEnd[j];
            if (!match) continue;
            key = new KeyPress(KeyKind.Paste, Encoding.UTF8.GetString(_pending.GetRange(PasteStart.Length, end - PasteStart.Length).ToArray()));
            return end + PasteEnd.Length;
        }
        return 0; // the end has not arrived yet
    }

    // ESC [ params final: params are digits and ';', the final byte is 0x40-0x7E.
    private int DecodeCsi(out KeyPress key)
    {
        key = KeyPress.Of(KeyKind.Ignored);
        if (StartsWith(PasteStart)) return DecodePaste(out key);
        int i = 2;
        while (i < _pending.Count && _pending[i] is >= 0x20 and < 0x40) i++;
        if (i >= _pending.Count) return _pending.Count > 32 ? _pending.Count : 0; // runaway: drop it
        char final = (char)_pending[i];
        string parameters = Encoding.ASCII.GetString(_pending.GetRange(2, i - 2).ToArray());
        string[] fields = parameters.Split(';');
        int modifier = fields.Length > 1 && int.TryParse(fields[1], out int m) ? m : 1;
        if (final == '~')
        {
            key = (int.TryParse(fields[0], out int code) ? code : 0) switch
            {
                1 or 7 => KeyPress.Of(KeyKind.Home),
                4 or 8 => KeyPress.Of(KeyKind.End),
                3 => KeyPress.Of(KeyKind.Delete),
                _ => KeyPress.Of(KeyKind.Ignored), // Insert, PgUp/PgDn, F-keys, paste brackets
            };
        }
        else
        {
            key = Final(final, modifier);
        }
        return i + 1;
    }

    // The final letter of a cursor-key sequence; modifier 3 is Alt, 5 Ctrl
    // (xterm's 1 + bits), either of which turns Left/Right into word motion.
    private static KeyPress Final(char final, int modifier)
    {
        bool word = modifier is 3 or 5 or 7;
        return final switch
        {
            'A' => KeyPress.Of(KeyKind.Up),
            'B' => KeyPress.Of(KeyKind.Down),
            'C' => KeyPress.Of(word ? KeyKind.WordRight : KeyKind.Right),
            'D' => KeyPress.Of(word ? KeyKind.WordLeft : KeyKind.Left),
            'H' => KeyPress.Of(KeyKind.Home),
            'F' => KeyPress.Of(KeyKind.End),
            _ => KeyPress.Of(KeyKind.Ignored),
        };
    }
}
