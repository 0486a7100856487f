using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using KenShell.Engine;
using KenShell.Store;
using Mono.Unix.Native;

namespace KenShell.Shell;

// kenshell runs on Linux only (libkenv8 is a Linux library): the Unix file
// modes .NET offers there are what a Node write sets.
#pragma warning disable CA1416

/// <summary>
/// Performs the file writes (`fs` in the prelude) that committed turns
/// queued, as outputs: only once their turn is durable, in the order they
/// were made, before the turn's console output is released (so a write is
/// on disk by the time its turn's result is seen). Each write is
/// idempotent — a whole file goes through a temporary file, fsync and
/// rename; an append writes its bytes at the offset the turn saw; mkdir,
/// rm, unlink and rename accept finding their work already done — because
/// the heap keeps the queue until a turn of its own (fileWritesDone) says
/// they were performed: a crash before that turn is durable makes recovery
/// perform them again, which leaves the same files. A write that fails
/// after its turn committed (disk full, the directory removed meanwhile) is
/// reported on stderr with the turn number and recorded as failed (.info).
/// </summary>
public sealed class FileWriteDriver
{
    private readonly TurnRunner _runner;
    private readonly TextWriter _stderr;
    private long _doneThrough;
    private long _ackedThrough;
    private readonly List<(long Seq, string Error)> _failed = new();
    private bool _acknowledging;

    public FileWriteDriver(TurnRunner runner, TextWriter stderr)
    {
        _runner = runner;
        _stderr = stderr;
    }

    /// <summary>
    /// Performs what committed turns queued and this process has not done
    /// yet. <paramref name="turn"/> is the turn that just committed (0 at
    /// start: writes of turns committed before a crash or restart).
    /// </summary>
    public void PerformCommitted(ulong turn)
    {
        string json = _runner.QueryText(RuntimeHooks.FileWritesPending, _doneThrough.ToString(CultureInfo.InvariantCulture));
        if (json.Length == 0) return;
        JsonArray intents;
        try
        {
            intents = JsonNode.Parse(json)!.AsArray();
        }
        catch (JsonException e)
        {
            _stderr.WriteLine($"kenshell: warning: the queued file writes could not be read ({e.Message}); none was done.");
            return;
        }
        FaultInjection.Hit(FaultInjection.FileBeforeWrite);
        for (int i = 0; i < intents.Count; i++)
        {
            JsonNode? node = intents[i];
            if (node is null) continue;
            long seq = node["seq"]!.GetValue<long>();
            if (seq <= _doneThrough) continue;
            string op = node["op"]?.GetValue<string>() ?? "";
            string path = node["path"]?.GetValue<string>() ?? "";
            try
            {
                string affected = op == "rename" ? node["to"]?.GetValue<string>() ?? path : path;
                Perform(seq, op, path, node, turn == 0 && Superseded(intents, i, affected));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException or FormatException)
            {
                string which = turn == 0 ? "a turn committed before this start" : $"turn {turn}";
                _stderr.WriteLine($"kenshell: {which}: the file write {Describe(op, path, node)} failed after the turn committed: {e.Message}");
                _stderr.Flush();
                _failed.Add((seq, e.Message));
            }
            _doneThrough = seq;
        }
    }

    /// <summary>
    /// Records, as a turn of its own, that the writes performed so far are
    /// done (the heap then drops them from its queue and its read-your-writes
    /// view). Runs after the committed turn's output is out.
    /// </summary>
    public void Acknowledge()
    {
        if (_acknowledging || _doneThrough <= _ackedThrough) return;
        _acknowledging = true;
        try
        {
            FaultInjection.Hit(FaultInjection.FileBeforeAck);
            long through = _doneThrough;
            var failed = new JsonArray();
            foreach (var (seq, error) in _failed) failed.Add(new JsonObject { ["seq"] = seq, ["error"] = error });
            string payload = new JsonObject { ["through"] = through, ["failed"] = failed }.ToJsonString();
            if (_runner.RunHook(RuntimeHooks.FileWritesDone, payload, out _) == TurnOutcome.Committed)
            {
                _ackedThrough = through;
                _failed.RemoveAll(f => f.Seq <= through);
            }
        }
        finally
        {
            _acknowledging = false;
        }
    }

    /// <summary>
    /// After .undo, .redo or .rewind: the heap is an earlier state, whose
    /// queue and seq numbers are not the ones this process counted (a later
    /// write reuses a seq it already counted as done, and was skipped). The
    /// writes the new state still queues belong to turns committed before the
    /// travel, which were performed then (or at the start after a crash): they
    /// are confirmed, not done again.
    /// </summary>
    public void AfterTravel()
    {
        _failed.Clear();
        _doneThrough = 0;
        _ackedThrough = 0;
        string json = _runner.QueryText(RuntimeHooks.FileWritesPending, "0");
        if (json.Length > 0)
        {
            try
            {
                foreach (JsonNode? node in JsonNode.Parse(json)!.AsArray())
                {
                    if (node?["seq"]?.GetValue<long>() is long seq && seq > _doneThrough) _doneThrough = seq;
                }
            }
            catch (JsonException e)
            {
                _stderr.WriteLine($"kenshell: warning: the queued file writes could not be read ({e.Message}).");
            }
        }
        Acknowledge();
    }

    private static string Describe(string op, string path, JsonNode node) => op switch
    {
        "write" => $"writeFile('{path}')",
        "append" => $"appendFile('{path}')",
        "rename" => $"rename('{path}' -> '{node["to"]?.GetValue<string>()}')",
        _ => $"{op}('{path}')",
    };

