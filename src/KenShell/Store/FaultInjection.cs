using Mono.Unix.Native;

namespace KenShell.Store;

/// <summary>
/// Crash points and I/O faults for the crash and torture tests, SQLite-style.
/// Without the environment variables below every call is a no-op.
///
/// <c>KENSHELL_CRASH_AT=&lt;point&gt;[:&lt;n&gt;]</c>: the process kills itself
/// with SIGKILL the n-th time (default: first) it passes that point, exactly
/// as a power cut or kill -9 would stop it there. Points are named after the
/// durability step they precede.
///
/// <c>KENSHELL_FAULT=&lt;kind&gt;:&lt;target&gt;[:&lt;n&gt;[+]]</c> (several
/// separated by commas): the n-th (default: first) I/O operation of that kind
/// on a file of that target fails as the disk would make it fail; with
/// <c>+</c>, that one and every later one fail (a disk that stays full or
/// broken). Kinds:
/// <list type="bullet">
/// <item><c>short-write</c>: half the bytes are written, then the write fails (EIO).</item>
/// <item><c>enospc</c>: the write fails with ENOSPC before writing anything.</item>
/// <item><c>fsync-fail</c>: fsync/fdatasync fails with EIO.</item>
/// <item><c>rename-fail</c>: the rename that puts a new file in place fails.</item>
/// <item><c>read-only</c>: every write, fsync and rename fails with EROFS (the
/// store's file system was remounted read-only under a running shell; a
/// real read-only mount refuses that while files are open for writing).</item>
/// </list>
/// Targets are store file kinds, named from the file the operation touches:
/// <c>log</c> (turn-log segments), <c>checkpoint</c>, <c>genesis</c>, <c>dir</c>
/// (the directory fsync after a rename or unlink), or <c>any</c>. A checkpoint's
/// bytes are written and fsynced by the forked child in native code; faults
/// on them are injected when the parent collects the child's result, as the
/// child would report them.
/// </summary>
public static class FaultInjection
{
    /// <summary>After a log record is written, before it is fdatasynced.</summary>
    public const string LogBeforeSync = "log-before-sync";
    /// <summary>After a log record is durable, before the turn's output is released.</summary>
    public const string LogAfterSync = "log-after-sync";
    /// <summary>A checkpoint child has exited successfully; its file is not yet renamed.</summary>
    public const string CheckpointBeforeRename = "checkpoint-before-rename";
    /// <summary>A checkpoint was renamed into place; the directory is not yet fsynced.</summary>
    public const string CheckpointAfterRename = "checkpoint-after-rename";
    /// <summary>Between the removal of two covered log segments (or checkpoints).</summary>
    public const string DuringPruning = "during-pruning";
    /// <summary>A time-travel target state was reached in memory; its rewind turn is not yet written.</summary>
    public const string BeforeRewind = "before-rewind";
    /// <summary>A rebuild by replay (an engine migration) has replayed some turns; nothing of it is durable yet.</summary>
    public const string DuringRebuild = "during-rebuild";

    /// <summary>A turn that queued file writes (fs) is durable; none of its writes is done yet.</summary>
    public const string FileBeforeWrite = "file-before-write";
    /// <summary>Half the bytes of a file write (the temporary file, or an append) are written.</summary>
    public const string FileMidWrite = "file-mid-write";
    /// <summary>A turn's file writes are done; the turn that records them as done is not yet durable.</summary>
    public const string FileBeforeAck = "file-before-ack";

    /// <summary>Fault kinds of <c>KENSHELL_FAULT</c>.</summary>
    public const string ShortWrite = "short-write";
    public const string NoSpace = "enospc";
    public const string FsyncFail = "fsync-fail";
    public const string RenameFail = "rename-fail";
    public const string ReadOnly = "read-only";

    private static string? Point;
    private static int Count = 1;
    private static int _hits;

    private static FaultRule[] Rules = [];

    /// <summary>
    /// Arms the crash point (<c>KENSHELL_CRASH_AT</c>) and the faults (<c>KENSHELL_FAULT</c>),
    /// once, at start (<c>Cli/</c>, from its options), before the store is opened. Null or
    /// empty arms nothing. Throws <see cref="ArgumentException"/> on a bad fault rule.
    /// </summary>
    public static void Configure(string? crashAt, string? faults)
    {
        FaultRule[] rules = string.IsNullOrEmpty(faults)
            ? []
            : faults.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(FaultRule.Parse).ToArray();
        string? point = null;
        int count = 1;
        if (!string.IsNullOrEmpty(crashAt))
        {
            string[] parts = crashAt.Split(':');
            point = parts[0];
            if (parts.Length > 1 && int.TryParse(parts[1], out int n) && n > 0) count = n;
        }
        Point = point;
        Count = count;
        Rules = rules;
        _hits = 0;
    }

