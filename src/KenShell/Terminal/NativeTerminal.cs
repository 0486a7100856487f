using Microsoft.Win32.SafeHandles;
using System.Runtime.InteropServices;

namespace KenShell.Terminal;

/// <summary>
/// The few libc calls the line editor needs: terminal modes (termios), the
/// window size, and poll/read on file descriptors. Linux x86-64 and arm64
/// share every layout and constant used here.
/// </summary>
internal static unsafe partial class NativeTerminal
{
    private const string Libc = "libc";

    // struct termios (glibc): c_iflag, c_oflag, c_cflag, c_lflag (4 bytes
    // each), c_line, c_cc[32], then the speeds; 60 bytes, rounded up here.
    public const int TermiosSize = 64;
    public const int IflagOffset = 0;
    public const int LflagOffset = 12;
    public const int CcOffset = 17;
    public const int VTime = 5;
    public const int VMin = 6;

    public const uint Isig = 0x1;
    public const uint Icanon = 0x2;
    public const uint Echo = 0x8;
    public const uint Iexten = 0x8000;
    public const uint Icrnl = 0x100;
    public const uint Ixon = 0x400;

    public const int TcsaNow = 0;
    public const nuint TiocGWinSz = 0x5413;

    public const short PollIn = 0x1;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct WinSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport(Libc, EntryPoint = "tcgetattr", SetLastError = true)]
    public static partial int TcGetAttr(int fd, byte* termios);

    [LibraryImport(Libc, EntryPoint = "tcsetattr", SetLastError = true)]
    public static partial int TcSetAttr(int fd, int action, byte* termios);

    [LibraryImport(Libc, EntryPoint = "ioctl", SetLastError = true)]
    public static partial int IoctlWinSize(int fd, nuint request, WinSize* size);

    [LibraryImport(Libc, EntryPoint = "isatty")]
    public static partial int IsATty(int fd);

    [LibraryImport(Libc, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    // The same, on a SafeHandle: the marshaller keeps the descriptor open
    // for the call, so a write from another thread cannot race a close.
    [LibraryImport(Libc, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(SafeFileHandle fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(SafeFileHandle fd, byte* buffer, nuint count);

    [LibraryImport(Libc, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* fds, int flags);

    [LibraryImport(Libc, EntryPoint = "close")]
    public static partial int Close(int fd);

    [LibraryImport(Libc, EntryPoint = "getpid")]
    public static partial int GetPid();

    [LibraryImport(Libc, EntryPoint = "kill")]
    public static partial int Kill(int pid, int signal);

    public const int OCloExec = 0x80000;
    public const int ONonBlock = 0x800;
    public const int SigTstp = 20;
    public const int Eintr = 4;
    public const int Eagain = 11;
}
