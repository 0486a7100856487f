using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KenShell.Store;

/// <summary>
/// fdatasync, fsync and ftruncate on a .NET <see cref="SafeFileHandle"/>.
///
/// The turn log opens its files with <see cref="File.OpenHandle"/> rather
/// than Syscall.open: .NET then owns the descriptor (O_CLOEXEC, closed by the
/// SafeHandle even on exceptions) and <see cref="RandomAccess.Write(SafeFileHandle, ReadOnlySpan{byte}, long)"/>
/// gives pwrite with its partial-write loop and errno-bearing IOExceptions.
/// Only the calls .NET lacks go to libc directly (<see cref="NativeFile"/>),
/// taking the SafeFileHandle, whose marshalling keeps the descriptor open
/// (and its number from being reused) for the duration of the call.
/// </summary>
internal static class FileSync
{
    /// <summary>fdatasync: the file's data and the metadata needed to read it back (its size), not its timestamps.</summary>
    public static void DataSync(SafeFileHandle handle, string path)
    {
        FaultInjection.BeforeSync(path);
        Run(() => NativeFile.FdataSync(handle), "fdatasync", path);
    }

    /// <summary>fsync: data and all metadata.</summary>
    public static void FullSync(SafeFileHandle handle, string path)
    {
        FaultInjection.BeforeSync(path);
        Run(() => NativeFile.FSync(handle), "fsync", path);
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
        Run(() => NativeFile.FTruncate(handle, length), $"ftruncate to {length} bytes", path);

    /// <summary>
    /// True when the open file has no name left in any directory (st_nlink
    /// is 0: someone ran rm on it). False when it has one, or when fstat
    /// cannot tell.
    /// </summary>
    public static bool IsUnlinked(SafeFileHandle handle) => NativeFile.LinkCount(handle) == 0;

    private static void Run(Func<int> call, string what, string path)
    {
        while (true)
        {
            if (call() == 0) return;
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr) continue;
            throw new IOException($"{what} of {Path.GetFileName(path)} failed: {NativeFile.Describe(errno)} ({ErrnoName(errno)})");
        }
    }

    private const int EIntr = 4;

    // The names the messages have always used (Mono.Posix's Errno names).
    private static string ErrnoName(int errno) => errno switch
    {
        5 => "EIO",
        9 => "EBADF",
        22 => "EINVAL",
        27 => "EFBIG",
        28 => "ENOSPC",
        30 => "EROFS",
        122 => "EDQUOT",
        _ => $"errno {errno}",
    };
}
