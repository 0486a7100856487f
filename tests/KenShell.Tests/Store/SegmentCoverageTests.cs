using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Store;

/// <summary>
/// "Segment i holds the turns before segment i+1's first", said once
/// (<see cref="StoreLayout.SegmentCoveredBy"/>) and used by recovery (damage a checkpoint
/// covers), the reader (segments to skip) and pruning (segments to delete): checked on
/// the rule itself and on the three users with real files.
/// </summary>
public sealed class SegmentCoverageTests : IDisposable
{
    private readonly StoreDirectory _dir = new();
    private readonly StoreLayout _layout;

    public SegmentCoverageTests() => _layout = new StoreLayout(_dir.Path, StoreDirectory.Address);

    public void Dispose() => _dir.Dispose();

    private static readonly (ulong FirstTurn, string Path)[] Segments = [(1, "log_1"), (5, "log_5"), (9, "log_9")];

    [Theory]
    [InlineData(0, 3, false)] // log_1 holds 1..4
    [InlineData(0, 4, true)]
    [InlineData(0, 100, true)]
    [InlineData(1, 7, false)] // log_5 holds 5..8
    [InlineData(1, 8, true)]
    [InlineData(2, 1000, false)] // the newest is open ended
    [InlineData(3, 1000, false)] // no such segment
    [InlineData(-1, 1000, false)]
    public void ASegmentIsCoveredWhenTheNextOneStartsAtMostOneTurnLater(int index, ulong turn, bool covered) =>
        Assert.Equal(covered, StoreLayout.SegmentCoveredBy(Segments, index, turn));

    [Fact]
    public void PruningDeletesExactlyTheCoveredSegmentsOldestFirst()
    {
        foreach (ulong first in new ulong[] { 1, 5, 9 }) File.WriteAllBytes(_layout.LogSegmentPath(first), [1]);
        Assert.Empty(TurnLogPruner.DeleteCoveredSegments(_layout, 3));
        Assert.Equal([_layout.LogSegmentPath(1)], TurnLogPruner.DeleteCoveredSegments(_layout, 7));
        Assert.Equal([_layout.LogSegmentPath(5)], TurnLogPruner.DeleteCoveredSegments(_layout, 1000));
        Assert.Equal([9UL], _layout.ListLogSegments().Select(s => s.FirstTurn));
    }
}
