using KenShell.Checksums;
using System.Buffers.Binary;
using KenShell.Messaging;
using KenShell.Store;
using Xunit;
using static KenShell.Tests.Messaging.WireSamples;

namespace KenShell.Tests.Messaging;

/// <summary>The datagram format: the documented layout, round trips, and a precise reason for every kind of bad datagram.</summary>
public sealed class DatagramCodecTests
{
    private static void AssertSame(in Datagram expected, in Datagram actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.SenderIncarnation, actual.SenderIncarnation);
        Assert.Equal(expected.ReceiverIncarnation, actual.ReceiverIncarnation);
        Assert.Equal(expected.StreamFrom, actual.StreamFrom);
        Assert.Equal(expected.StreamTo, actual.StreamTo);
        Assert.Equal(expected.Sequence, actual.Sequence);
        Assert.Equal(expected.StreamStart, actual.StreamStart);
        Assert.Equal(expected.CumulativeAck, actual.CumulativeAck);
        Assert.Equal(expected.MessageLength, actual.MessageLength);
        Assert.Equal(expected.FragmentIndex, actual.FragmentIndex);
        Assert.Equal(expected.FragmentCount, actual.FragmentCount);
        Assert.Equal(expected.Payload.ToArray(), actual.Payload.ToArray());
    }

    public static TheoryData<string> Kinds => new() { "data", "data-empty", "data-last-fragment", "ack", "notice" };

    private static Datagram Sample(string name) => name switch
    {
        "data" => Data(),
        "data-empty" => Data(message: [], start: 1, sequence: 1, ack: 0),
        "data-last-fragment" => Data(message: Bytes(5000), index: 4) with { CumulativeAck = ulong.MaxValue, Sequence = ulong.MaxValue },
        "ack" => Ack(),
        "notice" => Notice(),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void EveryKindRoundTrips(string name)
    {
        Datagram d = Sample(name);
        byte[] bytes = DatagramCodec.Encode(d);
        Assert.Equal(DatagramCodec.FixedOverhead + d.StreamFrom.Length + d.StreamTo.Length + d.Payload.Length, bytes.Length);

        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(bytes.AsSpan(), out Datagram fromSpan));
        AssertSame(d, fromSpan);
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(bytes.AsMemory(), out Datagram fromMemory));
        AssertSame(d, fromMemory);
        Assert.Equal(bytes, DatagramCodec.Encode(fromSpan));

        var cache = new AddressStringCache();
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(bytes.AsSpan(), out Datagram first, cache));
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(bytes.AsSpan(), out Datagram second, cache));
        Assert.Same(first.StreamFrom, second.StreamFrom); // known addresses are not allocated again
        Assert.Same(first.StreamTo, second.StreamTo);
    }

    [Fact]
    public void TheLayoutIsTheDocumentedOne()
    {
        Datagram d = Data(sequence: 0x0102030405060708, start: 0x11, ack: 0x2122232425262728, message: Bytes(3000), index: 2);
        byte[] b = DatagramCodec.Encode(d);
        Assert.Equal("KENM"u8.ToArray(), b[..4]);
        Assert.Equal(1, b[4]);
        Assert.Equal((byte)DatagramKind.Data, b[5]);
        Assert.Equal(AddrA.Length, b[6]);
        Assert.Equal(AddrB.Length, b[7]);
        Assert.Equal(A, Incarnation.FromBytes(b.AsSpan(8)));
        Assert.Equal(B, Incarnation.FromBytes(b.AsSpan(24)));
        Assert.Equal(0x0102030405060708UL, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(40)));
        Assert.Equal(0x11UL, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(48)));
        Assert.Equal(0x2122232425262728UL, BinaryPrimitives.ReadUInt64LittleEndian(b.AsSpan(56)));
        Assert.Equal(3000u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(64)));
        Assert.Equal(2u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(68)));
        Assert.Equal(3u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(72)));
        Assert.Equal(1000u, BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(76)));
        Assert.Equal(AddrA, System.Text.Encoding.ASCII.GetString(b, 80, AddrA.Length));
        Assert.Equal(AddrB, System.Text.Encoding.ASCII.GetString(b, 80 + AddrA.Length, AddrB.Length));
        Assert.Equal(Bytes(3000)[2000..], b[(80 + AddrA.Length + AddrB.Length)..^4]);
        Assert.Equal(Crc32C.Compute(b.AsSpan(0, b.Length - 4)), BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(b.Length - 4)));

        // The test writer agrees byte for byte.
        Assert.Equal(b, new Raw
        {
            Sequence = 0x0102030405060708, Start = 0x11, Ack = 0x2122232425262728, Length = 3000, Index = 2, Count = 3,
            Payload = Bytes(3000)[2000..],
        }.Build());
    }

    [Fact]
    public void DefaultFragmentsFitATypicalMtu()
    {
        Datagram d = Data(message: Bytes(DatagramCodec.DefaultFragmentPayload)) with
        {
            StreamFrom = "[2001:db8:1234:5678:9abc:def0:1234:5678]:65535", StreamTo = "[2001:db8:1234:5678:9abc:def0:1234:5679]:65535",
        };
        Assert.True(DatagramCodec.EncodedLength(d) <= 1452, $"{DatagramCodec.EncodedLength(d)} bytes"); // 1500 - IPv6 - UDP headers
        Assert.True(DatagramCodec.MaxDatagramSize <= 65507);
    }

    public static TheoryData<string, DecodeStatus> Forgeries => new()
    {
        { "magic", DecodeStatus.BadMagic },
        { "version0", DecodeStatus.UnsupportedVersion },
        { "version2", DecodeStatus.UnsupportedVersion },
        { "kind0", DecodeStatus.UnknownKind },
        { "kind4", DecodeStatus.UnknownKind },
        { "kind255", DecodeStatus.UnknownKind },
        { "from-length0", DecodeStatus.BadAddressLength },
        { "to-length0", DecodeStatus.BadAddressLength },
        { "from-length-too-big", DecodeStatus.BadLength },
        { "payload-length-too-big", DecodeStatus.BadLength },
        { "payload-length-too-small", DecodeStatus.BadLength },
        { "payload-length-huge", DecodeStatus.BadLength },
        { "crc", DecodeStatus.BadChecksum },
        { "address-not-canonical", DecodeStatus.BadAddress },
        { "address-uppercase", DecodeStatus.BadAddress },
        { "address-garbage", DecodeStatus.BadAddress },
        { "address-control", DecodeStatus.BadAddress },
        { "address-high-bit", DecodeStatus.BadAddress },
        { "address-no-port", DecodeStatus.BadAddress },
        { "sender-zero", DecodeStatus.ZeroSenderIncarnation },
        { "ack-receiver-zero", DecodeStatus.ZeroReceiverIncarnation },
        { "notice-receiver-zero", DecodeStatus.ZeroReceiverIncarnation },
        { "seq0", DecodeStatus.BadSequence },
        { "start0", DecodeStatus.BadSequence },
        { "start-after-seq", DecodeStatus.BadSequence },
        { "message-too-large", DecodeStatus.MessageTooLarge },
        { "payload-too-large", DecodeStatus.PayloadTooLarge },
        { "fragment-size-too-large", DecodeStatus.PayloadTooLarge },
        { "count0", DecodeStatus.BadFragment },
        { "index-equals-count", DecodeStatus.BadFragment },
        { "index-above-count", DecodeStatus.BadFragment },
        { "count-above-length", DecodeStatus.BadFragment },
        { "empty-last-fragment", DecodeStatus.BadFragment },
        { "empty-message-two-fragments", DecodeStatus.BadFragment },
        { "empty-message-with-payload", DecodeStatus.BadFragmentLayout },
        { "short-middle-fragment", DecodeStatus.BadFragmentLayout },
        { "long-last-fragment", DecodeStatus.BadFragmentLayout },
        { "ack-with-sequence", DecodeStatus.BadControlFields },
        { "ack-with-payload", DecodeStatus.BadControlFields },
        { "ack-with-count", DecodeStatus.BadControlFields },
        { "notice-without-payload", DecodeStatus.BadControlFields },
        { "notice-with-ack", DecodeStatus.BadControlFields },
    };

    private static byte[] Forge(string name)
    {
        var ok = new Raw();
        var ack = new Raw { Kind = 2, Sequence = 0, Start = 0, Length = 0, Count = 0, Payload = [], Ack = 7 };
        var notice = new Raw { Kind = 3, Sequence = 0, Start = 0, Length = 16, Count = 1, Payload = new byte[16] };
        return name switch
        {
            "magic" => (ok with { Magic = "KENX" }).Build(),
            "version0" => (ok with { Version = 0 }).Build(),
            "version2" => (ok with { Version = 2 }).Build(),
            "kind0" => (ok with { Kind = 0 }).Build(),
            "kind4" => (ok with { Kind = 4 }).Build(),
            "kind255" => (ok with { Kind = 255 }).Build(),
            "from-length0" => (ok with { FromLengthField = 0 }).Build(),
            "to-length0" => (ok with { ToLengthField = 0 }).Build(),
            "from-length-too-big" => (ok with { FromLengthField = AddrA.Length + 1 }).Build(),
            "payload-length-too-big" => (ok with { PayloadLengthField = 5 }).Build(),
            "payload-length-too-small" => (ok with { PayloadLengthField = 3 }).Build(),
            "payload-length-huge" => (ok with { PayloadLengthField = uint.MaxValue }).Build(),
            "crc" => (ok with { CorruptCrc = true }).Build(),
            "address-not-canonical" => (ok with { From = "127.000.0.1:6666" }).Build(),
            "address-uppercase" => (ok with { To = "LOCALHOST:1" }).Build(),
            "address-garbage" => (ok with { From = "%%%" }).Build(),
            "address-control" => (ok with { From = "127.0.0.1:66\n6" }).Build(),
            "address-high-bit" => (ok with { From = "127.0.0.1:66\u00e96" }).Build(),
            "address-no-port" => (ok with { To = "localhost" }).Build(),
            "sender-zero" => (ok with { Sender = Incarnation.Zero }).Build(),
            "ack-receiver-zero" => (ack with { Receiver = Incarnation.Zero }).Build(),
            "notice-receiver-zero" => (notice with { Receiver = Incarnation.Zero }).Build(),
            "seq0" => (ok with { Sequence = 0 }).Build(),
            "start0" => (ok with { Start = 0 }).Build(),
            "start-after-seq" => (ok with { Sequence = 4, Start = 5 }).Build(),
            "message-too-large" => (ok with { Length = DatagramCodec.MaxMessageLength + 1, Count = 100000 }).Build(),
            "payload-too-large" => (ok with { Length = 64001, Payload = new byte[64001] }).Build(),
            "fragment-size-too-large" => (ok with { Length = 128001, Count = 2, Index = 1, Payload = new byte[64000] }).Build(), // S = 64001
            "count0" => (ok with { Count = 0 }).Build(),
            "index-equals-count" => (ok with { Index = 1 }).Build(),
            "index-above-count" => (ok with { Index = 9 }).Build(),
            "count-above-length" => (ok with { Count = 5, Index = 0, Payload = [1] }).Build(),
            "empty-last-fragment" => (ok with { Length = 10, Count = 6, Index = 0, Payload = [1, 2] }).Build(), // S=2: 2,2,2,2,2,0
            "empty-message-two-fragments" => (ok with { Length = 0, Count = 2, Payload = [] }).Build(),
            "empty-message-with-payload" => (ok with { Length = 0, Count = 1, Payload = [1] }).Build(),
            "short-middle-fragment" => (ok with { Length = 10, Count = 3, Index = 1, Payload = [1, 2, 3] }).Build(), // S=4
            "long-last-fragment" => (ok with { Length = 10, Count = 3, Index = 2, Payload = [1, 2, 3] }).Build(), // last is 2
            "ack-with-sequence" => (ack with { Sequence = 1 }).Build(),
            "ack-with-payload" => (ack with { Payload = [1] }).Build(),
            "ack-with-count" => (ack with { Count = 1 }).Build(),
            "notice-without-payload" => (notice with { Payload = [], Length = 0 }).Build(),
            "notice-with-ack" => (notice with { Ack = 1 }).Build(),
            _ => throw new ArgumentException(name),
        };
    }

    [Theory]
    [MemberData(nameof(Forgeries))]
    public void EveryKindOfBadDatagramIsRejectedForItsReason(string name, DecodeStatus expected)
    {
        byte[] bytes = Forge(name);
        Assert.Equal(expected, DatagramCodec.TryDecode(bytes.AsSpan(), out Datagram d));
        Assert.Equal(default(Datagram).Kind, d.Kind);
        Assert.Equal(expected, DatagramCodec.TryDecode(bytes.AsMemory(), out _, new AddressStringCache()));
    }

    [Fact]
    public void TheUnforgedRawSamplesAreValid()
    {
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(new Raw().Build(), out _));
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(new Raw { Kind = 2, Sequence = 0, Start = 0, Length = 0, Count = 0, Payload = [] }.Build(), out _));
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(new Raw { Kind = 3, Sequence = 0, Start = 0, Length = 16, Count = 1, Payload = new byte[16] }.Build(), out _));
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(new Raw { Length = 10, Count = 3, Index = 2, Payload = [1, 2] }.Build(), out _));
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(new Raw { Length = 64000, Payload = new byte[64000] }.Build(), out _));
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(new Raw { Receiver = Incarnation.Zero }.Build(), out _)); // DATA may not know its receiver
    }

    [Fact]
    public void TooShortInputsAreRejected()
    {
        Assert.Equal(DecodeStatus.TooShort, DatagramCodec.TryDecode(ReadOnlySpan<byte>.Empty, out _));
        Assert.Equal(DecodeStatus.TooShort, DatagramCodec.TryDecode(new byte[DatagramCodec.FixedOverhead - 1], out _));
        Assert.Equal(DecodeStatus.BadMagic, DatagramCodec.TryDecode(new byte[DatagramCodec.FixedOverhead], out _));
    }

    [Fact]
    public void EncodingRefusesDatagramsThatBreakTheRules()
    {
        Datagram ok = Data();
        Datagram[] bad =
        [
            ok with { Sequence = 0 },
            ok with { StreamStart = ok.Sequence + 1 },
            ok with { SenderIncarnation = Incarnation.Zero },
            ok with { FragmentIndex = ok.FragmentCount },
            ok with { Payload = ok.Payload[1..] },
            ok with { StreamFrom = "" },
            ok with { StreamTo = new string('a', 256) },
            ok with { StreamTo = "a b:1" },
            ok with { Kind = (DatagramKind)9 },
            Ack() with { Payload = new byte[1] },
            Ack() with { ReceiverIncarnation = Incarnation.Zero },
            Notice() with { Payload = new byte[15] },
            new Datagram { Kind = DatagramKind.Data, SenderIncarnation = A, StreamFrom = AddrA, StreamTo = AddrB, Sequence = 1, StreamStart = 1,
                MessageLength = 70000, FragmentCount = 1, Payload = new byte[70000] },
        ];
        foreach (Datagram d in bad) Assert.Throws<ArgumentException>(() => DatagramCodec.Encode(d));
        Assert.Throws<ArgumentException>(() => DatagramCodec.Encode(ok, new byte[10]));
    }

    [Fact]
    public void ResetNoticesAndAcksAnswerTheStreamOfTheirData()
    {
        Datagram data = Data() with { ReceiverIncarnation = C };
        Datagram notice = Datagram.ResetNoticeFor(data, B);
        Assert.Equal((B, A, AddrA, AddrB, C), (notice.SenderIncarnation, notice.ReceiverIncarnation, notice.StreamFrom, notice.StreamTo, notice.AddressedIncarnation));
        Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(DatagramCodec.Encode(notice), out Datagram decoded));
        Assert.Equal(C, decoded.AddressedIncarnation);
        Assert.Equal(Incarnation.Zero, Datagram.ResetNoticeFor(data with { ReceiverIncarnation = Incarnation.Zero }, B).AddressedIncarnation);

        Datagram ack = Datagram.AckFor(data, B, 77);
        Assert.Equal((DatagramKind.Ack, B, A, AddrA, AddrB, 77UL), (ack.Kind, ack.SenderIncarnation, ack.ReceiverIncarnation, ack.StreamFrom, ack.StreamTo, ack.CumulativeAck));
    }

    [Fact]
    public void IncarnationsRoundTripAndAreRandom()
    {
        Incarnation x = Incarnation.NewRandom(), y = Incarnation.NewRandom();
        Assert.NotEqual(x, y);
        Assert.False(x.IsZero);
        Assert.True(Incarnation.Zero.IsZero);
        Assert.Equal(x, Incarnation.FromBytes(x.ToByteArray()));
        Assert.Equal(x, Incarnation.Parse(x.ToString()));
        Assert.Equal("0102030405060708090a0b0c0d0e0f10", A.ToString());
        Assert.Throws<FormatException>(() => Incarnation.Parse("abc"));
        Assert.Throws<ArgumentException>(() => Incarnation.FromBytes(new byte[15]));
    }
}
