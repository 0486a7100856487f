using System.Text;
using KenShell.Terminal;

namespace KenShell.Tests.Support;

/// <summary>
/// Keys from bytes in memory, decoded by the shipping <see cref="KeyDecoder"/>: the
/// in-process counterpart of a terminal, as Node's REPL tests drive the REPL through an
/// in-memory stream. Each <see cref="Type"/> or <see cref="Press"/> is one write of the
/// terminal (an escape sequence arrives whole); <see cref="Pause"/> makes the editor
/// see a timeout (what a due timer does); once everything is read, the terminal is
/// gone (<see cref="InputEvent.Closed"/>).
/// </summary>
public sealed class MemoryKeys : IKeySource
{
    private static readonly Dictionary<string, string> Named = new(StringComparer.Ordinal)
    {
        ["Enter"] = "\r", ["Tab"] = "\t", ["BSpace"] = "\x7f", ["Escape"] = "\x1b",
        ["Up"] = "\x1b[A", ["Down"] = "\x1b[B", ["Right"] = "\x1b[C", ["Left"] = "\x1b[D",
        ["Home"] = "\x1b[H", ["End"] = "\x1b[F", ["Delete"] = "\x1b[3~",
        ["C-Left"] = "\x1b[1;5D", ["C-Right"] = "\x1b[1;5C",
    };

    private readonly KeyDecoder _decoder = new();
    private readonly Queue<byte[]?> _writes = new(); // null = a pause
    private int _woken;

    public MemoryKeys Type(string text)
    {
        _writes.Enqueue(Encoding.UTF8.GetBytes(text));
        return this;
    }

    /// <summary>Keys by tmux's names: Enter, Up, BSpace, C-a (Ctrl), M-b (Alt), ...</summary>
    public MemoryKeys Press(params string[] keys)
    {
        foreach (string key in keys)
        {
            string bytes = Named.TryGetValue(key, out string? named) ? named
                : key.StartsWith("C-", StringComparison.Ordinal) && key.Length == 3 ? ((char)(char.ToLowerInvariant(key[2]) - 'a' + 1)).ToString()
                : key.StartsWith("M-", StringComparison.Ordinal) && key.Length > 2 ? "\x1b" + (key == "M-BSpace" ? "\x7f" : key[2..])
                : throw new ArgumentException($"no such key: {key}");
            _writes.Enqueue(Encoding.UTF8.GetBytes(bytes));
        }
        return this;
    }

    public MemoryKeys Line(string text) => Type(text).Press("Enter");

    /// <summary>Bracketed paste, as a terminal marks it.</summary>
    public MemoryKeys Paste(string text) => Type("\x1b[200~" + text + "\x1b[201~");

    public MemoryKeys Pause()
    {
        _writes.Enqueue(null);
        return this;
    }

    public bool HasBufferedKeys => _decoder.HasPartial;

    public InputEvent Next(TimeSpan? timeout, out KeyPress key)
    {
        while (true)
        {
            if (_decoder.TryNext(out key)) return InputEvent.Key;
            // A write is decoded whole: what is left of it is complete (a lone ESC is Escape).
            if (_decoder.HasPartial && _decoder.TryNext(out key, flush: true)) return InputEvent.Key;
            if (Interlocked.Exchange(ref _woken, 0) != 0) return InputEvent.Woken;
            if (!_writes.TryDequeue(out byte[]? write)) return InputEvent.Closed;
            if (write is null) return InputEvent.Timeout;
            _decoder.Feed(write);
        }
    }

    public void Wake() => Interlocked.Exchange(ref _woken, 1);

    public void Dispose()
    {
    }
}
