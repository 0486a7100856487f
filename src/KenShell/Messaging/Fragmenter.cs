namespace KenShell.Messaging;

/// <summary>
/// Cuts a message into DATA datagrams of at most <see cref="MaxFragmentPayload"/>
/// payload bytes each, with the balanced layout <see cref="DatagramCodec"/> documents:
/// C = ceil(L / max) fragments of S = ceil(L / C) bytes (the last one shorter), so
/// 1201 bytes at max 1200 go as 601 + 600. An empty message is one empty fragment.
/// Fragmenting the same message twice gives the same fragments (the receiver relies
/// on that to combine fragments from different retransmissions), as long as the
/// maximum does not change; if it does, the receiver drops the mismatching fragments
/// as conflicts until the old partial ages out of its <see cref="Reassembler"/>.
/// Payloads are slices of the message, not copies.
/// </summary>
public sealed class Fragmenter
{
    public Fragmenter(int maxFragmentPayload = DatagramCodec.DefaultFragmentPayload)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFragmentPayload, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxFragmentPayload, DatagramCodec.MaxFragmentPayload);
        MaxFragmentPayload = maxFragmentPayload;
    }

    public int MaxFragmentPayload { get; }

    /// <summary>How many fragments a message of <paramref name="messageLength"/> bytes takes.</summary>
    public uint FragmentCount(int messageLength)
    {
        CheckLength(messageLength);
        return messageLength == 0 ? 1u : (uint)((messageLength + (long)MaxFragmentPayload - 1) / MaxFragmentPayload);
    }

    /// <summary>
    /// Every fragment of <paramref name="message"/>. <paramref name="stream"/> supplies the
    /// stream fields (incarnations, addresses, sequence, stream start, piggybacked ack);
    /// kind, message length, fragment index/count and payload are set here.
    /// </summary>
    public IEnumerable<Datagram> Fragment(Datagram stream, ReadOnlyMemory<byte> message)
    {
        uint count = FragmentCount(message.Length);
        for (uint i = 0; i < count; i++) yield return FragmentAt(stream, message, i);
    }

    /// <summary>Fragment <paramref name="index"/> of <paramref name="message"/> alone (for a selective resend).</summary>
    public Datagram FragmentAt(in Datagram stream, ReadOnlyMemory<byte> message, uint index)
    {
        uint count = FragmentCount(message.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        uint length = (uint)message.Length;
        long size = DatagramCodec.FragmentSize(length, count);
        long start = index * size;
        int fragmentLength = (int)DatagramCodec.FragmentLength(length, count, index);
        return stream with
        {
            Kind = DatagramKind.Data,
            MessageLength = length,
            FragmentIndex = index,
            FragmentCount = count,
            Payload = message.Slice((int)start, fragmentLength),
        };
    }

    private static void CheckLength(int messageLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(messageLength);
        if ((uint)messageLength > DatagramCodec.MaxMessageLength)
            throw new ArgumentOutOfRangeException(nameof(messageLength), $"a message is at most {DatagramCodec.MaxMessageLength} bytes");
    }
}
