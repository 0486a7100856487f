using System.Diagnostics;

namespace KenShell.Store;

/// <summary>
/// A progress bar on stderr while a replay that has run for more than a
/// second goes on, when stderr is a terminal.
/// </summary>
public sealed class ReplayProgress(TextWriter writer, int total, bool terminal, TimeSpan showAfter) : IDisposable
{
    // Tests show the bar on a short replay with zero (KENSHELL_PROGRESS_AFTER_MS=0).
    private readonly long ShowAfterMs = (long)showAfter.TotalMilliseconds;

    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private bool _shown;
    private long _lastDrawMs;

    public void Report(int done)
    {
        if (!terminal || _clock.ElapsedMilliseconds < ShowAfterMs) return;
        if (_shown && _clock.ElapsedMilliseconds - _lastDrawMs < 100 && done < total) return;
        _lastDrawMs = _clock.ElapsedMilliseconds;
        const int width = 30;
        int filled = (int)((long)width * done / Math.Max(1, total));
        writer.Write($"\rkenshell: replaying the log [{new string('#', filled)}{new string('.', width - filled)}] {done}/{total} turns");
        writer.Flush();
        _shown = true;
    }

    /// <summary>Removes the bar (before another message is written).</summary>
    public void Clear()
    {
        if (!_shown) return;
        writer.Write("\r\x1b[K");
        writer.Flush();
        _shown = false;
    }

    public void Dispose() => Clear();
}
