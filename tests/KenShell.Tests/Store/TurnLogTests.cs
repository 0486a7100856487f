using System.Buffers.Binary;
using System.Text;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Store;

/// <summary>
/// The turn log's file layer: records round-trip, a torn tail (what a crash
/// mid-append leaves) is recognised and cut off, and every other kind of
/// damage is reported precisely, with reading stopping before it.
/// </summary>
public sealed class TurnLogTests : IDisposable
{
    private const int HeaderSize = TurnLogFormat.SegmentHeaderSize;
    private readonly StoreDirectory _dir = new();
    private readonly StoreLayout _layout;
    private readonly byte[] _storeId = Enumerable.Range(1, 16).Select(i => (byte)(i * 7)).ToArray();

    public TurnLogTests() => _layout = new StoreLayout(_dir.Path, StoreDirectory.Address);

    public void Dispose() => _dir.Dispose();

    private static TurnRecord Record(ulong turn, string? source = null, int tapeLength = -1)
    {
        int n = tapeLength >= 0 ? tapeLength : (int)(turn % 7) * 5;
        byte[] tape = Enumerable.Range(0, n).Select(i => (byte)(turn * 31 + (ulong)i)).ToArray();
        return new TurnRecord(turn, source ?? $"let v{turn} = {turn} * 2; v{turn}", tape, (uint)(turn * 2654435761), (byte)(turn % 3));
    }

    private static void AssertSameRecord(TurnRecord expected, TurnRecord actual)
    {
        Assert.Equal(expected.Turn, actual.Turn);
        Assert.Equal(expected.Source, actual.Source, StringComparer.Ordinal);
        Assert.Equal(expected.Tape, actual.Tape);
        Assert.Equal(expected.OutputDigest, actual.OutputDigest);
        Assert.Equal(expected.Status, actual.Status);
    }

    private static void AssertTurns(ulong first, ulong last, TurnLogReadResult result)
    {
        Assert.Equal(Enumerable.Range((int)first, (int)(last - first + 1)).Select(i => (ulong)i).ToArray(),
            result.Records.Select(r => r.Turn).ToArray());
        for (int i = 0; i < result.Records.Count; i++) AssertSameRecord(Record(result.Records[i].Turn), result.Records[i]);
    }

    /// <summary>Writes turns first..last with the standard records, a new segment at each of <paramref name="segmentStarts"/> (the first must be <paramref name="first"/>).</summary>
    private void WriteLog(ulong first, ulong last, params ulong[] segmentStarts)
    {
        Assert.Equal(first, segmentStarts[0]);
        using var writer = new TurnLogWriter(_layout, _storeId);
        for (ulong t = first; t <= last; t++)
        {
            if (segmentStarts.Contains(t)) writer.StartSegment(t);
            writer.Append(Record(t));
        }
    }

    private TurnLogReadResult Read(byte[]? expectedStoreId = null) => new TurnLogReader(_layout, expectedStoreId ?? _storeId).Read();

    /// <summary>(offset, size) of every record in an intact segment file.</summary>
    private static List<(long Offset, int Size)> RecordSpans(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var spans = new List<(long, int)>();
        for (int o = HeaderSize; o < bytes.Length;)
        {
            int size = TurnLogFormat.RecordHeaderSize + (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(o + 4));
            spans.Add((o, size));
            o += size;
        }
        return spans;
    }

    private static void FlipBit(string path, long offset, int bit)
    {
        byte[] bytes = File.ReadAllBytes(path);
        bytes[offset] ^= (byte)(1 << bit);
        File.WriteAllBytes(path, bytes);
    }

    // ---------------------------------------------------------------- round trip

