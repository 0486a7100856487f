using Mono.Unix.Native;

namespace KenShell.Store;

/// <summary>
/// Crash points for the crash tests, SQLite-style: with
/// <c>KENSHELL_CRASH_AT=&lt;point&gt;[:&lt;n&gt;]</c> in the environment the
/// process kills itself with SIGKILL the n-th time (default: first) it
/// passes that point, exactly as a power cut or kill -9 would stop it there.
/// Without the variable every call is a no-op. Points are named after the
/// durability step they precede.
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

    private static readonly string? Point;
    private static readonly int Count = 1;
    private static int _hits;

    static FaultInjection()
    {
        string? spec = Environment.GetEnvironmentVariable("KENSHELL_CRASH_AT");
        if (string.IsNullOrEmpty(spec)) return;
        string[] parts = spec.Split(':');
        Point = parts[0];
        if (parts.Length > 1 && int.TryParse(parts[1], out int n) && n > 0) Count = n;
    }

    public static void Hit(string point)
    {
        if (Point is null || Point != point) return;
        if (Interlocked.Increment(ref _hits) == Count) Syscall.kill(Syscall.getpid(), Signum.SIGKILL);
    }
}
