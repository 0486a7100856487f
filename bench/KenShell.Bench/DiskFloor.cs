using System.Diagnostics;
using Microsoft.Win32.SafeHandles;
using Mono.Unix.Native;

namespace KenShell.Bench;

/// <summary>
/// The least a durable write costs on the store's disk: a 100-byte append
/// followed by fdatasync, the shape of one small turn-log record. No durable
/// turn can be faster than this.
/// </summary>
public static class DiskFloor
{
    public const int RecordBytes = 100;

    /// <summary>
    /// The first appends allocate the file's first block and warm the
    /// journal; they are done but not counted.
    /// </summary>
    public const int WarmUps = 10;

    public static LatencySummary Measure(string directory, int samples)
    {
        string path = Path.Combine(directory, "disk-floor.log");
        byte[] record = new byte[RecordBytes];
        Array.Fill(record, (byte)'x');
        record[^1] = (byte)'\n';
        var millis = new List<double>(samples);
        try
        {
            using SafeFileHandle file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
            int fd = (int)file.DangerousGetHandle();
            long offset = 0;
            for (int i = 0; i < WarmUps + samples; i++)
            {
                long start = Stopwatch.GetTimestamp();
                RandomAccess.Write(file, record, offset);
                if (Syscall.fdatasync(fd) != 0)
                    throw new IOException($"fdatasync of {path} failed: {Stdlib.strerror(Stdlib.GetLastError())}");
                double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                offset += RecordBytes;
                if (i >= WarmUps) millis.Add(elapsed);
            }
        }
        finally
        {
            File.Delete(path);
        }
        return LatencySummary.Of(millis);
    }
}
