using System.Text;

namespace KenShell.Terminal;

/// <summary>
/// The lines typed at the prompt, newest last, kept in the store directory as
/// <c>ken_&lt;addr&gt;_history</c> (one line per entry, UTF-8) so that they
/// survive restarts and <c>rm ken_*</c> clears them with the rest.
///
/// History is a convenience, not state: it is never read by recovery and it
/// must never slow a turn down or put the store at risk. So each entry is one
/// append made by a writer thread of its own (a write(2) to the page cache
/// takes microseconds, but now and then a millisecond behind the
/// filesystem's journal, and the line is submitted just before its turn
/// runs), and there is no fsync: a power cut may cost the last few entries,
/// never a turn. A torn
/// or garbled tail (zeros after a crash, invalid UTF-8) is skipped on load.
/// When the disk is full or the file cannot be written, history stays in
/// memory and the shell says so once.
/// </summary>
public sealed class LineHistory : IDisposable
{
    public const int DefaultCapacity = 10_000;

    private readonly List<string> _entries = new();
    private readonly int _capacity;
    private readonly TextWriter? _warnings;
    private FileStream? _file;
    private volatile bool _warned;
    private System.Collections.Concurrent.BlockingCollection<string>? _pendingWrites;
    private Thread? _writer;

    private LineHistory(int capacity, TextWriter? warnings)
    {
        _capacity = capacity;
        _warnings = warnings;
    }

    /// <summary>Oldest first.</summary>
    public IReadOnlyList<string> Entries => _entries;

    /// <summary>History kept only in memory (no file).</summary>
    public static LineHistory InMemory(int capacity = DefaultCapacity) => new(capacity, null);

    /// <summary>Loads <paramref name="path"/> (if present) and appends new entries to it.</summary>
    public static LineHistory Open(string path, TextWriter warnings, int capacity = DefaultCapacity)
    {
        var history = new LineHistory(capacity, warnings);
        int linesOnDisk = history.Load(path);
        try
        {
            // The file was written by this store's shells only (the store lock
            // is held), so it is compacted here, before anything is appended.
            if (linesOnDisk > 2 * capacity) history.Rewrite(path);
            history._file = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite, bufferSize: 0);
            history.StartWriter();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            history.Warn(e.Message);
        }
        return history;
    }

    // Only the end of an oversized file is read (a history is about 100
    // bytes an entry): a file grown huge by accident must not slow the start.
    private const int MaxBytesRead = 4 << 20;

    private int Load(string path)
    {
        byte[] bytes;
        bool cut;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            cut = stream.Length > MaxBytesRead;
            if (cut) stream.Seek(-MaxBytesRead, SeekOrigin.End);
            bytes = new byte[Math.Min(stream.Length, MaxBytesRead)];
            stream.ReadExactly(bytes);
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Warn(e.Message);
            return 0;
        }
        // A cut file also counts as too long, so that it gets compacted.
        int lines = cut ? int.MaxValue / 2 : 0;
        var strict = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
        int start = 0;
        if (cut)
        {
            // The first line read is probably a piece of one: skip it.
            int newline = Array.IndexOf(bytes, (byte)'\n');
            start = newline < 0 ? bytes.Length : newline + 1;
        }
        for (int i = start; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] != (byte)'\n') continue;
            ReadOnlySpan<byte> line = bytes.AsSpan(start, i - start);
            start = i + 1;
            if (line.IsEmpty) continue;
            if (lines < int.MaxValue / 2) lines++;
            if (line.Contains((byte)0)) continue; // zeros: a tail torn by a crash
            try
            {
                Remember(strict.GetString(line));
            }
            catch (DecoderFallbackException)
            {
                // Not text we wrote; skip it rather than show garbage.
            }
        }
        return lines;
    }

    private void Rewrite(string path)
    {
        string temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
        {
            byte[] text = Encoding.UTF8.GetBytes(string.Concat(_entries.Select(e => e + "\n")));
            stream.Write(text);
            // Durable before the rename, so that a crash leaves either the old
            // file or the whole new one, never an empty history.
            stream.Flush(flushToDisk: true);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>
    /// Records a line typed at the prompt (not blank ones, and not the same
    /// line twice in a row).
    /// </summary>
    public void Add(string line)
    {
        if (string.IsNullOrWhiteSpace(line) || line.Contains('\n') || line.Contains('\0')) return;
        if (_entries.Count > 0 && _entries[^1] == line) return;
        Remember(line);
        _pendingWrites?.TryAdd(line);
    }

    private void StartWriter()
    {
        _pendingWrites = new(boundedCapacity: 4096);
        _writer = new Thread(() =>
        {
            foreach (string line in _pendingWrites.GetConsumingEnumerable())
            {
                if (_file is null) continue;
                try
                {
                    _file.Write(Encoding.UTF8.GetBytes(line + "\n"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException or ObjectDisposedException)
                {
                    _file.Dispose();
                    _file = null;
                    Warn(e.Message);
                }
            }
        })
        { IsBackground = true, Name = "kenshell history" };
        _writer.Start();
    }

    private void Remember(string line)
    {
        _entries.Add(line);
        if (_entries.Count > _capacity) _entries.RemoveRange(0, _entries.Count - _capacity);
    }

    private void Warn(string reason)
    {
        if (_warned || _warnings is null) return;
        _warned = true;
        _warnings.WriteLine($"kenshell: input history is kept in memory only: {reason}");
        _warnings.Flush();
    }

    /// <summary>Writes what is still queued (for at most a second), then closes the file.</summary>
    public void Dispose()
    {
        if (_pendingWrites is not null)
        {
            _pendingWrites.CompleteAdding();
            _writer?.Join(TimeSpan.FromSeconds(1));
        }
        _file?.Dispose();
    }
}
