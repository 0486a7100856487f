namespace KenShell.Messaging;

/// <summary>How a <see cref="ReceiverWindow"/> classifies an incoming DATA message.</summary>
public enum ReceiveDecision
{
    /// <summary>(<see cref="ReceiverWindow.Classify"/> only.) Not yet known: reassemble it and <see cref="ReceiverWindow.Accept"/> it.</summary>
    Needed,
    /// <summary>Next in order: <see cref="ReceiverWindow.TryTakeNext"/> now returns it.</summary>
    Deliver,
    /// <summary>Ahead of a gap: kept in the reorder buffer until the gap is filled.</summary>
    Buffered,
    /// <summary>Ahead of a gap, but the reorder buffer is full (or it is too far ahead): dropped; the sender will retransmit.</summary>
    BufferFull,
    /// <summary>Already delivered durably: drop it and re-ack (<see cref="ReceiverWindow.LastDelivered"/>), the ack may have been lost.</summary>
    Duplicate,
    /// <summary>Already buffered or being delivered, not yet durable: drop it, nothing to ack yet.</summary>
    InProgress,
    /// <summary>From a sender incarnation older than the one followed now (the sender's store was reset since): drop it silently.</summary>
    Stale,
    /// <summary>Addressed to another receiver incarnation (or to an unknown one): drop it and answer with a RESET-NOTICE.</summary>
    NotForMe,
}