    // Whether a later intent of the batch replaces or removes `path` (or a
    // directory above it). Recovery redoes a batch the crash interrupted: an
    // append whose file a later intent of the batch already rewrote, or a
    // rename whose target a later intent removed, finds the file changed by
    // that intent, not by someone else, and is done.
    private static bool Superseded(JsonArray intents, int index, string path)
    {
        for (int j = index + 1; j < intents.Count; j++)
        {
            JsonNode? later = intents[j];
            string op = later?["op"]?.GetValue<string>() ?? "";
            string other = later?["path"]?.GetValue<string>() ?? "";
            if (op is not ("write" or "rm" or "unlink" or "rename")) continue;
            if (other == path || path.StartsWith(other + "/", StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static void Perform(long seq, string op, string path, JsonNode node, bool superseded)
    {
        if (!path.StartsWith('/')) throw new ArgumentException($"not an absolute path: {path}");
        switch (op)
        {
            case "write":
                WriteWhole(seq, path, Convert.FromBase64String(node["data"]?.GetValue<string>() ?? ""), node["mode"]?.GetValue<int>() ?? -1);
                break;
            case "append":
                WriteAt(path, node["offset"]!.GetValue<long>(), Convert.FromBase64String(node["data"]?.GetValue<string>() ?? ""), node["mode"]?.GetValue<int>() ?? 0x1a4, superseded);
                break;
            case "mkdir":
                MakeDirectory(path, node["recursive"]?.GetValue<bool>() ?? false, node["mode"]?.GetValue<int>() ?? 0x1ed);
                break;
            case "rm":
            case "unlink":
                Remove(path);
                break;
            case "rename":
                Rename(path, node["to"]!.GetValue<string>(), superseded);
                break;
            default:
                throw new NotSupportedException($"unknown file operation '{op}'");
        }
    }

    private static string Parent(string path) => Path.GetDirectoryName(path) ?? "/";

    private static IOException Errno(string what, string path)
    {
        Errno errno = Stdlib.GetLastError();
        return new IOException($"{errno}: {Stdlib.strerror(errno)}, {what} '{path}'");
    }

    // The whole file, atomically: a temporary file next to it, fsynced, then
    // renamed over it (rename is atomic; doing it again gives the same file).
    private static void WriteWhole(long seq, string path, byte[] data, int mode)
    {
        string dir = Parent(path);
        string temporary = Path.Combine(dir, $".{Path.GetFileName(path)}.kenshell-{seq}.tmp");
        UnixFileMode? keep = null;
        if (mode < 0 && File.Exists(path)) keep = File.GetUnixFileMode(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1))
            {
                stream.Write(data, 0, data.Length / 2);
                stream.Flush();
                FaultInjection.Hit(FaultInjection.FileMidWrite);
                stream.Write(data, data.Length / 2, data.Length - data.Length / 2);
                stream.Flush(flushToDisk: true);
            }
            File.SetUnixFileMode(temporary, keep ?? (UnixFileMode)(mode < 0 ? 0x1a4 : mode & 0xfff));
            if (Syscall.rename(temporary, path) != 0) throw Errno("rename", path);
        }
        catch
        {
            try { File.Delete(temporary); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
        Durability.SyncDirectory(dir);
    }

    // An append: the bytes at the offset the turn saw the file end at.
    // Writing them there again (after a crash) changes nothing.
    private static void WriteAt(string path, long offset, byte[] data, int mode, bool superseded)
    {
        if (superseded && (!File.Exists(path) || new FileInfo(path).Length < offset)) return;
        bool created = !File.Exists(path);
        using (var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite, 1))
        {
            if (stream.Length < offset)
            {
                throw new IOException($"the file is {stream.Length} bytes, shorter than the {offset} its turn appended after (changed by someone else?); the append was not done");
            }
            stream.Position = offset;
            stream.Write(data, 0, data.Length / 2);
            stream.Flush();
            FaultInjection.Hit(FaultInjection.FileMidWrite);
            stream.Write(data, data.Length / 2, data.Length - data.Length / 2);
            stream.Flush(flushToDisk: true);
        }
        if (created)
        {
            File.SetUnixFileMode(path, (UnixFileMode)(mode & 0xfff));
            Durability.SyncDirectory(Parent(path));
        }
    }

    private static void MakeDirectory(string path, bool recursive, int mode)
    {
        if (Directory.Exists(path)) return;
        if (!recursive && !Directory.Exists(Parent(path)))
            throw new IOException($"ENOENT: no such file or directory, mkdir '{path}'");
        Directory.CreateDirectory(path, (UnixFileMode)(mode & 0xfff));
        Durability.SyncDirectory(Parent(path));
    }

    private static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null && Directory.Exists(path)) Directory.Delete(path, recursive: true);
        else if (info.Exists || info.LinkTarget is not null) File.Delete(path);
        else return; // already gone
        Durability.SyncDirectory(Parent(path));
    }

    private static void Rename(string from, string to, bool superseded)
    {
        if (Syscall.rename(from, to) != 0)
        {
            Errno errno = Stdlib.GetLastError();
            // Done before a crash: the source is gone, the target is there
            // (or was removed since by a later intent of the same batch).
            if (errno == Mono.Unix.Native.Errno.ENOENT && (Path.Exists(to) || superseded)) return;
            throw new IOException($"{errno}: {Stdlib.strerror(errno)}, rename '{from}' -> '{to}'");
        }
        Durability.SyncDirectory(Parent(to));
        if (Parent(from) != Parent(to)) Durability.SyncDirectory(Parent(from));
    }
}
