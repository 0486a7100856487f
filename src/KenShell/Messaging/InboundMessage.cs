namespace KenShell.Messaging;

/// <summary>A complete message taken from a <see cref="ReceiverWindow"/> for delivery, in order.</summary>
public readonly record struct InboundMessage(Incarnation Sender, ulong Sequence, byte[] Message);
