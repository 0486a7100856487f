namespace KenShell.Messaging;

/// <summary>What a datagram is (byte 5 of the header; see <see cref="DatagramCodec"/>).</summary>
public enum DatagramKind : byte
{
    /// <summary>A fragment of a message: sequence number, stream start, fragment index/count, payload.</summary>
    Data = 1,

    /// <summary>A cumulative acknowledgement of a data stream.</summary>
    Ack = 2,

    /// <summary>
    /// "I am not the incarnation you addressed": the answer to a DATA datagram whose
    /// receiver incarnation is not the receiver's own (zero, or a previous incarnation
    /// of the store at that address). It tells the data sender the receiver's current
    /// incarnation; the payload is the 16-byte incarnation the data sender had addressed.
    /// </summary>
    ResetNotice = 3,
}
