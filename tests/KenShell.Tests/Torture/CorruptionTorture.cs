using System.Buffers.Binary;
using System.Diagnostics;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// G5 at the process level (issue #7): damage to every kind of store file,
/// then a real start. The store template holds turns 1..6 (turn k sets
/// x = k): checkpoints of turns 0 and 3, log segment log_1 (turns 1..3)
/// and log_4 (turns 4..6), the genesis record and the lock file. Failure
/// modes:
///  - "damage not reported": a file recovery needed was damaged and stderr
///    says nothing about it;
///  - "lost turn": recovery did not reach the newest state the intact files
///    hold (x must be 6, or the turn before the first damaged record of the
///    newest segment);
///  - "garbage loaded": recovery reached a state no file holds;
///  - "store stuck": after recovery a new turn is not durable across a
///    restart.
/// A damaged older checkpoint is not read while the newer one is intact
/// (recovery never needs it), so it is checked only for "lost turn".
/// </summary>
public sealed class CorruptionTorture(ITestOutputHelper output) : IDisposable
{
    private const string Address = StoreDirectory.Address;
    private readonly StoreDirectory _template = new();
    private readonly StoreDirectory _foreign = new();
    private readonly List<StoreDirectory> _trials = [];

    private string TemplateFile(string suffix) => _template.File(suffix);

    private void MakeTemplate()
    {
        KenshellResult r = Kenshell.Run(_template.Path, "x = 1\nx = 2\nx = 3\n.checkpoint\nx = 4\nx = 5\nx = 6\n");
        Assert.Equal(["1", "2", "3", "4", "5", "6"], r.StdoutLines);
        Assert.Equal([3ul, 0ul], _template.Checkpoints().Select(c => c.Turn));
        Assert.True(File.Exists(TemplateFile("log_1")) && File.Exists(TemplateFile("log_4")) && File.Exists(TemplateFile("genesis")),
            string.Join(" ", Directory.GetFiles(_template.Path).Select(Path.GetFileName)));
    }

