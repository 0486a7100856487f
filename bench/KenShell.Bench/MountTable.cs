namespace KenShell.Bench;

/// <summary>Which file system a folder is on, from /proc/self/mounts.</summary>
public static class MountTable
{
    /// <summary>
    /// The type of the file system holding <paramref name="path"/> (ext4,
    /// tmpfs, ...), or "unknown". On tmpfs an fdatasync costs nothing, and
    /// the disk floor and kenshell's figures would say nothing about a disk.
    /// </summary>
    public static string FileSystemTypeOf(string path)
    {
        string full = Path.GetFullPath(path);
        string type = "unknown";
        int longestMatch = -1;
        foreach (string line in File.ReadLines("/proc/self/mounts"))
        {
            // device mount-point type options dump pass; spaces in the mount
            // point are escaped as \040, which never matters for a prefix of
            // an ordinary temp path.
            string[] fields = line.Split(' ');
            if (fields.Length < 3) continue;
            string mountPoint = fields[1];
            bool contains = full == mountPoint
                || full.StartsWith(mountPoint.EndsWith('/') ? mountPoint : mountPoint + "/", StringComparison.Ordinal);
            if (contains && mountPoint.Length > longestMatch)
                (type, longestMatch) = (fields[2], mountPoint.Length);
        }
        return type;
    }
}
