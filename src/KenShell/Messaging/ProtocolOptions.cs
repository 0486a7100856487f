namespace KenShell.Messaging;

/// <summary>The tunables of <see cref="ProtocolEngine"/>; the defaults are what the shell runs with.</summary>
public sealed record ProtocolOptions
{
    /// <summary>Messages a stream may have in flight once the peer's incarnation is known.</summary>
    public int WindowSize { get; init; } = 32;

    public int FragmentPayload { get; init; } = DatagramCodec.DefaultFragmentPayload;

    public TimeSpan InitialRetransmit { get; init; } = RetransmitSchedule.DefaultInitial;

    public TimeSpan MaxRetransmit { get; init; } = RetransmitSchedule.DefaultMax;
}
