namespace KenShell.Messaging;

/// <summary>
/// What of a <see cref="ReceiverWindow"/> must survive a crash (the shell keeps it in
/// the JS heap, written by the delivering turn itself): the sender incarnation it
/// follows, the last sequence delivered durably, and the sender incarnations it has
/// seen, in first-seen order (so that late datagrams of older ones are recognised as
/// stale). The reorder
/// buffer is not part of it: nothing in it was acknowledged, so the sender resends it.
/// </summary>
public sealed record ReceiverWindowState(Incarnation Sender, ulong LastDelivered, IReadOnlyList<Incarnation> Seen);
