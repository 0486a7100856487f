using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KenShell.Terminal;

/// <summary>
/// Keys from the terminal, read on the shell's own thread: poll() waits for
/// a key, a timeout (the next timer) or a wake-up from another thread (a
/// datagram), whichever comes first. The isolate lives on this thread, so
/// nothing here needs a lock.
/// </summary>
public sealed unsafe class KeyboardInput : IKeySource
{
    // After an ESC, how long to wait for the rest of a sequence before
    // taking it as the Escape key (terminals send sequences in one write).
    private static readonly TimeSpan EscapeWait = TimeSpan.FromMilliseconds(40);

    private readonly int _fd;
    // The wake-up pipe. SafeHandles: Wake() runs on other threads and may
    // race Dispose(); with a raw descriptor it could write into whatever
    // file reused the number after the close.
    private readonly SafeFileHandle _wakeRead;
    private readonly SafeFileHandle _wakeWrite;
    private readonly KeyDecoder _decoder = new();
    private readonly byte[] _buffer = new byte[4096];
    private int _disposed;

    public KeyboardInput(int fd = 0)
    {
        _fd = fd;
        int* fds = stackalloc int[2];
        if (NativeTerminal.Pipe2(fds, NativeTerminal.OCloExec | NativeTerminal.ONonBlock) != 0)
            throw new IOException($"pipe2 failed: errno {Marshal.GetLastPInvokeError()}");
        _wakeRead = new SafeFileHandle(fds[0], ownsHandle: true);
        _wakeWrite = new SafeFileHandle(fds[1], ownsHandle: true);
    }

    /// <summary>True when keys already read are waiting to be decoded (a paste).</summary>
    public bool HasBufferedKeys => _decoder.HasPartial;

    /// <summary>Waits up to <paramref name="timeout"/> (forever when null) for the next key.</summary>
    public InputEvent Next(TimeSpan? timeout, out KeyPress key)
    {
        long start = Stopwatch.GetTimestamp();
        NativeTerminal.PollFd* fds = stackalloc NativeTerminal.PollFd[2];
        while (true)
        {
            if (_decoder.TryNext(out key)) return InputEvent.Key;
            int waitMs;
            if (_decoder.HasPartial) waitMs = (int)EscapeWait.TotalMilliseconds;
            else if (timeout is not { } t) waitMs = -1;
            else
            {
                double left = (t - Stopwatch.GetElapsedTime(start)).TotalMilliseconds;
                if (left <= 0) return InputEvent.Timeout;
                waitMs = (int)Math.Ceiling(left);
            }

            fds[0] = new NativeTerminal.PollFd { Fd = _fd, Events = NativeTerminal.PollIn };
            // Next and Dispose run on the shell's thread: the read end is open here.
            fds[1] = new NativeTerminal.PollFd { Fd = (int)_wakeRead.DangerousGetHandle(), Events = NativeTerminal.PollIn };
            int ready = NativeTerminal.Poll(fds, 2, waitMs);
            if (ready < 0)
            {
                if (Marshal.GetLastPInvokeError() == NativeTerminal.Eintr) continue;
                return InputEvent.Closed;
            }
            if (ready == 0)
            {
                if (_decoder.HasPartial && _decoder.TryNext(out key, flush: true)) return InputEvent.Key;
                if (timeout is not null) return InputEvent.Timeout;
                continue;
            }
            if (fds[0].Revents != 0)
            {
                nint n;
                fixed (byte* b = _buffer) n = NativeTerminal.Read(_fd, b, (nuint)_buffer.Length);
                if (n > 0)
                {
                    _decoder.Feed(_buffer.AsSpan(0, (int)n));
                    continue;
                }
                if (n < 0 && Marshal.GetLastPInvokeError() is NativeTerminal.Eintr or NativeTerminal.Eagain) continue;
                return InputEvent.Closed; // 0: end of file (the terminal hung up)
            }
            if (fds[1].Revents != 0)
            {
                DrainWakeups();
                return InputEvent.Woken;
            }
        }
    }

    private void DrainWakeups()
    {
        byte* scratch = stackalloc byte[64];
        while (NativeTerminal.Read(_wakeRead, scratch, 64) > 0)
        {
        }
    }

    /// <summary>Makes a waiting <see cref="Next"/> return <see cref="InputEvent.Woken"/> (any thread).</summary>
    public void Wake()
    {
        if (Volatile.Read(ref _disposed) != 0) return;
        byte one = 1;
        try
        {
            NativeTerminal.Write(_wakeWrite, &one, 1); // a full pipe already means "wake up"
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: nobody is waiting any more.
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        _wakeRead.Dispose();
        _wakeWrite.Dispose();
    }
}
