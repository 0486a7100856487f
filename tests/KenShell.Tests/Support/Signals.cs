using Mono.Unix.Native;

namespace KenShell.Tests.Support;

/// <summary>Real signals to real processes.</summary>
internal static class Signals
{
    public static void Send(int pid, Signum signal)
    {
        if (Syscall.kill(pid, signal) != 0 && Stdlib.GetLastError() != Errno.ESRCH)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: {Stdlib.GetLastError()}");
    }
}
