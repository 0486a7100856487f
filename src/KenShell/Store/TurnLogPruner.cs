namespace KenShell.Store;

/// <summary>
/// Removes turn-log segments that a durable checkpoint has made unnecessary.
/// </summary>
public static class TurnLogPruner
{
    /// <summary>
    /// Deletes, oldest first, every segment all of whose records are turns
    /// ≤ <paramref name="coveredTurn"/> (pass the older of the two kept
    /// checkpoints, so that replay from either still finds its records). The
    /// newest segment is never deleted, even if covered: it is the one being
    /// appended to. Returns the deleted paths.
    ///
    /// A segment's last turn is taken from the next segment's name (its first
    /// turn minus one), so no segment is read.
    /// </summary>
    public static IReadOnlyList<string> DeleteCoveredSegments(StoreLayout layout, ulong coveredTurn)
    {
        var segments = layout.ListLogSegments();
        var deleted = new List<string>();
        for (int i = 0; i + 1 < segments.Count; i++)
        {
            if (!StoreLayout.SegmentCoveredBy(segments, i, coveredTurn)) break;
            string path = segments[i].Path;
            FaultInjection.Hit(FaultInjection.DuringPruning);
            try
            {
                File.Delete(path);
                // fsync the directory after each unlink, not once at the end:
                // POSIX does not order unlinks made durable by one later
                // fsync, and a crash that brought back an older segment while
                // a newer one stayed deleted would leave a gap in the log.
                // Deleting oldest first, one durable step at a time, means
                // what is left is always a contiguous suffix of the log.
                Durability.SyncDirectory(layout.Directory);
                deleted.Add(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new TurnLogException(
                    $"could not delete log segment {Path.GetFileName(path)} durably: {e.Message}; " +
                    $"{deleted.Count} older segment(s) were deleted, it and every later segment kept",
                    path, inner: e);
            }
        }
        return deleted;
    }

    /// <summary>
    /// Deletes <c>log_*.tmp</c> files: segment creations that never finished.
    /// Nothing refers to them (they were never renamed into place). Returns
    /// the deleted paths.
    /// </summary>
    public static IReadOnlyList<string> DeleteUnfinishedSegments(StoreLayout layout)
    {
        var deleted = new List<string>();
        foreach (string tmp in layout.ListTemporaryLogFiles())
        {
            File.Delete(tmp);
            deleted.Add(tmp);
        }
        if (deleted.Count > 0) Durability.SyncDirectory(layout.Directory);
        return deleted;
    }
}
