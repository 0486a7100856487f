namespace KenShell.Messaging;

/// <summary>
/// What of a <see cref="SenderWindow"/> the shell persists. <see cref="NextSequence"/>
/// must be persisted with the queued messages (it is advanced by the sending turn);
/// <see cref="AckedThrough"/> may lag (the receiver answers duplicates with re-acks).
/// <see cref="Peer"/> and <see cref="StreamStart"/> may be left out (zero and 0:
/// the first transmission then draws a RESET-NOTICE that re-establishes them), but
/// if kept, they must be kept together with <see cref="AckedThrough"/>, as one snapshot.
/// </summary>
public sealed record SenderWindowState(ulong NextSequence, ulong AckedThrough, Incarnation Peer = default, ulong StreamStart = 0);
