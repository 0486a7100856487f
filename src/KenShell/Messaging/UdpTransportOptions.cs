namespace KenShell.Messaging;

/// <summary>Settings of a <see cref="UdpTransport"/>.</summary>
public sealed record UdpTransportOptions
{
    /// <summary>
    /// Valid datagrams waiting in <see cref="UdpTransport.Incoming"/>; beyond this,
    /// new ones are dropped and counted (<see cref="TransportCounters.QueueFull"/>), as
    /// a full socket buffer would. Default 65,536.
    /// </summary>
    public int ReceiveQueueCapacity { get; init; } = 65536;

    /// <summary>
    /// SO_RCVBUF / SO_SNDBUF to ask for (the kernel may cap it: see net.core.rmem_max).
    /// A 16 MB message is ~14,000 datagrams; a big buffer avoids losing them in bursts.
    /// Default 4 MiB; 0 leaves the OS default.
    /// </summary>
    public int SocketBufferBytes { get; init; } = 4 << 20;

    public static UdpTransportOptions Default { get; } = new();
}
