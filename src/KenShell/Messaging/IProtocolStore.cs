namespace KenShell.Messaging;

/// <summary>
/// The durable side of <see cref="ProtocolEngine"/>: what must outlive a crash, and
/// nothing else. In the shell it is the JavaScript heap, made durable by turns
/// (<c>Shell/MessageDriver</c>); in the protocol simulations it is a set of
/// collections that a simulated kill -9 keeps. The engine calls it on its own
/// thread and never holds on to what it returns.
/// </summary>
public interface IProtocolStore
{
    /// <summary>
    /// The bytes of the queued message <paramref name="sequence"/> of the stream to
    /// <paramref name="to"/>, as the sending turn stored them; null once it was freed
    /// (acknowledged and dropped).
    /// </summary>
    byte[]? QueuedMessage(string to, ulong sequence);

    /// <summary>
    /// Delivers <paramref name="message"/> of stream (<paramref name="streamFrom"/>,
    /// <paramref name="streamTo"/>) and stores <paramref name="next"/> (the receiver
    /// window's state once it is delivered) in ONE durable step. True once that step is
    /// durable: only then is the message acknowledged (G3, G7). False when it was not
    /// made durable (rolled back): the engine releases the message and the sender
    /// sends it again.
    /// </summary>
    bool Deliver(string streamFrom, string streamTo, InboundMessage message, ReceiverWindowState next);

    /// <summary>
    /// The peer acknowledged the stream to <paramref name="to"/> through
    /// <paramref name="ackedThrough"/>: the queued copies up to it may be freed. Lazily
    /// durable is enough (after a crash an old message is answered as a duplicate with a
    /// fresh ack). True when that was made durable; false makes the engine ask again at
    /// the next ack that advances.
    /// </summary>
    bool Acknowledged(string to, ulong ackedThrough);
}
