using KenShell.Engine;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.History;

/// <summary>
/// The history's file layer on real segment files: commit times round-trip
/// (and records written before them still read), the line of a turn follows
/// rewind turns, and a damaged old segment costs only its own turns.
/// </summary>
public sealed class HistoryLogTests : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private readonly StoreLayout _layout;
    private readonly byte[] _storeId = Enumerable.Range(1, 16).Select(i => (byte)(i * 3)).ToArray();

    public HistoryLogTests() => _layout = new StoreLayout(_dir.Path, StoreDirectory.Address);

    public void Dispose() => _dir.Dispose();

    private static TurnRecord Input(ulong turn, long time = 0) => new(turn, $"x = {turn}", [1, 2, (byte)turn], 7, 0, time);

    private static TurnRecord Rewind(ulong turn, ulong target, string reason) =>
        new(turn, RewindRecord.Encode(target, reason), [], 0, TurnRecordKinds.RewindTurn, 1_700_000_000_000);

    private void Write(IEnumerable<TurnRecord> records, params ulong[] segmentStarts)
    {
        using var writer = new TurnLogWriter(_layout, _storeId);
        foreach (TurnRecord r in records)
        {
            if (segmentStarts.Contains(r.Turn)) writer.StartSegment(r.Turn);
            writer.Append(r);
        }
    }

    [Fact]
    public void CommitTimesRoundTripAndRecordsWithoutOneStillRead()
    {
        Write([Input(1), Input(2, 1_764_550_000_123), Input(3), Input(4, long.MaxValue)], 1);
        TurnLogReadResult log = new TurnLogReader(_layout, _storeId).Read();
        Assert.False(log.IsCorrupt);
        Assert.Equal([0L, 1_764_550_000_123, 0, long.MaxValue], log.Records.Select(r => r.TimeMs));
        Assert.Equal(["x = 1", "x = 2", "x = 3", "x = 4"], log.Records.Select(r => r.Source));
        Assert.All(log.Records, r => Assert.Equal(new byte[] { 1, 2, (byte)r.Turn }, r.Tape));
    }

    [Fact]
    public void TheLineOfATurnFollowsRewindTurnsAndLeavesTheBranchOut()
    {
        // 1 2 3, undo (-> 2), 5, rewind (-> 3), 7
        Write([Input(1), Input(2), Input(3), Rewind(4, 2, RewindRecord.Undo), Input(5), Rewind(6, 3, RewindRecord.Rewind), Input(7)], 1, 5);
        HistoryLog history = HistoryLog.Read(_layout, _storeId);
        Assert.Empty(history.Problems);
        Assert.Equal([7UL, 6, 3, 2, 1, 0], history.Walk(7, out bool complete, out _));
        Assert.True(complete);
        Assert.Equal([1UL, 2, 3, 7], history.Line(7).Order().ToArray());
        Assert.Equal([1UL, 2, 5], history.Line(5).Order().ToArray());
        Assert.Equal([1UL, 2], history.Line(4).Order().ToArray());
        Assert.Equal("undo", HistoryLog.Kind(history.Records[4]));
        Assert.Equal("input", HistoryLog.Kind(history.Records[5]));
        Assert.False(HistoryLog.IsInput(history.Records[6]));
    }

    [Fact]
    public void TheFetchAndFileWriteTurnsHaveKindsThatFitTheHistoryColumn()
    {
        static TurnRecord Hook(ulong turn, string hook, string argument) =>
            new(turn, HookTurnRecord.Encode(hook, argument), [], 0, TurnRecordKinds.HookTurn, 0);
        Assert.Equal("fetch", HistoryLog.Kind(Hook(1, RuntimeHooks.FetchSettle, "{\"id\":1}")));
        Assert.Equal("written", HistoryLog.Kind(Hook(2, RuntimeHooks.FileWritesDone, "{\"through\":1,\"failed\":[]}")));
        Assert.Equal("exit", HistoryLog.Kind(Hook(3, RuntimeHooks.ProcessExitEvent, "0")));
        Assert.Equal("timer", HistoryLog.Kind(Hook(4, RuntimeHooks.FireTimer, "1")));
    }

    [Fact]
    public void ARewindToALaterTurnIsDamageAndTheWalkStopsThere()
    {
        Write([Input(1), Input(2), Rewind(3, 3, RewindRecord.Rewind), Input(4)], 1);
        HistoryLog history = HistoryLog.Read(_layout, _storeId);
        Assert.Equal([4UL, 3], history.Walk(4, out bool complete, out ulong missing));
        Assert.False(complete);
        Assert.Equal(3UL, missing);
    }

    [Fact]
    public void ADamagedOldSegmentCostsOnlyItsTurnsAndIsNamed()
    {
        Write(Enumerable.Range(1, 30).Select(i => Input((ulong)i)), 1, 11, 21);
        string middle = _layout.LogSegmentPath(11);
        byte[] bytes = File.ReadAllBytes(middle);
        bytes[TurnLogFormat.SegmentHeaderSize + 30] ^= 0x01;
        File.WriteAllBytes(middle, bytes);

        HistoryLog history = HistoryLog.Read(_layout, _storeId);
        Assert.Contains("the history goes on at turn 21", Assert.Single(history.Problems));
        Assert.Equal(Enumerable.Range(1, 10).Concat(Enumerable.Range(21, 10)).Select(i => (ulong)i), history.Records.Keys.Order());
        // A state after the damage is reachable from a checkpoint after it only.
        Assert.Equal(30UL - 21 + 2, (ulong)history.Walk(30, out bool complete, out ulong missing).Count);
        Assert.False(complete);
        Assert.Equal(20UL, missing);
    }

    [Fact]
    public void ASegmentSetAsideLeavesAGapThatCostsNoLaterSegment()
    {
        Write(Enumerable.Range(1, 30).Select(i => Input((ulong)i)), 1, 11, 21);
        File.Move(_layout.LogSegmentPath(11), _layout.QuarantinePath(_layout.LogSegmentPath(11)));
        HistoryLog history = HistoryLog.Read(_layout, _storeId);
        Assert.Equal(Enumerable.Range(1, 10).Concat(Enumerable.Range(21, 10)).Select(i => (ulong)i), history.Records.Keys.Order());
        Assert.Equal(1UL, history.FirstTurn);
        Assert.Equal(30UL, history.LastTurn);
    }

    [Fact]
    public void ARewindRecordCarriesTheMessagingStateAndOlderRecordsWithoutOneStillDecode()
    {
        Assert.True(RewindRecord.TryDecode("5\nundo", out ulong target, out string reason, out string carry));
        Assert.Equal((5UL, "undo", ""), (target, reason, carry));
        string state = "{\"out\":[[\"127.0.0.1:7\",4,3,[]]],\"in\":[[\"a\\nb\",\"{}\"]]}";
        string source = RewindRecord.Encode(2, RewindRecord.Redo, state);
        Assert.True(RewindRecord.TryDecode(source, out target, out reason, out carry));
        Assert.Equal((2UL, "redo", state), (target, reason, carry));
        Assert.True(RewindRecord.TryDecode(source, out _, out reason));
        Assert.Equal("redo", reason); // what .history and .redo read
        Assert.Equal("3\nrewind", RewindRecord.Encode(3, RewindRecord.Rewind)); // no carry: the old format
    }
}
