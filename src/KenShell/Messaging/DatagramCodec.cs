using System.Buffers.Binary;
using KenShell.Checksums;

namespace KenShell.Messaging;

/// <summary>
/// The datagram wire format. All integers little-endian. A datagram is an 80-byte
/// fixed header, the two stream addresses, the payload, then a CRC32C:
/// <code>
///   0   4  magic "KENM"
///   4   1  u8  format version (1)
///   5   1  u8  kind: 1 DATA, 2 ACK, 3 RESET-NOTICE (<see cref="DatagramKind"/>)
///   6   1  u8  F = length of StreamFrom (1..255)
///   7   1  u8  T = length of StreamTo (1..255)
///   8  16  sender incarnation (never zero)
///  24  16  receiver incarnation, as the sender believes it (zero = unknown; DATA only)
///  40   8  u64 sequence number          DATA: >= 1        ACK/NOTICE: 0
///  48   8  u64 stream start             DATA: 1..sequence ACK/NOTICE: 0
///  56   8  u64 cumulative ack           ACK: the ack; DATA: piggybacked ack or 0; NOTICE: 0
///  64   4  u32 message length L         DATA: &lt;= 1 GiB   ACK: 0   NOTICE: 16
///  68   4  u32 fragment index           DATA: &lt; count    ACK/NOTICE: 0
///  72   4  u32 fragment count           DATA: >= 1        ACK: 0   NOTICE: 1
///  76   4  u32 payload length P         &lt;= 64000
///  80   F  StreamFrom, canonical address text (ASCII)
///  80+F T  StreamTo, canonical address text (ASCII)
///  80+F+T      P  payload               NOTICE: the 16-byte incarnation the answered DATA addressed
///  80+F+T+P    4  u32 CRC32C of every preceding byte
/// </code>
/// The datagram is exactly 84 + F + T + P bytes; with the default 1200-byte fragment
/// payload and IPv4 or short IPv6 addresses that is under 1330 bytes, inside a
/// 1500-byte Ethernet MTU for both IPv4 and IPv6.
///
/// <para><b>Fragments.</b> A message of L bytes in C fragments has fragment size
/// S = ceil(L / C): fragment i covers bytes [i*S, min(L, (i+1)*S)) and every
/// fragment is non-empty (an empty message is one empty fragment). The layout is
/// thus fixed by (L, C), and the decoder rejects a payload whose length is not the
/// one (L, C, i) imply. <see cref="Fragmenter"/> picks the smallest C whose S fits
/// the configured payload size, so fragments are balanced
/// (1201 bytes = 601 + 600).</para>
///
/// <para><b>Decoding never throws</b> on any input: it returns a
/// <see cref="DecodeStatus"/>. The CRC is checked before any field is interpreted
/// beyond the lengths needed to find it; fields are then checked for the kind's
/// rules, and both addresses must be canonical <see cref="PeerAddress"/> texts.</para>
/// </summary>
public static class DatagramCodec
{
    public const byte FormatVersion = 1;
    public const int HeaderSize = 80;
    public const int ChecksumSize = 4;
    /// <summary>Bytes of a datagram that are not addresses or payload.</summary>
    public const int FixedOverhead = HeaderSize + ChecksumSize;
    /// <summary>The default largest fragment payload: fits typical MTUs.</summary>
    public const int DefaultFragmentPayload = 1200;
    /// <summary>The largest fragment payload ever allowed (keeps a datagram under UDP's 65,507-byte limit).</summary>
    public const int MaxFragmentPayload = 64000;
    /// <summary>The largest message length the format accepts (receivers enforce their own, smaller, limit).</summary>
    public const uint MaxMessageLength = 1u << 30;
    /// <summary>The largest possible datagram.</summary>
    public const int MaxDatagramSize = FixedOverhead + 2 * PeerAddress.MaxLength + MaxFragmentPayload;

    public static ReadOnlySpan<byte> Magic => "KENM"u8;