    /// <summary>True when any I/O fault is configured (lets hot paths skip the rest).</summary>
    public static bool FaultsArmed => Rules.Length > 0;

    public static void Hit(string point)
    {
        if (Point is null || Point != point) return;
        if (Interlocked.Increment(ref _hits) == Count) Syscall.kill(Syscall.getpid(), Signum.SIGKILL);
    }

    /// <summary>The target (store file kind) an operation on <paramref name="path"/> counts under.</summary>
    public static string TargetOf(string path)
    {
        string name = Path.GetFileName(path);
        if (name.Contains("_ckpt_", StringComparison.Ordinal)) return "checkpoint";
        if (name.Contains("_log_", StringComparison.Ordinal)) return "log";
        if (name.Contains("_genesis", StringComparison.Ordinal)) return "genesis";
        if (Directory.Exists(path)) return "dir";
        return "other";
    }

    /// <summary>
    /// Before writing <paramref name="length"/> bytes to <paramref name="path"/>:
    /// the injected failure, if this write is to fail, else null.
    /// <paramref name="prefix"/> is how many bytes to really write first (a short write).
    /// </summary>
    public static IOException? WriteFault(string path, int length, out int prefix)
    {
        prefix = 0;
        if (Rules.Length == 0) return null;
        string target = TargetOf(path);
        if (Fires(ShortWrite, target))
        {
            prefix = length / 2;
            return Injected(ShortWrite, path, $"short write: {prefix} of {length} bytes written, then Input/output error (EIO)");
        }
        if (Fires(NoSpace, target)) return Injected(NoSpace, path, "No space left on device (ENOSPC)");
        if (Fires(ReadOnly, target)) return Injected(ReadOnly, path, "Read-only file system (EROFS)");
        return null;
    }

    /// <summary>Before an fsync/fdatasync of <paramref name="path"/> (a file or the store directory): throws if it is to fail.</summary>
    public static void BeforeSync(string path)
    {
        if (Rules.Length == 0) return;
        string target = TargetOf(path);
        if (Fires(FsyncFail, target)) throw Injected(FsyncFail, path, "fsync failed: Input/output error (EIO)");
        if (Fires(ReadOnly, target)) throw Injected(ReadOnly, path, "fsync failed: Read-only file system (EROFS)");
    }

    /// <summary>Before a rename that puts <paramref name="to"/> in place: throws if it is to fail.</summary>
    public static void BeforeRename(string to)
    {
        if (Rules.Length == 0) return;
        string target = TargetOf(to);
        if (Fires(RenameFail, target)) throw Injected(RenameFail, to, "rename failed: Input/output error (EIO)");
        if (Fires(ReadOnly, target)) throw Injected(ReadOnly, to, "rename failed: Read-only file system (EROFS)");
    }

    /// <summary>
    /// A checkpoint child reported success: the failure it would have reported
    /// had its write or fsync failed, or null. A short write also leaves the
    /// temporary file half written, as the child would have.
    /// </summary>
    public static string? CheckpointChildFault(string temporaryPath)
    {
        if (Rules.Length == 0) return null;
        const string target = "checkpoint";
        if (Fires(ShortWrite, target))
        {
            try
            {
                using var stream = new FileStream(temporaryPath, FileMode.Open, FileAccess.Write);
                stream.SetLength(stream.Length / 2);
            }
            catch (IOException) { }
            return Injected(ShortWrite, temporaryPath, "short write of the checkpoint, then Input/output error (EIO)").Message;
        }
        if (Fires(NoSpace, target)) return Injected(NoSpace, temporaryPath, "writing the checkpoint: No space left on device (ENOSPC)").Message;
        if (Fires(FsyncFail, target)) return Injected(FsyncFail, temporaryPath, "fsync of the checkpoint failed: Input/output error (EIO)").Message;
        if (Fires(ReadOnly, target)) return Injected(ReadOnly, temporaryPath, "writing the checkpoint: Read-only file system (EROFS)").Message;
        return null;
    }

    private static bool Fires(string kind, string target)
    {
        bool fires = false;
        foreach (FaultRule rule in Rules)
        {
            if (rule.Kind == kind && (rule.Target == target || rule.Target == "any") && rule.Count()) fires = true;
        }
        return fires;
    }

    private static IOException Injected(string kind, string path, string what) =>
        new($"{what} on {Path.GetFileName(path)} [injected {kind}]");
}