    [Fact]
    public void RecordsWithTapesOfSeveralMegabytesRoundTrip()
    {
        // require records whole module sources on the tape (lodash.js is
        // 540 KB; a bundle can be several MB): between small records, a
        // 6 MB tape and a 600 KB one, written and read back intact.
        var records = new[] { Record(1), Record(2, tapeLength: 6 << 20), Record(3), Record(4, tapeLength: 600_000), Record(5) };
        using (var writer = new TurnLogWriter(_layout, _storeId))
        {
            writer.StartSegment(1);
            foreach (TurnRecord r in records) writer.Append(r);
        }
        TurnLogReadResult result = Read();
        Assert.Empty(result.Problems);
        Assert.Equal(records.Length, result.Records.Count);
        for (int i = 0; i < records.Length; i++) AssertSameRecord(records[i], result.Records[i]);
    }

    [Fact]
    public void ManyRecordsRoundTripAcrossSegments()
    {
        var big = new StringBuilder();
        while (big.Length < 1 << 20) big.Append("/* filler ").Append(big.Length).Append(" */ x = [1, 2, 3];\n");
        var special = new Dictionary<ulong, TurnRecord>
        {
            [3] = Record(3, "const s = 'héllo wörld — 日本語 — 🎉👩‍👩‍👧 — e\u0301'", 0),
            [4] = Record(4, "", 0),
            [5] = Record(5, "'\uD800 unpaired high, \uDC00 unpaired low, \uD83D\uDE00 paired'", 3),
            [77] = Record(77, big.ToString(), 1000),
            [78] = Record(78, "after the big one", 0),
        };
        TurnRecord Make(ulong t) => special.TryGetValue(t, out var r) ? r : Record(t);
        // Turn 5 cannot go as UTF-8 (unpaired surrogates); the others do.
        TurnLogFormat.EncodedSize(special[5], out _, out bool utf16);
        Assert.True(utf16);
        TurnLogFormat.EncodedSize(special[3], out int utf8Bytes, out utf16);
        Assert.False(utf16);
        Assert.Equal(Encoding.UTF8.GetByteCount(special[3].Source), utf8Bytes);

        using (var writer = new TurnLogWriter(_layout, _storeId))
        {
            writer.StartSegment(1);
            for (ulong t = 1; t <= 100; t++)
            {
                if (t % 30 == 0) writer.StartSegment(t);
                writer.Append(Make(t));
            }
            // Group commit: a batch spanning the big record's size class, one sync.
            writer.AppendAll(Enumerable.Range(101, 20).Select(i => Make((ulong)i)).ToList());
            writer.StartSegment(121);
            writer.AppendAll(Enumerable.Range(121, 5).Select(i => Make((ulong)i)).ToList());
            Assert.Equal(126UL, writer.NextTurn);
            Assert.Equal(new FileInfo(_layout.LogSegmentPath(121)).Length, writer.SegmentLength);
        }

        Assert.Equal([1UL, 30, 60, 90, 121], _layout.ListLogSegments().Select(s => s.FirstTurn));
        TurnLogReadResult result = Read();
        Assert.Empty(result.Problems);
        Assert.False(result.HasTornTail);
        Assert.False(result.IsCorrupt);
        Assert.Equal(125, result.Records.Count);
        for (int i = 0; i < 125; i++) AssertSameRecord(Make((ulong)i + 1), result.Records[i]);
        Assert.Equal(126UL, result.NextTurn);
        Assert.Equal(_layout.LogSegmentPath(121), result.ValidEndPath);
        Assert.Equal(new FileInfo(_layout.LogSegmentPath(121)).Length, result.ValidEndOffset);
        Assert.Equal(_storeId, result.StoreId);
    }

    [Fact]
    public void WriterResumesWhereTheLogEnds()
    {
        WriteLog(1, 5, 1, 4);
        var reader = new TurnLogReader(_layout, _storeId);
        using (var writer = new TurnLogWriter(_layout, _storeId))
        {
            writer.Resume(reader.Read());
            Assert.Equal(6UL, writer.NextTurn);
            Assert.Equal(4UL, writer.SegmentFirstTurn);
            writer.Append(Record(6));
            writer.StartSegment(7);
            writer.Append(Record(7));
        }
        TurnLogReadResult result = reader.Read();
        Assert.Empty(result.Problems);
        AssertTurns(1, 7, result);
    }