    /// <summary>S = ceil(L / C): the size of every fragment but the last (0 for an empty message).</summary>
    public static long FragmentSize(uint messageLength, uint fragmentCount) =>
        fragmentCount == 0 ? 0 : ((long)messageLength + fragmentCount - 1) / fragmentCount;

    /// <summary>The payload length fragment <paramref name="index"/> of a (L, C) message has.</summary>
    public static long FragmentLength(uint messageLength, uint fragmentCount, uint index)
    {
        long size = FragmentSize(messageLength, fragmentCount);
        long start = index * size;
        return Math.Max(0, Math.Min(messageLength, start + size) - start);
    }

    public static int EncodedLength(in Datagram datagram) =>
        FixedOverhead + datagram.StreamFrom.Length + datagram.StreamTo.Length + datagram.Payload.Length;

    /// <summary>Encodes into a new array. Throws <see cref="ArgumentException"/> if the datagram breaks the format's rules.</summary>
    public static byte[] Encode(in Datagram datagram)
    {
        byte[] bytes = new byte[EncodedLength(datagram)];
        Encode(datagram, bytes);
        return bytes;
    }

    /// <summary>
    /// Encodes into <paramref name="destination"/> and returns the byte count. Throws
    /// <see cref="ArgumentException"/> if the datagram breaks the format's rules (the
    /// same ones the decoder checks, except that addresses are only checked to be
    /// printable ASCII: a full parse per datagram would be wasted on our own strings).
    /// </summary>
    public static int Encode(in Datagram datagram, Span<byte> destination)
    {
        DecodeStatus status = CheckAddressText(datagram.StreamFrom);
        if (status == DecodeStatus.Ok) status = CheckAddressText(datagram.StreamTo);
        if (status == DecodeStatus.Ok)
        {
            status = datagram.Payload.Length > MaxFragmentPayload
                ? DecodeStatus.PayloadTooLarge
                : CheckFields(datagram, datagram.Payload.Length);
        }
        if (status != DecodeStatus.Ok) throw new ArgumentException($"not a valid datagram: {status}", nameof(datagram));

        int length = EncodedLength(datagram);
        if (destination.Length < length) throw new ArgumentException($"the datagram needs {length} bytes", nameof(destination));
        Span<byte> d = destination[..length];
        Magic.CopyTo(d);
        d[4] = FormatVersion;
        d[5] = (byte)datagram.Kind;
        d[6] = (byte)datagram.StreamFrom.Length;
        d[7] = (byte)datagram.StreamTo.Length;
        datagram.SenderIncarnation.WriteTo(d[8..]);
        datagram.ReceiverIncarnation.WriteTo(d[24..]);
        BinaryPrimitives.WriteUInt64LittleEndian(d[40..], datagram.Sequence);
        BinaryPrimitives.WriteUInt64LittleEndian(d[48..], datagram.StreamStart);
        BinaryPrimitives.WriteUInt64LittleEndian(d[56..], datagram.CumulativeAck);
        BinaryPrimitives.WriteUInt32LittleEndian(d[64..], datagram.MessageLength);
        BinaryPrimitives.WriteUInt32LittleEndian(d[68..], datagram.FragmentIndex);
        BinaryPrimitives.WriteUInt32LittleEndian(d[72..], datagram.FragmentCount);
        BinaryPrimitives.WriteUInt32LittleEndian(d[76..], (uint)datagram.Payload.Length);
        int at = HeaderSize;
        at += WriteAscii(datagram.StreamFrom, d[at..]);
        at += WriteAscii(datagram.StreamTo, d[at..]);
        datagram.Payload.Span.CopyTo(d[at..]);
        at += datagram.Payload.Length;
        BinaryPrimitives.WriteUInt32LittleEndian(d[at..], Crc32C.Compute(d[..at]));
        return length;
    }

