using KenShell.Messaging;
using Xunit;

namespace KenShell.Tests.Messaging;

/// <summary>Ken's retransmission rule on a manual clock: 250 ms, doubling to 8 s, back to 250 ms on progress.</summary>
public sealed class RetransmitScheduleTests
{
    private static readonly TimeSpan Ms = TimeSpan.FromMilliseconds(1);

    [Fact]
    public void IdleUntilArmed()
    {
        var s = new RetransmitSchedule(new ManualClock());
        Assert.False(s.IsArmed);
        Assert.False(s.IsDue);
        Assert.Equal(Timeout.InfiniteTimeSpan, s.TimeUntilDue);
        Assert.Equal(TimeSpan.FromMilliseconds(250), s.Interval);
    }

    [Fact]
    public void BackoffDoublesUpToTheCapAndNeverGivesUp()
    {
        var clock = new ManualClock();
        var s = new RetransmitSchedule(clock);
        s.Arm();
        var waits = new List<double>();
        for (int i = 0; i < 12; i++)
        {
            TimeSpan wait = s.TimeUntilDue;
            waits.Add(wait.TotalMilliseconds);
            clock.Advance(wait - Ms);
            Assert.False(s.IsDue);
            clock.Advance(Ms);
            Assert.True(s.IsDue);
            Assert.Equal(TimeSpan.Zero, s.TimeUntilDue);
            s.OnRetransmit();
            Assert.Equal(i + 1, s.Retransmissions);
        }
        Assert.Equal([250, 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000, 8000, 8000], waits);
        Assert.True(s.IsArmed);
    }

    [Fact]
    public void ArmingTwiceDoesNotPostponeTheDeadline()
    {
        var clock = new ManualClock();
        var s = new RetransmitSchedule(clock);
        s.Arm();
        clock.Advance(200 * Ms);
        s.Arm(); // more data sent while something is outstanding
        clock.Advance(50 * Ms);
        Assert.True(s.IsDue);
    }

    [Fact]
    public void ProgressResetsTheBackoff()
    {
        var clock = new ManualClock();
        var s = new RetransmitSchedule(clock);
        s.Arm();
        for (int i = 0; i < 4; i++)
        {
            clock.Advance(s.TimeUntilDue);
            s.OnRetransmit();
        }
        Assert.Equal(TimeSpan.FromSeconds(4), s.Interval);
        clock.Advance(TimeSpan.FromSeconds(1));
        s.OnProgress(); // the ack advanced, more is outstanding
        Assert.Equal(TimeSpan.FromMilliseconds(250), s.Interval);
        Assert.Equal(TimeSpan.FromMilliseconds(250), s.TimeUntilDue);
        Assert.Equal(0, s.Retransmissions);

        s.Disarm(); // everything acknowledged
        Assert.False(s.IsArmed);
        Assert.False(s.IsDue);
        s.OnProgress(); // progress while idle does not arm
        Assert.False(s.IsArmed);
    }

    [Fact]
    public void IntervalsAreConfigurable()
    {
        var clock = new ManualClock();
        var s = new RetransmitSchedule(clock, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(35));
        s.Arm();
        var waits = new List<double>();
        for (int i = 0; i < 4; i++)
        {
            waits.Add(s.TimeUntilDue.TotalMilliseconds);
            clock.Advance(s.TimeUntilDue);
            s.OnRetransmit();
        }
        Assert.Equal([10, 20, 35, 35], waits);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetransmitSchedule(clock, TimeSpan.Zero));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RetransmitSchedule(clock, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1)));
    }
}
