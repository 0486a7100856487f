using System.Runtime.InteropServices;

namespace KenShell.Engine;

/// <summary>A forked checkpoint child: wait for it, or kill it if it overruns.</summary>
public sealed class CheckpointWriter
{
    internal CheckpointWriter(int pid, TimeSpan forkPause)
    {
        Pid = pid;
        ForkPause = forkPause;
    }

    public int Pid { get; }

    /// <summary>How long the fork itself stalled the shell.</summary>
    public TimeSpan ForkPause { get; }

    /// <summary>
    /// Waits for the child. Returns null when it wrote and fsynced the file,
    /// otherwise why it failed (a V8 fatal error, a write error, a timeout).
    /// </summary>
    public string? Wait(TimeSpan timeout) => Wait(timeout, CancellationToken.None);

    /// <summary>
    /// As <see cref="Wait(TimeSpan)"/>; when <paramref name="abandon"/> is
    /// cancelled first, the child is killed (SIGKILL) and reaped, and this
    /// returns why. The kill and the reap happen on this thread, so the pid
    /// cannot have been reused by another process in between.
    /// </summary>
    public string? Wait(TimeSpan timeout, CancellationToken abandon)
    {
        if (!abandon.CanBeCanceled) return Collect((int)Math.Min(int.MaxValue, timeout.TotalMilliseconds));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            // 0 ms: reap the child if it has exited, else answer at once.
            if (Collect(0, out string? failure)) return failure;
            if (abandon.IsCancellationRequested)
            {
                Mono.Unix.Native.Syscall.kill(Pid, Mono.Unix.Native.Signum.SIGKILL);
                Collect(int.MaxValue);
                return "abandoned";
            }
            // A deadline passed: the native wait kills and reports the child.
            if (clock.Elapsed >= timeout) return Collect(1);
            abandon.WaitHandle.WaitOne(2);
        }
    }

    private string? Collect(int timeoutMs)
    {
        Collect(timeoutMs, out string? failure);
        return failure;
    }

    /// <summary>False while the child still runs (only with a zero timeout).</summary>
    private unsafe bool Collect(int timeoutMs, out string? failure)
    {
        byte* detail = stackalloc byte[1024];
        int result = NativeMethods.CheckpointWait(Pid, timeoutMs, out int running, detail, 1024);
        failure = null;
        if (result == 0 && running != 0) return false;
        if (result != 0)
            failure = Marshal.PtrToStringUTF8((IntPtr)detail) is { Length: > 0 } text ? text : "checkpoint writer failed";
        return true;
    }
}
