namespace KenShell.Messaging;

/// <summary>
/// Identifies one message on the wire: the sender's incarnation, the name it sent to
/// (a sender can have one stream per name it uses for a peer) and the sequence number.
/// The sender never reuses a (incarnation, name, sequence) for different bytes.
/// </summary>
public readonly record struct MessageKey(Incarnation Sender, string StreamTo, ulong Sequence)
{
    public static MessageKey Of(in Datagram data) => new(data.SenderIncarnation, data.StreamTo, data.Sequence);
}
