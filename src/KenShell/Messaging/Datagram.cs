namespace KenShell.Messaging;

/// <summary>
/// One decoded (or to-be-encoded) datagram; the byte layout is documented on
/// <see cref="DatagramCodec"/>.
///
/// <para><b>Streams.</b> Messages flow in <i>streams</i>: one per (data sender, the
/// name it uses for the receiver). <see cref="StreamFrom"/> and <see cref="StreamTo"/>
/// are those two names exactly as the data sender writes them: in DATA, the sender's
/// own address (what it calls itself, not the source endpoint, which NAT or an
/// ephemeral port may change) and the address it sent to. ACK and RESET-NOTICE
/// answer a stream, so they echo the pair of the DATA they answer: in them
/// <see cref="StreamFrom"/> names the datagram's <i>addressee</i>. This lets the data
/// sender find the stream an answer belongs to even when the receiver calls itself by
/// another name (<c>localhost:7000</c> vs <c>127.0.0.1:7000</c>, NAT). Replies always go
/// to the source endpoint of the datagram they answer.</para>
///
/// <para><b>Incarnations</b> are relative to this datagram: <see cref="SenderIncarnation"/>
/// is that of whoever sent it; <see cref="ReceiverIncarnation"/> is the addressee's as
/// the sender believes it (zero = unknown; only DATA may carry zero).</para>
/// </summary>
public readonly record struct Datagram
{
    public DatagramKind Kind { get; init; }

    /// <summary>The incarnation (store id) of the datagram's sender. Never zero.</summary>
    public Incarnation SenderIncarnation { get; init; }

    /// <summary>The addressee's incarnation as the sender believes it; zero = unknown (DATA only).</summary>
    public Incarnation ReceiverIncarnation { get; init; }

    /// <summary>Canonical address of the stream's data sender, as it calls itself.</summary>
    public string StreamFrom { get; init; }

    /// <summary>Canonical address of the stream's receiver, as the data sender calls it.</summary>
    public string StreamTo { get; init; }

    /// <summary>DATA: the message's sequence number in its stream (1, 2, ...). Otherwise 0.</summary>
    public ulong Sequence { get; init; }

    /// <summary>
    /// DATA: the first sequence number of this stream for the addressed receiver
    /// incarnation (see <see cref="SenderWindow"/>). A receiver that has no window for
    /// the sender's incarnation yet starts one at <c>StreamStart - 1</c> delivered.
    /// Otherwise 0.
    /// </summary>
    public ulong StreamStart { get; init; }

    /// <summary>
    /// ACK: everything up to and including this sequence number has been delivered
    /// durably. DATA: an optional piggybacked ack (0 = none) of the reverse stream,
    /// the one whose data sender is this datagram's addressee and whose names are
    /// this stream's swapped. RESET-NOTICE: 0.
    /// </summary>
    public ulong CumulativeAck { get; init; }

    /// <summary>DATA: the whole message's length in bytes. RESET-NOTICE: 16. ACK: 0.</summary>
    public uint MessageLength { get; init; }

    /// <summary>DATA: which fragment this is, 0-based, below <see cref="FragmentCount"/>.</summary>
    public uint FragmentIndex { get; init; }

    /// <summary>DATA: how many fragments the message has (at least 1). RESET-NOTICE: 1. ACK: 0.</summary>
    public uint FragmentCount { get; init; }

    /// <summary>DATA: this fragment's bytes. RESET-NOTICE: the incarnation the data sender addressed. ACK: empty.</summary>
    public ReadOnlyMemory<byte> Payload { get; init; }

    public Datagram()
    {
        StreamFrom = "";
        StreamTo = "";
    }

    /// <summary>An ACK of the stream (<paramref name="streamFrom"/>, <paramref name="streamTo"/>), sent by its receiver.</summary>
    public static Datagram Ack(Incarnation sender, Incarnation receiver, string streamFrom, string streamTo, ulong cumulativeAck) => new()
    {
        Kind = DatagramKind.Ack,
        SenderIncarnation = sender,
        ReceiverIncarnation = receiver,
        StreamFrom = streamFrom,
        StreamTo = streamTo,
        CumulativeAck = cumulativeAck,
    };

    /// <summary>
    /// The answer to <paramref name="data"/> when its receiver incarnation is not
    /// <paramref name="self"/>: same stream names, addressed to the data sender's
    /// incarnation, carrying the incarnation the data had addressed.
    /// </summary>
    public static Datagram ResetNoticeFor(in Datagram data, Incarnation self) => new()
    {
        Kind = DatagramKind.ResetNotice,
        SenderIncarnation = self,
        ReceiverIncarnation = data.SenderIncarnation,
        StreamFrom = data.StreamFrom,
        StreamTo = data.StreamTo,
        MessageLength = Incarnation.Size,
        FragmentCount = 1,
        Payload = data.ReceiverIncarnation.ToByteArray(),
    };

    /// <summary>An ACK of the stream <paramref name="data"/> belongs to, sent by <paramref name="self"/>.</summary>
    public static Datagram AckFor(in Datagram data, Incarnation self, ulong cumulativeAck) =>
        Ack(self, data.SenderIncarnation, data.StreamFrom, data.StreamTo, cumulativeAck);

    /// <summary>RESET-NOTICE: the incarnation the answered DATA had addressed (zero = it did not know).</summary>
    public Incarnation AddressedIncarnation =>
        Kind == DatagramKind.ResetNotice && Payload.Length == Incarnation.Size ? Incarnation.FromBytes(Payload.Span) : Incarnation.Zero;

    /// <summary>DATA: the byte offset of this fragment in the message.</summary>
    public long FragmentOffset => (long)FragmentIndex * DatagramCodec.FragmentSize(MessageLength, FragmentCount);
}
