using System.Text;

namespace KenShell.Store;

/// <summary>
/// One writer per store (G6). The lock is flock(LOCK_EX|LOCK_NB) on
/// <c>ken_&lt;addr&gt;_lock</c>: .NET takes exactly that lock for FileShare.None
/// on Unix. The kernel drops it when the process dies, however it dies, so a
/// crashed shell never leaves a stale lock behind.
/// </summary>
public sealed class StoreLock : IDisposable
{
    private readonly FileStream _stream;

    private StoreLock(FileStream stream) => _stream = stream;

    /// <summary>Takes the lock or throws <see cref="StoreLockedException"/>. Changes nothing when it fails.</summary>
    public static StoreLock Acquire(StoreLayout layout)
    {
        FileStream stream;
        try
        {
            stream = new FileStream(layout.LockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (File.Exists(layout.LockPath))
        {
            // Not every failure to open the lock file means another kenshell
            // holds it: on a read-only file system (EROFS) or a failing disk
            // the open fails too, and calling that "in use by another
            // kenshell (pid N)" sends the user after a process that does not
            // exist (found by the torture suite on a read-only bind mount).
            // A read-only open can still ask for the lock: if it gets it,
            // nobody holds it and the first error is the real one.
            if (!HeldByAnotherProcess(layout.LockPath))
                throw new IOException($"cannot open {Path.GetFileName(layout.LockPath)} for writing: {e.Message}", e);
            throw new StoreLockedException(
                $"the store ken_{layout.Address}_* in {layout.Directory} is in use by another kenshell{DescribeHolder(layout.LockPath)}; " +
                "only one process may use a store at a time");
        }
        // Record who holds it, for the message a second process prints.
        stream.SetLength(0);
        byte[] pid = Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
        stream.Write(pid);
        stream.Flush();
        return new StoreLock(stream);
    }

    private static bool HeldByAnotherProcess(string path)
    {
        try
        {
            // FileShare.None = flock(LOCK_EX | LOCK_NB), which a read-only descriptor may take.
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string DescribeHolder(string path)
    {
        // Read without taking any lock (FileStream would ask for a shared flock and fail).
        int fd = Mono.Unix.Native.Syscall.open(path, Mono.Unix.Native.OpenFlags.O_RDONLY);
        if (fd < 0) return "";
        try
        {
            var buffer = new byte[32];
            long n;
            unsafe
            {
                fixed (byte* p = buffer) n = Mono.Unix.Native.Syscall.read(fd, p, (ulong)buffer.Length);
            }
            string text = n > 0 ? Encoding.ASCII.GetString(buffer, 0, (int)n).Trim() : "";
            return int.TryParse(text, out int pid) ? $" (pid {pid})" : "";
        }
        finally
        {
            Mono.Unix.Native.Syscall.close(fd);
        }
    }

    /// <summary>
    /// True when the lock file was removed (rm ken_*) while the lock is held:
    /// the lock then no longer keeps a second kenshell off the store, which
    /// would create a new lock file and take that.
    /// </summary>
    public bool IsRemoved => FileSync.IsUnlinked(_stream.SafeFileHandle);

    public void Dispose() => _stream.Dispose();
}
