using KenShell.Messaging;
using Xunit;
using static KenShell.Tests.Messaging.WireSamples;

namespace KenShell.Tests.Messaging;

/// <summary>
/// Decoding never throws and never accepts damage: random bytes, random bytes behind a
/// valid prefix, every truncation, every single-bit flip, random multi-bit damage, and
/// well-checksummed datagrams with random fields (whatever is accepted must re-encode
/// to exactly the same bytes).
/// </summary>
public sealed class DatagramFuzzTests
{
    private static readonly Datagram[] Valid =
    [
        Data(message: Bytes(1200)),
        Data(message: Bytes(3001), index: 2),
        Data(message: [], sequence: 1, start: 1, ack: 0),
        Ack(),
        Notice(),
    ];

    private static DecodeStatus DecodeBoth(byte[] input, AddressStringCache cache)
    {
        DecodeStatus a = DatagramCodec.TryDecode(input.AsSpan(), out _, cache);
        DecodeStatus b = DatagramCodec.TryDecode(input.AsMemory(), out _);
        Assert.Equal(a, b);
        return a;
    }

    [Fact]
    public void HundredThousandRandomInputsNeverThrowAndAreNeverAccepted()
    {
        var random = new Random(12345);
        var cache = new AddressStringCache();
        var seen = new HashSet<DecodeStatus>();
        for (int i = 0; i < 100_000; i++)
        {
            int length = random.Next(4) switch { 0 => random.Next(0, 100), 1 => random.Next(80, 400), _ => random.Next(0, 1500) };
            var input = new byte[length];
            random.NextBytes(input);
            DecodeStatus status = DecodeBoth(input, cache);
            Assert.NotEqual(DecodeStatus.Ok, status);
            seen.Add(status);
        }
        Assert.Contains(DecodeStatus.TooShort, seen);
        Assert.Contains(DecodeStatus.BadMagic, seen);
    }

    [Fact]
    public void RandomBytesBehindAValidPrefixAreRejected()
    {
        // Magic, version and kind right, so that decoding goes past the first checks.
        var random = new Random(777);
        var cache = new AddressStringCache();
        var seen = new HashSet<DecodeStatus>();
        for (int i = 0; i < 100_000; i++)
        {
            var input = new byte[random.Next(DatagramCodec.FixedOverhead, 600)];
            random.NextBytes(input);
            "KENM"u8.CopyTo(input);
            input[4] = 1;
            input[5] = (byte)random.Next(1, 4);
            if (random.Next(2) == 0)
            {
                // Make the lengths add up, so that only the CRC (or worse) stands in the way.
                int from = random.Next(1, 40), to = random.Next(1, 40);
                int payload = input.Length - DatagramCodec.FixedOverhead - from - to;
                if (payload >= 0)
                {
                    input[6] = (byte)from;
                    input[7] = (byte)to;
                    BitConverter.TryWriteBytes(input.AsSpan(76), (uint)payload);
                }
            }
            DecodeStatus status = DecodeBoth(input, cache);
            Assert.NotEqual(DecodeStatus.Ok, status);
            seen.Add(status);
        }
        Assert.Contains(DecodeStatus.BadChecksum, seen);
        Assert.Contains(DecodeStatus.BadLength, seen);
    }

    [Fact]
    public void EveryTruncationAndExtensionIsRejected()
    {
        var cache = new AddressStringCache();
        foreach (Datagram d in Valid)
        {
            byte[] bytes = DatagramCodec.Encode(d);
            for (int length = 0; length < bytes.Length; length++)
                Assert.NotEqual(DecodeStatus.Ok, DecodeBoth(bytes[..length], cache));
            foreach (int extra in new[] { 1, 4, 100 })
            {
                byte[] longer = [.. bytes, .. new byte[extra]];
                Assert.Equal(DecodeStatus.BadLength, DecodeBoth(longer, cache));
            }
        }
    }

    [Fact]
    public void EverySingleBitFlipIsRejected()
    {
        var cache = new AddressStringCache();
        foreach (Datagram d in Valid)
        {
            byte[] bytes = DatagramCodec.Encode(d);
            for (int bit = 0; bit < bytes.Length * 8; bit++)
            {
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
                Assert.NotEqual(DecodeStatus.Ok, DecodeBoth(bytes, cache));
                bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            }
            Assert.Equal(DecodeStatus.Ok, DecodeBoth(bytes, cache));
        }
    }

    [Fact]
    public void RandomMultiBitDamageIsRejected()
    {
        var random = new Random(99);
        var cache = new AddressStringCache();
        for (int i = 0; i < 20_000; i++)
        {
            byte[] bytes = DatagramCodec.Encode(Valid[i % Valid.Length]);
            int flips = random.Next(2, 9);
            byte[] original = (byte[])bytes.Clone();
            for (int f = 0; f < flips; f++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
            if (bytes.AsSpan().SequenceEqual(original)) continue; // flips cancelled out
            Assert.NotEqual(DecodeStatus.Ok, DecodeBoth(bytes, cache));
        }
    }

    [Fact]
    public void ResealedRandomFieldsNeverThrowAndAcceptedOnesAreCanonical()
    {
        // A forger can compute the CRC: fields must then be checked on their own.
        var random = new Random(4242);
        var cache = new AddressStringCache();
        int accepted = 0;
        for (int i = 0; i < 100_000; i++)
        {
            byte[] bytes = DatagramCodec.Encode(Valid[i % Valid.Length]);
            int changes = random.Next(1, 4);
            for (int c = 0; c < changes; c++)
            {
                int at = random.Next(5, DatagramCodec.HeaderSize); // everything after the magic and version
                bytes[at] = random.Next(3) switch { 0 => 0, 1 => 0xff, _ => (byte)random.Next(256) };
            }
            Reseal(bytes);
            DecodeStatus status = DatagramCodec.TryDecode(bytes.AsSpan(), out Datagram d, cache);
            if (status != DecodeStatus.Ok) continue;
            accepted++;
            Assert.Equal(bytes, DatagramCodec.Encode(d));
        }
        Assert.True(accepted > 0); // e.g. changed incarnations or acks are legitimate
    }
}
