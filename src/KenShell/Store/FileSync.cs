using Microsoft.Win32.SafeHandles;
using Mono.Unix.Native;

namespace KenShell.Store;

/// <summary>
/// fdatasync, fsync and ftruncate on a .NET <see cref="SafeFileHandle"/>.
///
/// The turn log opens its files with <see cref="File.OpenHandle"/> rather
/// than Syscall.open: .NET then owns the descriptor (O_CLOEXEC, closed by the
/// SafeHandle even on exceptions) and <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/>
/// gives pwrite with its partial-write loop and errno-bearing IOExceptions.
/// Only the calls .NET lacks go through Mono.Posix, on the raw descriptor
/// from DangerousGetHandle, with DangerousAddRef held so the descriptor
/// cannot be closed (and its number reused) during the call.
/// </summary>
internal static class FileSync
{
    /// <summary>fdatasync: the file's data and the metadata needed to read it back (its size), not its timestamps.</summary>
    public static void DataSync(SafeFileHandle handle, string path)
    {
        FaultInjection.BeforeSync(path);
        Run(handle, Syscall.fdatasync, "fdatasync", path);
    }

    /// <summary>fsync: data and all metadata.</summary>
    public static void FullSync(SafeFileHandle handle, string path)
    {
        FaultInjection.BeforeSync(path);
        Run(handle, Syscall.fsync, "fsync", path);
    }

    /// <summary>
    /// pwrite of all of <paramref name="data"/> at <paramref name="offset"/>
    /// (RandomAccess.Write), through the test-only fault layer.
    /// </summary>
    public static void Write(SafeFileHandle handle, ReadOnlySpan<byte> data, long offset, string path)
    {
        if (FaultInjection.FaultsArmed && FaultInjection.WriteFault(path, data.Length, out int prefix) is { } fault)
        {
            if (prefix > 0) RandomAccess.Write(handle, data[..prefix], offset);
            throw fault;
        }
        RandomAccess.Write(handle, data, offset);
    }

    public static void Truncate(SafeFileHandle handle, long length, string path) =>
        Run(handle, fd => Syscall.ftruncate(fd, length), $"ftruncate to {length} bytes", path);

    /// <summary>
    /// True when the open file has no name left in any directory (st_nlink
    /// is 0: someone ran rm on it). False when it has one, or when fstat
    /// cannot tell.
    /// </summary>
    public static bool IsUnlinked(SafeFileHandle handle)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            return Syscall.fstat((int)handle.DangerousGetHandle(), out Stat stat) == 0 && stat.st_nlink == 0;
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }

    private static void Run(SafeFileHandle handle, Func<int, int> call, string what, string path)
    {
        bool added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            int fd = (int)handle.DangerousGetHandle();
            while (true)
            {
                if (call(fd) == 0) return;
                Errno errno = Stdlib.GetLastError();
                if (errno == Errno.EINTR) continue;
                throw new IOException($"{what} of {Path.GetFileName(path)} failed: {Stdlib.strerror(errno)} ({errno})");
            }
        }
        finally
        {
            if (added) handle.DangerousRelease();
        }
    }
}
