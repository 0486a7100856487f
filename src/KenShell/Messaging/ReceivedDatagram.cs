using System.Net;

namespace KenShell.Messaging;

/// <summary>
/// A valid datagram as received, with the endpoint it came from: replies (ACK,
/// RESET-NOTICE) go to <see cref="Source"/>, whatever the datagram's addresses say.
/// </summary>
public readonly record struct ReceivedDatagram(Datagram Datagram, IPEndPoint Source);