    [Fact]
    public void WriterRefusesWhatWouldBreakTheLog()
    {
        using var writer = new TurnLogWriter(_layout, _storeId);
        Assert.Throws<InvalidOperationException>(() => writer.Append(Record(1)));
        writer.StartSegment(1);
        writer.Append(Record(1));
        Assert.Throws<ArgumentException>(() => writer.Append(Record(3)));
        Assert.Throws<ArgumentException>(() => writer.AppendAll([Record(2), Record(4)]));
        Assert.Throws<ArgumentException>(() => writer.StartSegment(5));
        writer.Append(Record(2));
        // An existing segment at or after the new first turn is never overwritten.
        using var other = new TurnLogWriter(_layout, _storeId);
        Assert.Throws<TurnLogException>(() => other.StartSegment(1));
        Assert.Equal(3UL, writer.NextTurn);
        AssertTurns(1, 2, Read());
    }

    [Fact]
    public void OnlyCanonicalSegmentNamesAreListed()
    {
        WriteLog(1, 2, 1);
        File.WriteAllBytes(_layout.LogSegmentPath(9) + ".tmp", [1, 2, 3]);
        File.WriteAllBytes(_layout.LogSegmentPath(9) + ".damaged", [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(_dir.Path, _dir.Prefix + "log_009"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(_dir.Path, _dir.Prefix + "log_x"), [1, 2, 3]);
        Assert.Equal([(1UL, _layout.LogSegmentPath(1))], _layout.ListLogSegments());
        AssertTurns(1, 2, Read());
        Assert.Equal([_layout.LogSegmentPath(9) + ".tmp"], TurnLogPruner.DeleteUnfinishedSegments(_layout));
        Assert.False(File.Exists(_layout.LogSegmentPath(9) + ".tmp"));
    }

    // ---------------------------------------------------------------- torn tail

    [Fact]
    public void ATornOnlyRecordIsCutBackToTheSegmentHeaderAndTheSegmentStays()
    {
        // A torn tail starts at the earliest right after the segment header, so
        // the repair truncates and never deletes the segment.
        WriteLog(1, 1, 1);
        string only = _layout.LogSegmentPath(1);
        byte[] original = File.ReadAllBytes(only);
        File.WriteAllBytes(only, original[..(HeaderSize + 5)]);
        var reader = new TurnLogReader(_layout, _storeId);
        TurnLogReadResult result = reader.Read();
        Assert.True(result.HasTornTail);
        Assert.Equal(HeaderSize, result.TornTailOffset);
        Assert.Equal(5, reader.TruncateTornTail());
        Assert.Equal(HeaderSize, new FileInfo(only).Length);
        Assert.Equal([only], reader.LastResult!.Segments.Select(s => s.Path));
        using (var writer = new TurnLogWriter(_layout, _storeId))
        {
            writer.Resume(reader.LastResult!);
            writer.Append(Record(1));
        }
        AssertTurns(1, 1, Read());
    }

    [Fact]
    public void LastRecordCutAtEveryByteIsATornTailThatCanBeRemoved()
    {
        WriteLog(1, 6, 1, 4);
        string last = _layout.LogSegmentPath(4);
        byte[] original = File.ReadAllBytes(last);
        (long start, int size) = RecordSpans(last)[^1];
        Assert.Equal(original.Length, start + size);
        Assert.True(size > 60, $"the last record should have a payload to cut into (size {size})");

        for (long cut = start; cut < start + size; cut++)
        {
            File.WriteAllBytes(last, original[..(int)cut]);
            var reader = new TurnLogReader(_layout, _storeId);
            TurnLogReadResult result = reader.Read();
            AssertTurns(1, 5, result);
            Assert.False(result.IsCorrupt, $"cut at {cut}: {string.Join("; ", result.Problems)}");
            Assert.Equal(last, result.ValidEndPath);
            Assert.Equal(start, result.ValidEndOffset);
            Assert.Equal(6UL, result.NextTurn);
            if (cut == start)
            {
                // The record is wholly absent: a clean log.
                Assert.False(result.HasTornTail);
                Assert.Empty(result.Problems);
            }
            else
            {
                Assert.True(result.HasTornTail, $"cut at {cut}");
                Assert.Equal(last, result.TornTailPath);
                Assert.Equal(start, result.TornTailOffset);
                Assert.Equal(cut - start, result.TornTailBytes);
                string problem = Assert.Single(result.Problems);
                Assert.Contains(Path.GetFileName(last), problem);
                Assert.Contains($"offset {start}", problem);
            }

            Assert.Equal(cut - start, reader.TruncateTornTail());
            Assert.Equal(start, new FileInfo(last).Length);
            using (var writer = new TurnLogWriter(_layout, _storeId))
            {
                writer.Resume(reader.LastResult!);
                writer.Append(Record(6));
                writer.Append(Record(7));
            }
            TurnLogReadResult after = Read();
            Assert.Empty(after.Problems);
            AssertTurns(1, 7, after);
        }
    }

    [Theory]
    [InlineData(5)]    // length: caught by the header CRC
    [InlineData(21)]   // record CRC
    [InlineData(-1)]   // last payload byte
    public void DamagedLastRecordWithNothingAfterItIsATornTail(int offsetInRecord)
    {
        WriteLog(1, 6, 1, 4);
        string last = _layout.LogSegmentPath(4);
        (long start, int size) = RecordSpans(last)[^1];
        FlipBit(last, start + (offsetInRecord < 0 ? size + offsetInRecord : offsetInRecord), 2);
        var reader = new TurnLogReader(_layout, _storeId);
        TurnLogReadResult result = reader.Read();
        AssertTurns(1, 5, result);
        Assert.True(result.HasTornTail, string.Join("; ", result.Problems));
        Assert.Equal(start, result.TornTailOffset);
        Assert.Equal(size, result.TornTailBytes);
        Assert.Equal(size, reader.TruncateTornTail());
        Assert.Empty(Read().Problems);
    }

    [Fact]
    public void ZeroFilledTailIsATornTail()
    {
        // What a crash can leave on file systems that extend a file before its data lands.
        WriteLog(1, 4, 1);
        string path = _layout.LogSegmentPath(1);
        (long start, int size) = RecordSpans(path)[^1];
        byte[] bytes = File.ReadAllBytes(path);
        bytes.AsSpan((int)start).Clear();
        File.WriteAllBytes(path, [.. bytes, .. new byte[4096]]);
        TurnLogReadResult result = Read();
        AssertTurns(1, 3, result);
        Assert.True(result.HasTornTail);
        Assert.Equal(start, result.TornTailOffset);
        Assert.Equal(size + 4096, result.TornTailBytes);
    }

    [Fact]
    public void TruncateTornTailRefusesAFileThatChangedSinceItWasRead()
    {
        WriteLog(1, 3, 1);
        string path = _layout.LogSegmentPath(1);
        File.AppendAllText(path, "partial");
        var reader = new TurnLogReader(_layout, _storeId);
        Assert.True(reader.Read().HasTornTail);
        File.AppendAllText(path, "more");
        long length = new FileInfo(path).Length;
        Assert.Throws<TurnLogException>(() => reader.TruncateTornTail());
        Assert.Equal(length, new FileInfo(path).Length);
    }

    [Fact]
    public void TornTailInAnEarlierSegmentIsCorruption()
    {
        // Every record of a segment before the last was durable before the next segment was
        // created: a cut there is damage, not an interrupted append.
        WriteLog(1, 6, 1, 4);
        string first = _layout.LogSegmentPath(1);
        (long start, int size) = RecordSpans(first)[^1];
        File.WriteAllBytes(first, File.ReadAllBytes(first)[..(int)(start + size / 2)]);
        TurnLogReadResult result = Read();
        AssertTurns(1, 2, result);
        Assert.True(result.IsCorrupt);
        Assert.False(result.HasTornTail);
        Assert.Equal(first, result.CorruptPath);
        Assert.Equal(start, result.CorruptOffset);
        Assert.Contains("later segment(s) follow", Assert.Single(result.Problems));
    }

    // ---------------------------------------------------------------- bit flips

    public static TheoryData<string, int> RecordParts() => new()
    {
        // part name, byte offset within the record (payload offsets are from the payload's start)
        { "magic", 0 }, { "magic", 3 },
        { "length", 4 }, { "length", 6 }, { "length", 7 },
        { "turn", 8 }, { "turn", 15 },
        { "header crc", 16 }, { "header crc", 19 },
        { "record crc", 20 }, { "record crc", 23 },
        { "payload", 24 + 0 }, { "payload", 24 + 1 }, { "payload", 24 + 4 }, { "payload", 24 + 8 }, { "payload", 24 + 12 },
        { "payload", 24 + 20 }, { "payload", -1 },
    };

    [Theory]
    [MemberData(nameof(RecordParts))]
    public void BitFlipInAMiddleRecordIsReportedAndReadingStopsBeforeIt(string part, int offsetInRecord)
    {
        _ = part;
        // Middle record of the middle segment, and middle record of the last segment (where a
        // bad record must not be mistaken for a torn tail, as valid records follow it).
        foreach (var (segmentFirst, turn) in new (ulong, ulong)[] { (5, 7), (10, 11) })
        {
            foreach (int bit in new[] { 0, 3, 7 })
            {
                foreach (string f in Directory.GetFiles(_dir.Path)) File.Delete(f);
                WriteLog(1, 12, 1, 5, 10);
                string path = _layout.LogSegmentPath(segmentFirst);
                (long start, int size) = RecordSpans(path)[(int)(turn - segmentFirst)];
                long at = start + (offsetInRecord < 0 ? size + offsetInRecord : offsetInRecord);
                Assert.True(at < start + size);
                FlipBit(path, at, bit);

                TurnLogReadResult result = Read();
                string context = $"{part} byte {at - start} bit {bit} of turn {turn}: {string.Join("; ", result.Problems)}";
                Assert.True(result.IsCorrupt, context);
                Assert.False(result.HasTornTail, context);
                AssertTurns(1, turn - 1, result);
                Assert.Equal(path, result.CorruptPath);
                Assert.Equal(start, result.CorruptOffset);
                Assert.Equal(path, result.ValidEndPath);
                Assert.Equal(start, result.ValidEndOffset);
                Assert.Equal(turn, result.NextTurn);
                string problem = Assert.Single(result.Problems);
                Assert.Contains(Path.GetFileName(path), problem);
                Assert.Contains($"offset {start}", problem);
            }
        }
    }

    [Theory]
    [InlineData(0)]   // magic
    [InlineData(7)]
    [InlineData(8)]   // format version
    [InlineData(12)]  // header size
    [InlineData(16)]  // store id
    [InlineData(31)]
    [InlineData(32)]  // first turn
    [InlineData(39)]
    [InlineData(40)]  // reserved
    [InlineData(44)]  // header crc
    [InlineData(47)]
    public void BitFlipInASegmentHeaderIsReported(int offset)
    {
        foreach (var (segmentFirst, lastGood) in new (ulong, ulong)[] { (5, 4), (10, 9), (1, 0) })
        {
            foreach (string f in Directory.GetFiles(_dir.Path)) File.Delete(f);
            WriteLog(1, 12, 1, 5, 10);
            string path = _layout.LogSegmentPath(segmentFirst);
            FlipBit(path, offset, offset % 8);
            TurnLogReadResult result = Read();
            string context = $"segment {segmentFirst} byte {offset}: {string.Join("; ", result.Problems)}";
            Assert.True(result.IsCorrupt, context);
            Assert.False(result.HasTornTail, context);
            if (lastGood == 0) Assert.Empty(result.Records);
            else AssertTurns(1, lastGood, result);
            Assert.Equal(path, result.CorruptPath);
            Assert.Equal(0, result.CorruptOffset);
            Assert.Contains($"{Path.GetFileName(path)} at offset 0", Assert.Single(result.Problems));
        }
    }

    // ---------------------------------------------------------------- sequence and identity

    [Fact]
    public void GapBetweenSegmentsIsReported()
    {
        WriteLog(1, 5, 1);
        using (var writer = new TurnLogWriter(_layout, _storeId))
        {
            writer.StartSegment(8);
            writer.Append(Record(8));
            writer.Append(Record(9));
        }
        TurnLogReadResult result = Read();
        AssertTurns(1, 5, result);
        Assert.True(result.IsCorrupt);
        Assert.Equal(_layout.LogSegmentPath(8), result.CorruptPath);
        Assert.Equal(0, result.CorruptOffset);
        Assert.Contains("turns 6..7 are missing", Assert.Single(result.Problems));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GapWithinASegmentIsReportedEvenAtTheEnd(bool atTheEnd)
    {
        WriteLog(1, 3, 1);
        string path = _layout.LogSegmentPath(1);
        long gapAt = new FileInfo(path).Length;
        // Well-formed records with correct checksums, but turn 4 is missing.
        IEnumerable<TurnRecord> forged = atTheEnd ? [Record(5)] : [Record(5), Record(6)];
        using (var stream = new FileStream(path, FileMode.Append))
        {
            foreach (TurnRecord r in forged)
            {
                var bytes = new byte[TurnLogFormat.EncodedSize(r, out int sourceBytes, out bool utf16)];
                TurnLogFormat.WriteRecord(bytes, r, sourceBytes, utf16);
                stream.Write(bytes);
            }
        }
        TurnLogReadResult result = Read();
        AssertTurns(1, 3, result);
        Assert.True(result.IsCorrupt);
        Assert.False(result.HasTornTail);
        Assert.Equal(gapAt, result.CorruptOffset);
        Assert.Contains("turn 5 where turn 4 belongs", Assert.Single(result.Problems));
    }

    [Fact]
    public void SegmentOfAnotherStoreIsReported()
    {
        WriteLog(1, 3, 1);
        byte[] otherId = Enumerable.Repeat((byte)0xAB, 16).ToArray();
        using (var writer = new TurnLogWriter(_layout, otherId))
        {
            writer.StartSegment(4);
            writer.Append(Record(4));
        }

        foreach (byte[]? expected in new[] { _storeId, null })
        {
            TurnLogReadResult result = new TurnLogReader(_layout, expected).Read();
            AssertTurns(1, 3, result);
            Assert.True(result.IsCorrupt);
            Assert.Equal(_layout.LogSegmentPath(4), result.CorruptPath);
            Assert.Contains("another store", Assert.Single(result.Problems));
        }

        TurnLogReadResult asOther = Read(otherId);
        Assert.Empty(asOther.Records);
        Assert.Equal(_layout.LogSegmentPath(1), asOther.CorruptPath);
        Assert.Null(asOther.NextTurn);
    }

    // ---------------------------------------------------------------- empty files

    [Fact]
    public void ZeroLengthLastSegmentIsDamageNotATornTail()
    {
        // A segment is put in place only after its header is durable, so an
        // empty one was damaged later, and whatever records it held are lost:
        // damage, reported, never cut off quietly as an unfinished append.
        WriteLog(1, 3, 1);
        File.WriteAllBytes(_layout.LogSegmentPath(4), []);
        var reader = new TurnLogReader(_layout, _storeId);
        TurnLogReadResult result = reader.Read();
        AssertTurns(1, 3, result);
        Assert.False(result.HasTornTail);
        Assert.True(result.IsCorrupt);
        Assert.Equal(_layout.LogSegmentPath(4), result.CorruptPath);
        Assert.Contains(result.Problems, p => p.Contains("records it held are lost", StringComparison.Ordinal));
        Assert.Equal(_layout.LogSegmentPath(1), result.ValidEndPath);
        Assert.Equal(4UL, result.NextTurn);
        Assert.Equal(0, reader.TruncateTornTail());
        Assert.True(File.Exists(_layout.LogSegmentPath(4)));
    }

    [Fact]
    public void SegmentsCoveredByTheRecoveryCheckpointCanBeSkipped()
    {
        WriteLog(1, 6, 1, 4);
        byte[] first = File.ReadAllBytes(_layout.LogSegmentPath(1));
        first[^3] ^= 0x20;
        File.WriteAllBytes(_layout.LogSegmentPath(1), first);
        Assert.True(new TurnLogReader(_layout, _storeId).Read().IsCorrupt);
        TurnLogReadResult fromThree = new TurnLogReader(_layout, _storeId, skipThroughTurn: 3).Read();
        Assert.Empty(fromThree.Problems);
        AssertTurns(4, 6, fromThree);
    }

    [Fact]
    public void ZeroLengthOnlySegmentIsDamage()
    {
        File.WriteAllBytes(_layout.LogSegmentPath(1), []);
        var reader = new TurnLogReader(_layout, _storeId);
        TurnLogReadResult result = reader.Read();
        Assert.Empty(result.Records);
        Assert.False(result.HasTornTail);
        Assert.Equal(_layout.LogSegmentPath(1), result.CorruptPath);
        Assert.Null(result.ValidEndPath);
        Assert.Null(result.NextTurn);
    }

    [Fact]
    public void ZeroLengthSegmentInTheMiddleIsCorruption()
    {
        WriteLog(1, 3, 1);
        File.WriteAllBytes(_layout.LogSegmentPath(4), []);
        using (var writer = new TurnLogWriter(_layout, _storeId))
        {
            writer.StartSegment(6);
            writer.Append(Record(6));
        }
        TurnLogReadResult result = Read();
        AssertTurns(1, 3, result);
        Assert.True(result.IsCorrupt);
        Assert.Equal(_layout.LogSegmentPath(4), result.CorruptPath);
        Assert.Contains("later segment(s) follow", Assert.Single(result.Problems));
    }

    [Fact]
    public void EmptyLogReadsAsNothing()
    {
        TurnLogReadResult result = Read();
        Assert.Empty(result.Records);
        Assert.Empty(result.Problems);
        Assert.Null(result.NextTurn);
        using var writer = new TurnLogWriter(_layout, _storeId);
        Assert.Throws<InvalidOperationException>(() => writer.Resume(result));
    }

    // ---------------------------------------------------------------- pruning

    [Fact]
    public void PruningDeletesOnlyWhollyCoveredSegmentsAndNeverTheLast()
    {
        WriteLog(1, 35, 1, 11, 21, 31);
        Assert.Empty(TurnLogPruner.DeleteCoveredSegments(_layout, 9));
        Assert.Equal([_layout.LogSegmentPath(1)], TurnLogPruner.DeleteCoveredSegments(_layout, 10));
        AssertTurns(11, 35, Read());

        Assert.Empty(TurnLogPruner.DeleteCoveredSegments(_layout, 19));
        Assert.Equal([_layout.LogSegmentPath(11), _layout.LogSegmentPath(21)], TurnLogPruner.DeleteCoveredSegments(_layout, 30));
        TurnLogReadResult result = Read();
        Assert.Empty(result.Problems);
        AssertTurns(31, 35, result);

        // Everything is covered, but the last segment is the one being written.
        Assert.Empty(TurnLogPruner.DeleteCoveredSegments(_layout, 1000));
        Assert.Equal([31UL], _layout.ListLogSegments().Select(s => s.FirstTurn));
    }

    [Fact]
    public void PruningKeepsTheRecordsAfterTheOlderCheckpoint()
    {
        // Checkpoints at turns 14 (older) and 27 (newer): replay from 14 needs 15.. .
        WriteLog(1, 30, 1, 8, 15, 22, 29);
        TurnLogPruner.DeleteCoveredSegments(_layout, 14);
        TurnLogReadResult result = Read();
        Assert.Empty(result.Problems);
        Assert.Equal(15UL, result.Records[0].Turn);
        AssertTurns(15, 30, result);
    }
}
