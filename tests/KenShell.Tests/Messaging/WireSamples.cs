using KenShell.Checksums;
using System.Buffers.Binary;
using System.Text;
using KenShell.Messaging;
using KenShell.Store;

namespace KenShell.Tests.Messaging;

/// <summary>Sample datagrams, and a raw writer of the documented layout that checks nothing (to forge bad datagrams).</summary>
internal static class WireSamples
{
    public static readonly Incarnation A = Incarnation.FromBytes(Enumerable.Range(1, 16).Select(i => (byte)i).ToArray());
    public static readonly Incarnation B = Incarnation.FromBytes(Enumerable.Range(101, 16).Select(i => (byte)i).ToArray());
    public static readonly Incarnation C = Incarnation.FromBytes(Enumerable.Range(201, 16).Select(i => (byte)(i * 3)).ToArray());
    public const string AddrA = "127.0.0.1:6666";
    public const string AddrB = "[::1]:7777";

    public static byte[] Bytes(int length, int seed = 0)
    {
        var bytes = new byte[length];
        new Random(seed + length).NextBytes(bytes);
        return bytes;
    }

    public static Datagram Data(ulong sequence = 5, byte[]? message = null, uint index = 0, ulong start = 3, ulong ack = 9)
    {
        message ??= Bytes(1000);
        var template = new Datagram
        {
            SenderIncarnation = A, ReceiverIncarnation = B, StreamFrom = AddrA, StreamTo = AddrB,
            Sequence = sequence, StreamStart = start, CumulativeAck = ack,
        };
        return new Fragmenter().FragmentAt(template, message, index);
    }

    public static Datagram Ack(ulong ack = 42) => Datagram.Ack(B, A, AddrA, AddrB, ack);

    public static Datagram Notice() => Datagram.ResetNoticeFor(Data(), C);

    /// <summary>Fields of a datagram as raw numbers, written exactly as the layout says, with a correct CRC unless told otherwise.</summary>
    public sealed record Raw
    {
        public string Magic { get; init; } = "KENM";
        public byte Version { get; init; } = 1;
        public byte Kind { get; init; } = 1;
        public string From { get; init; } = AddrA;
        public string To { get; init; } = AddrB;
        public int? FromLengthField { get; init; }
        public int? ToLengthField { get; init; }
        public Incarnation Sender { get; init; } = A;
        public Incarnation Receiver { get; init; } = B;
        public ulong Sequence { get; init; } = 1;
        public ulong Start { get; init; } = 1;
        public ulong Ack { get; init; }
        public uint Length { get; init; } = 4;
        public uint Index { get; init; }
        public uint Count { get; init; } = 1;
        public byte[] Payload { get; init; } = [1, 2, 3, 4];
        public uint? PayloadLengthField { get; init; }
        public bool CorruptCrc { get; init; }

        public byte[] Build()
        {
            byte[] from = Encoding.Latin1.GetBytes(From), to = Encoding.Latin1.GetBytes(To);
            var d = new byte[80 + from.Length + to.Length + Payload.Length + 4];
            Encoding.ASCII.GetBytes(Magic).AsSpan(0, 4).CopyTo(d);
            d[4] = Version;
            d[5] = Kind;
            d[6] = (byte)(FromLengthField ?? from.Length);
            d[7] = (byte)(ToLengthField ?? to.Length);
            Sender.WriteTo(d.AsSpan(8));
            Receiver.WriteTo(d.AsSpan(24));
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(40), Sequence);
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(48), Start);
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(56), Ack);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(64), Length);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(68), Index);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(72), Count);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(76), PayloadLengthField ?? (uint)Payload.Length);
            from.CopyTo(d, 80);
            to.CopyTo(d, 80 + from.Length);
            Payload.CopyTo(d, 80 + from.Length + to.Length);
            int crcAt = d.Length - 4;
            uint crc = Crc32C.Compute(d.AsSpan(0, crcAt));
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(crcAt), CorruptCrc ? ~crc : crc);
            return d;
        }
    }

    /// <summary>Rewrites the CRC of <paramref name="bytes"/> in place (for forging).</summary>
    public static byte[] Reseal(byte[] bytes)
    {
        int crcAt = bytes.Length - 4;
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(crcAt), Crc32C.Compute(bytes.AsSpan(0, crcAt)));
        return bytes;
    }
}
