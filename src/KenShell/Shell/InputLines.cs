using System.Collections.Concurrent;

namespace KenShell.Shell;

/// <summary>
/// Reads input lines on a thread of its own, so that the shell's thread
/// (the one the isolate lives on) can wait for "a line, or the next timer,
/// whichever comes first".
/// </summary>
public sealed class InputLines : IDisposable
{
    private readonly BlockingCollection<string?> _lines = new(boundedCapacity: 1024);
    // Posted by Wake(): not a line, a reason to stop waiting (a datagram arrived).
    private static readonly string WakeMarker = new('\0', 1);
    private readonly SemaphoreSlim _wanted = new(0);
    private bool _ended;

    public InputLines(TextReader reader)
    {
        var thread = new Thread(() =>
        {
            try
            {
                while (true)
                {
                    // Read one line only when the shell asks for one: on a
                    // terminal, reading ahead would swallow keys typed while
                    // a turn runs (Ctrl-C handling, prompts).
                    _wanted.Wait();
                    string? line = reader.ReadLine();
                    _lines.Add(line);
                    if (line is null) return;
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or InvalidOperationException)
            {
                _lines.TryAdd(null);
            }
        })
        { IsBackground = true, Name = "kenshell input" };
        thread.Start();
    }

    private bool _requested;

    /// <summary>
    /// Waits up to <paramref name="timeout"/> (infinite when null) for the
    /// next line. Returns false on timeout; <paramref name="line"/> is null
    /// at end of input.
    /// </summary>
    public bool TryRead(TimeSpan? timeout, out string? line)
    {
        line = null;
        if (_ended) return true;
        if (!_requested)
        {
            _wanted.Release();
            _requested = true;
        }
        bool got = timeout is { } t
            ? _lines.TryTake(out line, t < TimeSpan.Zero ? TimeSpan.Zero : t)
            : _lines.TryTake(out line, Timeout.Infinite);
        if (!got) return false;
        if (ReferenceEquals(line, WakeMarker))
        {
            line = null;
            return false; // woken, not a line: the line asked for is still on its way
        }
        _requested = false;
        if (line is null) _ended = true;
        return true;
    }

    /// <summary>Makes a waiting <see cref="TryRead"/> return early (thread-safe).</summary>
    public void Wake()
    {
        try
        {
            _lines.TryAdd(WakeMarker);
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose()
    {
        _lines.Dispose();
        _wanted.Dispose();
    }
}
