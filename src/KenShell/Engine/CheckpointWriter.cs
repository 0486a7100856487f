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
    public unsafe string? Wait(TimeSpan timeout)
    {
        byte* detail = stackalloc byte[1024];
        int result = NativeMethods.CheckpointWait(Pid, (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds), detail, 1024);
        if (result == 1) return null;
        return Marshal.PtrToStringUTF8((IntPtr)detail) is { Length: > 0 } text ? text : "checkpoint writer failed";
    }
}