    /// <summary>Decodes <paramref name="input"/>; the payload is copied (the input may be a reused buffer).</summary>
    public static DecodeStatus TryDecode(ReadOnlySpan<byte> input, out Datagram datagram, AddressStringCache? cache = null)
    {
        DecodeStatus status = DecodeCore(input, out datagram, out int payloadOffset, out int payloadLength, cache);
        if (status == DecodeStatus.Ok && payloadLength > 0)
            datagram = datagram with { Payload = input.Slice(payloadOffset, payloadLength).ToArray() };
        return status;
    }

    /// <summary>Decodes <paramref name="input"/>; the payload is a slice of it, not a copy.</summary>
    public static DecodeStatus TryDecode(ReadOnlyMemory<byte> input, out Datagram datagram, AddressStringCache? cache = null)
    {
        DecodeStatus status = DecodeCore(input.Span, out datagram, out int payloadOffset, out int payloadLength, cache);
        if (status == DecodeStatus.Ok && payloadLength > 0)
            datagram = datagram with { Payload = input.Slice(payloadOffset, payloadLength) };
        return status;
    }

    private static DecodeStatus DecodeCore(ReadOnlySpan<byte> d, out Datagram datagram, out int payloadOffset, out int payloadLength,
        AddressStringCache? cache)
    {
        datagram = default;
        payloadOffset = 0;
        payloadLength = 0;
        if (d.Length < FixedOverhead) return DecodeStatus.TooShort;
        if (!d[..4].SequenceEqual(Magic)) return DecodeStatus.BadMagic;
        if (d[4] != FormatVersion) return DecodeStatus.UnsupportedVersion;
        var kind = (DatagramKind)d[5];
        if (kind is not (DatagramKind.Data or DatagramKind.Ack or DatagramKind.ResetNotice)) return DecodeStatus.UnknownKind;
        int fromLength = d[6], toLength = d[7];
        if (fromLength == 0 || toLength == 0) return DecodeStatus.BadAddressLength;
        uint declaredPayload = BinaryPrimitives.ReadUInt32LittleEndian(d[76..]);
        if ((long)FixedOverhead + fromLength + toLength + declaredPayload != d.Length) return DecodeStatus.BadLength;
        int crcAt = d.Length - ChecksumSize;
        if (BinaryPrimitives.ReadUInt32LittleEndian(d[crcAt..]) != Crc32C.Compute(d[..crcAt])) return DecodeStatus.BadChecksum;
        if (declaredPayload > MaxFragmentPayload) return DecodeStatus.PayloadTooLarge;

        var header = new Datagram
        {
            Kind = kind,
            SenderIncarnation = Incarnation.FromBytes(d[8..]),
            ReceiverIncarnation = Incarnation.FromBytes(d[24..]),
            Sequence = BinaryPrimitives.ReadUInt64LittleEndian(d[40..]),
            StreamStart = BinaryPrimitives.ReadUInt64LittleEndian(d[48..]),
            CumulativeAck = BinaryPrimitives.ReadUInt64LittleEndian(d[56..]),
            MessageLength = BinaryPrimitives.ReadUInt32LittleEndian(d[64..]),
            FragmentIndex = BinaryPrimitives.ReadUInt32LittleEndian(d[68..]),
            FragmentCount = BinaryPrimitives.ReadUInt32LittleEndian(d[72..]),
        };
        DecodeStatus status = CheckFields(header, (int)declaredPayload);
        if (status != DecodeStatus.Ok) return status;

        if (!TryReadAddress(d.Slice(HeaderSize, fromLength), cache, out string from)) return DecodeStatus.BadAddress;
        if (!TryReadAddress(d.Slice(HeaderSize + fromLength, toLength), cache, out string to)) return DecodeStatus.BadAddress;
        datagram = header with { StreamFrom = from, StreamTo = to };
        payloadOffset = HeaderSize + fromLength + toLength;
        payloadLength = (int)declaredPayload;
        return DecodeStatus.Ok;
    }

