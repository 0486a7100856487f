using System.Net;

namespace KenShell.Messaging;

/// <summary>
/// Something that sends encoded datagrams: <see cref="UdpTransport"/>, or a
/// <see cref="LossyTransport"/> wrapped around one. Thread-safe.
/// </summary>
public interface IDatagramSender
{
    /// <summary>
    /// Sends one encoded datagram to <paramref name="destination"/>. Returns false, and
    /// counts it, when it could not be handed to the network (no exception: UDP
    /// delivery is never guaranteed anyway, and the protocol retransmits).
    /// </summary>
    bool SendEncoded(IPEndPoint destination, ReadOnlySpan<byte> datagram);
}
