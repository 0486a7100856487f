using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace KenShell.Store;

/// <summary>
/// The libc calls on an open file that .NET does not offer, taking the
/// <see cref="SafeFileHandle"/> itself: the marshaller holds a reference on
/// it for the duration of the call, so the descriptor cannot be closed (and
/// its number reused by another file) while the call runs.
/// </summary>
internal static unsafe partial class NativeFile
{
    private const string Libc = "libc";

    [LibraryImport(Libc, EntryPoint = "fdatasync", SetLastError = true)]
    public static partial int FdataSync(SafeFileHandle fd);

    [LibraryImport(Libc, EntryPoint = "fsync", SetLastError = true)]
    public static partial int FSync(SafeFileHandle fd);

    [LibraryImport(Libc, EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int FTruncate(SafeFileHandle fd, long length);

    [LibraryImport(Libc, EntryPoint = "fstat", SetLastError = true)]
    private static partial int FStat(SafeFileHandle fd, byte* stat);

    // struct stat on x86-64 Linux (glibc): 144 bytes; st_nlink is the 64-bit
    // field at offset 16 (after st_dev and st_ino).
    private const int StatSize = 144;
    private const int StatNlinkOffset = 16;

    /// <summary>The file's link count, or -1 when fstat fails.</summary>
    public static long LinkCount(SafeFileHandle fd)
    {
        byte* stat = stackalloc byte[StatSize];
        return FStat(fd, stat) == 0 ? *(long*)(stat + StatNlinkOffset) : -1;
    }

    [LibraryImport(Libc, EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    /// <summary>The C library's words for an errno value.</summary>
    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";
}