    /// <summary>Offsets where the records of a log segment start, and its length at the end.</summary>
    private static List<long> RecordStarts(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var starts = new List<long>();
        long offset = TurnLogFormat.SegmentHeaderSize;
        while (offset < bytes.Length)
        {
            starts.Add(offset);
            offset += TurnLogFormat.RecordHeaderSize + BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)offset + 4));
        }
        Assert.Equal(bytes.Length, offset);
        starts.Add(offset);
        return starts;
    }

    /// <summary>
    /// Copies the template, damages it, starts a shell. Checks the state it
    /// recovered and that it reported the damage, then that it goes on.
    /// </summary>
    private void Trial(string what, Action<StoreDirectory> damage, int expectedX, string? mustReport)
    {
        var dir = new StoreDirectory();
        _trials.Add(dir);
        foreach (string f in Directory.GetFiles(_template.Path))
            File.Copy(f, Path.Combine(dir.Path, Path.GetFileName(f)));
        damage(dir);
        KenshellResult r = Kenshell.Run(dir.Path, "x\nx = 100\n");
        Assert.True(r.ExitCode == 0 && r.StdoutLines.Length == 2, $"{what}: store stuck\n{r}");
        Assert.True(r.StdoutLines[0] == $"{expectedX}",
            $"{what}: {(int.TryParse(r.StdoutLines[0], out int got) && got < expectedX ? "lost turn" : "garbage loaded")}: x is {r.StdoutLines[0]}, expected {expectedX}\n{r}");
        if (mustReport is not null)
            Assert.True(r.Stderr.Contains(mustReport, StringComparison.Ordinal), $"{what}: damage not reported (no '{mustReport}')\n{r}");
        Assert.DoesNotContain("diverged", r.Stderr);
        KenshellResult again = Kenshell.Run(dir.Path, "x\n");
        Assert.True(again.StdoutLines is ["100"], $"{what}: store stuck after recovery\n{again}");
        TortureReport.Add(mustReport is null ? "damage never read (older generation, lock file): recovery unaffected" : "corruptions detected, reported, recovered from", what);
        // Keep the disk use of long runs small.
        dir.Dispose();
        _trials.Remove(dir);
    }

    private static void FlipBit(string path, long offset, int bit)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offset] ^= (byte)(1 << bit);
        File.WriteAllBytes(path, bytes);
    }

    /// <summary>Sampled offsets: the start (headers), the last byte, and random ones.</summary>
    private static IEnumerable<long> Offsets(long length, Random random, int count)
    {
        var picked = new SortedSet<long> { 0, Math.Min(20, length - 1), length - 1 };
        while (picked.Count < Math.Min(count, length)) picked.Add((long)(random.NextDouble() * length));
        return picked;
    }

    [Fact]
    public void SingleBitFlipsInEveryFileKindAreDetectedAndCostOnlyTheDamagedTurns()
    {
        var clock = Stopwatch.StartNew();
        MakeTemplate();
        var random = new Random(TortureMode.Seed(4));
        int perFile = TortureMode.Scale(5, 60);
        List<long> log4 = RecordStarts(TemplateFile("log_4"));
        Assert.Equal(4, log4.Count); // three records, then the end

        foreach (string suffix in new[] { "ckpt_3", "ckpt_0", "genesis", "lock", "log_1", "log_4" })
        {
            string template = TemplateFile(suffix);
            foreach (long offset in Offsets(new FileInfo(template).Length, random, perFile))
            {
                int bit = random.Next(8);
                int expected = 6;
                string? report = suffix switch
                {
                    "ckpt_3" => "ckpt_3 is damaged",
                    "genesis" => "genesis is damaged",
                    "log_1" => "the turn log is damaged",
                    "log_4" => "damage",
                    _ => null,
                };
                if (suffix == "log_4")
                {
                    // The first damaged record's turn is lost, with everything after it.
                    int record = log4.FindLastIndex(s => s <= offset);
                    expected = offset < TurnLogFormat.SegmentHeaderSize ? 3 : 3 + record;
                }
                string kind = suffix.StartsWith("ckpt_3", StringComparison.Ordinal) ? "bit flip: newest checkpoint"
                    : suffix.StartsWith("ckpt_0", StringComparison.Ordinal) ? "bit flip: older checkpoint"
                    : suffix.StartsWith("log_", StringComparison.Ordinal) ? $"bit flip: log segment ({(suffix == "log_1" ? "covered by the newest checkpoint" : "newest")})"
                    : $"bit flip: {suffix}";
                Trial(kind, d => FlipBit(d.File(suffix), offset, bit), expected, report);
            }
        }
        output.WriteLine($"bit flips ({TortureMode.Name}): {perFile} sampled offsets in each of 6 file kinds, {clock.Elapsed.TotalSeconds:F0} s");
        TortureReport.Time(nameof(CorruptionTorture) + " (bit flips)", clock.Elapsed);
    }

    [Fact]
    public void ZeroLengthAndForeignFilesAreDetectedAndSetAside()
    {
        MakeTemplate();
        // Zero-length files of every kind.
        Trial("zero-length: newest checkpoint", d => File.WriteAllBytes(d.File("ckpt_3"), []), 6, "ckpt_3 is damaged");
        Trial("zero-length: older checkpoint", d => File.WriteAllBytes(d.File("ckpt_0"), []), 6, null);
        Trial("zero-length: genesis", d => File.WriteAllBytes(d.File("genesis"), []), 6, "genesis is damaged");
        Trial("zero-length: lock", d => File.WriteAllBytes(d.File("lock"), []), 6, null);
        Trial("zero-length: log segment (covered)", d => File.WriteAllBytes(d.File("log_1"), []), 6, "the turn log is damaged");
        Trial("zero-length: log segment (newest)", d => File.WriteAllBytes(d.File("log_4"), []), 3, "the turn log is damaged");

        // Files from another store (another store id) at the same address.
        Assert.Equal("8", Kenshell.Run(_foreign.Path, "y = 1\ny = 2\ny = 3\ny = 4\ny = 5\ny = 6\ny = 7\ny = 8\n.checkpoint\n").StdoutLines[^1]);
        string foreignCheckpoint = _foreign.File("ckpt_8");
        Assert.True(File.Exists(foreignCheckpoint));
        Trial("foreign file: newer checkpoint", d => File.Copy(foreignCheckpoint, d.File("ckpt_8")), 6, "belongs to another store");
        Trial("foreign file: genesis", d => File.Copy(_foreign.File("genesis"), d.File("genesis"), overwrite: true), 6, "belongs to another store");
        Trial("foreign file: log segment", d => File.Copy(_foreign.File("log_1"), d.File("log_7")), 6, "damaged");
        Trial("foreign file: log segment replacing the newest", d => File.Copy(_foreign.File("log_1"), d.File("log_4"), overwrite: true), 3, "damaged");
        Trial("foreign file: lock", d => File.Copy(_foreign.File("lock"), d.File("lock"), overwrite: true), 6, null);
    }

    [Fact]
    public void TheLastLogRecordCutAtEveryByteIsCutOffWithANote()
    {
        var clock = Stopwatch.StartNew();
        MakeTemplate();
        List<long> starts = RecordStarts(TemplateFile("log_4"));
        long start = starts[^2], end = starts[^1];
        int step = TortureMode.Scale(3, 1), cuts = 0;
        for (long cut = start + 1; cut < end; cut += cut < start + 4 || cut > end - 4 ? 1 : step)
        {
            long length = cut;
            Trial("log tail truncated inside its last record", d =>
            {
                using var f = new FileStream(d.File("log_4"), FileMode.Open);
                f.SetLength(length);
            }, 5, "cut");
            cuts++;
        }
        output.WriteLine($"log tail cuts ({TortureMode.Name}): {cuts} of the {end - start - 1} byte boundaries inside the last record, {clock.Elapsed.TotalSeconds:F0} s");
    }

    public void Dispose()
    {
        _template.Dispose();
        _foreign.Dispose();
        foreach (StoreDirectory d in _trials) d.Dispose();
    }
}
