using Mono.Unix.Native;

namespace KenShell.Store;

/// <summary>The fsync steps .NET does not offer directly.</summary>
public static class Durability
{
    /// <summary>
    /// fsyncs a directory, making the renames and unlinks done in it durable.
    /// Without it a crash can bring back a renamed file under its old name, or
    /// lose it altogether, even though the file's own data was fsynced.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        FaultInjection.BeforeSync(directory);
        int fd = Syscall.open(directory, OpenFlags.O_RDONLY | OpenFlags.O_DIRECTORY);
        if (fd < 0) throw new IOException($"cannot open directory {directory} to fsync it: {Stdlib.strerror(Stdlib.GetLastError())}");
        try
        {
            if (Syscall.fsync(fd) != 0)
                throw new IOException($"fsync of directory {directory} failed: {Stdlib.strerror(Stdlib.GetLastError())}");
        }
        finally
        {
            Syscall.close(fd);
        }
    }

    /// <summary>
    /// Renames within one directory and makes the rename durable. rename(2) is
    /// atomic: a crash leaves either the old name or the new one, never a mix.
    /// </summary>
    public static void RenameDurably(string from, string to)
    {
        FaultInjection.BeforeRename(to);
        File.Move(from, to, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(to)!);
    }
}