    /// <summary>The kind-specific rules for every field but the addresses and payload bytes.</summary>
    private static DecodeStatus CheckFields(in Datagram g, int payloadLength)
    {
        if (g.SenderIncarnation.IsZero) return DecodeStatus.ZeroSenderIncarnation;
        switch (g.Kind)
        {
            case DatagramKind.Data:
                if (g.Sequence == 0 || g.StreamStart == 0 || g.StreamStart > g.Sequence) return DecodeStatus.BadSequence;
                if (g.MessageLength > MaxMessageLength) return DecodeStatus.MessageTooLarge;
                if (g.FragmentCount == 0 || g.FragmentIndex >= g.FragmentCount) return DecodeStatus.BadFragment;
                if (g.MessageLength == 0)
                {
                    if (g.FragmentCount != 1) return DecodeStatus.BadFragment;
                    return payloadLength == 0 ? DecodeStatus.Ok : DecodeStatus.BadFragmentLayout;
                }
                if (g.FragmentCount > g.MessageLength) return DecodeStatus.BadFragment;
                long size = FragmentSize(g.MessageLength, g.FragmentCount);
                if ((g.FragmentCount - 1) * size >= g.MessageLength) return DecodeStatus.BadFragment; // an empty last fragment
                if (size > MaxFragmentPayload) return DecodeStatus.PayloadTooLarge;
                return FragmentLength(g.MessageLength, g.FragmentCount, g.FragmentIndex) == payloadLength
                    ? DecodeStatus.Ok
                    : DecodeStatus.BadFragmentLayout;
            case DatagramKind.Ack:
                if (g.ReceiverIncarnation.IsZero) return DecodeStatus.ZeroReceiverIncarnation;
                return g.Sequence == 0 && g.StreamStart == 0 && g.MessageLength == 0 && g.FragmentIndex == 0 &&
                       g.FragmentCount == 0 && payloadLength == 0
                    ? DecodeStatus.Ok
                    : DecodeStatus.BadControlFields;
            case DatagramKind.ResetNotice:
                if (g.ReceiverIncarnation.IsZero) return DecodeStatus.ZeroReceiverIncarnation;
                return g.Sequence == 0 && g.StreamStart == 0 && g.CumulativeAck == 0 && g.MessageLength == Incarnation.Size &&
                       g.FragmentIndex == 0 && g.FragmentCount == 1 && payloadLength == Incarnation.Size
                    ? DecodeStatus.Ok
                    : DecodeStatus.BadControlFields;
            default:
                return DecodeStatus.UnknownKind;
        }
    }

    private static DecodeStatus CheckAddressText(string? text)
    {
        if (string.IsNullOrEmpty(text) || text.Length > PeerAddress.MaxLength) return DecodeStatus.BadAddressLength;
        foreach (char c in text)
        {
            if (c is <= ' ' or >= (char)0x7f) return DecodeStatus.BadAddress;
        }
        return DecodeStatus.Ok;
    }

    private static int WriteAscii(string text, Span<byte> destination)
    {
        for (int i = 0; i < text.Length; i++) destination[i] = (byte)text[i];
        return text.Length;
    }

    private static bool TryReadAddress(ReadOnlySpan<byte> bytes, AddressStringCache? cache, out string address)
    {
        address = "";
        Span<char> chars = stackalloc char[PeerAddress.MaxLength];
        for (int i = 0; i < bytes.Length; i++)
        {
            byte b = bytes[i];
            if (b is <= (byte)' ' or >= 0x7f) return false;
            chars[i] = (char)b;
        }
        ReadOnlySpan<char> text = chars[..bytes.Length];
        if (cache is not null && cache.TryGet(text, out address)) return true;
        string s = new(text);
        if (!PeerAddress.TryParse(s, out PeerAddress? parsed) || !string.Equals(parsed.ToString(), s, StringComparison.Ordinal)) return false;
        cache?.Add(s);
        address = s;
        return true;
    }
}
