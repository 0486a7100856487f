namespace KenShell.Messaging;

/// <summary>Memory bounds of a <see cref="Reassembler"/>.</summary>
public sealed record ReassemblerLimits
{
    /// <summary>Messages longer than this are refused (and counted). Default 64 MiB.</summary>
    public int MaxMessageBytes { get; init; } = 64 << 20;

    /// <summary>At most this many messages are partly received at once. Default 64.</summary>
    public int MaxPartialMessages { get; init; } = 64;

    /// <summary>At most this many bytes are held for partly received messages. Default 256 MiB.</summary>
    public long MaxPartialBytes { get; init; } = 256L << 20;

    /// <summary>
    /// A partial message that has received no new fragment for this long is dropped
    /// (its sender is gone or has re-fragmented it). Default 60 s: well above the
    /// sender's largest retransmission interval.
    /// </summary>
    public TimeSpan MaxAge { get; init; } = TimeSpan.FromSeconds(60);

    public static ReassemblerLimits Default { get; } = new();
}
