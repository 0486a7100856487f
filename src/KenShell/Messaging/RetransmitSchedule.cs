namespace KenShell.Messaging;

/// <summary>
/// When to retransmit to one peer: Ken's rule, 250 ms after a transmission, doubling
/// after every retransmission up to a cap (8 s), never giving up, and back to 250 ms
/// as soon as the peer makes progress (its cumulative ack advances). Pure logic on an
/// injectable clock (<see cref="TimeProvider"/>); the caller sends.
///
/// Typical use, per peer:
/// <code>
///   send new messages;            schedule.Arm();          // no-op if already armed
///   if (schedule.IsDue) { resend what is unacknowledged;  schedule.OnRetransmit(); }
///   on an ack that advances:      if (nothing unacked) schedule.Disarm(); else schedule.OnProgress();
///   sleep at most schedule.TimeUntilDue
/// </code>
/// Not thread-safe.
/// </summary>
public sealed class RetransmitSchedule
{
    public static readonly TimeSpan DefaultInitial = TimeSpan.FromMilliseconds(250);
    public static readonly TimeSpan DefaultMax = TimeSpan.FromSeconds(8);

    private readonly TimeProvider _clock;
    private long _due;

    public RetransmitSchedule(TimeProvider? clock = null, TimeSpan? initial = null, TimeSpan? max = null)
    {
        _clock = clock ?? TimeProvider.System;
        Initial = initial ?? DefaultInitial;
        Max = max ?? DefaultMax;
        if (Initial <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(initial), "the initial interval must be positive");
        if (Max < Initial) throw new ArgumentOutOfRangeException(nameof(max), "the cap must not be below the initial interval");
        Interval = Initial;
    }

    public TimeSpan Initial { get; }
    public TimeSpan Max { get; }

    /// <summary>The wait between the latest transmission and the next retransmission.</summary>
    public TimeSpan Interval { get; private set; }

    /// <summary>Whether something is outstanding, i.e. a retransmission is scheduled.</summary>
    public bool IsArmed { get; private set; }

    /// <summary>Retransmissions since the last progress (or since armed).</summary>
    public int Retransmissions { get; private set; }

    /// <summary>Whether a retransmission is due now.</summary>
    public bool IsDue => IsArmed && _clock.GetTimestamp() >= _due;

    /// <summary>How long until a retransmission is due: zero if due, <see cref="Timeout.InfiniteTimeSpan"/> if not armed.</summary>
    public TimeSpan TimeUntilDue
    {
        get
        {
            if (!IsArmed) return Timeout.InfiniteTimeSpan;
            long now = _clock.GetTimestamp();
            return now >= _due ? TimeSpan.Zero : _clock.GetElapsedTime(now, _due);
        }
    }

    /// <summary>Data was just sent with nothing else outstanding: schedule the first retransmission. No-op when armed.</summary>
    public void Arm()
    {
        if (IsArmed) return;
        IsArmed = true;
        Retransmissions = 0;
        _due = After(Interval);
    }

    /// <summary>Everything outstanding was just retransmitted: double the interval (up to the cap) and schedule the next.</summary>
    public void OnRetransmit()
    {
        IsArmed = true;
        Retransmissions++;
        Interval = Interval * 2 > Max ? Max : Interval * 2;
        _due = After(Interval);
    }

    /// <summary>The peer's ack advanced and more is outstanding: back to the initial interval, counted from now.</summary>
    public void OnProgress()
    {
        Interval = Initial;
        Retransmissions = 0;
        if (IsArmed) _due = After(Interval);
    }

    /// <summary>Nothing is outstanding any more.</summary>
    public void Disarm()
    {
        IsArmed = false;
        Interval = Initial;
        Retransmissions = 0;
    }

    private long After(TimeSpan interval) => _clock.GetTimestamp() + (long)(interval.TotalSeconds * _clock.TimestampFrequency);
}
