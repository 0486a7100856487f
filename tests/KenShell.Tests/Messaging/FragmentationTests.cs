using KenShell.Messaging;
using Xunit;
using static KenShell.Tests.Messaging.WireSamples;

namespace KenShell.Tests.Messaging;

/// <summary>
/// Messages are cut into balanced fragments that each pass the codec, and come back
/// together whatever the fragments went through: shuffled, duplicated, lost and
/// resent, interleaved with other messages.
/// </summary>
public sealed class FragmentationTests
{
    private static Datagram Template(ulong sequence = 1, Incarnation? sender = null, string to = AddrB) => new()
    {
        SenderIncarnation = sender ?? A, ReceiverIncarnation = B, StreamFrom = AddrA, StreamTo = to, Sequence = sequence, StreamStart = 1,
    };

    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(1199, 1)]
    [InlineData(1200, 1)]
    [InlineData(1201, 2)]
    [InlineData(2400, 2)]
    [InlineData(2401, 3)]
    [InlineData(16 << 20, 13982)]
    public void FragmentCountsAtTheBoundaries(int length, uint count)
    {
        var fragmenter = new Fragmenter();
        Assert.Equal(count, fragmenter.FragmentCount(length));
        if (length > 1 << 20) return;
        byte[] message = Bytes(length);
        Datagram[] fragments = fragmenter.Fragment(Template(), message).ToArray();
        Assert.Equal((int)count, fragments.Length);
        Assert.All(fragments, f => Assert.True(f.Payload.Length <= 1200));
        Assert.Equal(message, fragments.SelectMany(f => f.Payload.ToArray()).ToArray());
        if (length == 1201) Assert.Equal([601, 600], fragments.Select(f => f.Payload.Length));
    }

    [Fact]
    public void EveryLayoutTheFragmenterMakesIsOneTheCodecAccepts()
    {
        // Exhaustive for small sizes: C = ceil(L/max) always gives a non-empty last fragment.
        for (int max = 1; max <= 40; max++)
        {
            var fragmenter = new Fragmenter(max);
            for (int length = 0; length <= 700; length++)
            {
                byte[] message = Bytes(length);
                int total = 0;
                foreach (Datagram f in fragmenter.Fragment(Template(), message))
                {
                    Assert.True(f.Payload.Length <= max);
                    Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(DatagramCodec.Encode(f), out Datagram back));
                    Assert.Equal(total, back.FragmentOffset);
                    total += f.Payload.Length;
                }
                Assert.Equal(length, total);
            }
        }
    }

    [Fact]
    public void TheFragmentSizeIsConfigurable()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Fragmenter(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Fragmenter(DatagramCodec.MaxFragmentPayload + 1));
        var big = new Fragmenter(DatagramCodec.MaxFragmentPayload);
        Datagram[] fragments = big.Fragment(Template(), Bytes(200_000)).ToArray();
        Assert.Equal(4, fragments.Length);
        Assert.All(fragments, f => Assert.True(DatagramCodec.EncodedLength(f) <= 65507));
        Assert.All(fragments, f => Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(DatagramCodec.Encode(f), out _)));
    }

    public static TheoryData<int> Sizes => new() { 0, 1, 1199, 1200, 1201, 5000, 100_000, 16 << 20 };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void ShuffledDuplicatedAndLostThenResentFragmentsReassemble(int length)
    {
        byte[] message = Bytes(length, seed: 3);
        var fragmenter = new Fragmenter();
        Datagram[] fragments = fragmenter.Fragment(Template(sequence: 9), message).ToArray();
        var random = new Random(length);
        var reassembler = new Reassembler();

        // First transmission: shuffled, ~10% duplicated, ~20% lost (but never all of them for a 1-fragment message... it is then just resent).
        var firstRound = new List<Datagram>();
        foreach (Datagram f in fragments)
        {
            if (random.NextDouble() < 0.2) continue;
            firstRound.Add(f);
            if (random.NextDouble() < 0.1) firstRound.Add(f);
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(firstRound));
        byte[]? completed = null;
        int completions = 0;
        void Offer(in Datagram f)
        {
            ReassemblyResult r = reassembler.Add(f);
            if (r.IsComplete)
            {
                completions++;
                completed = r.Message;
                Assert.Equal(new MessageKey(A, AddrB, 9), r.Key);
            }
        }
        foreach (Datagram f in firstRound) Offer(f);

        // Retransmission of everything, shuffled, until complete (reassembly keeps what arrived before).
        while (completed is null)
        {
            Datagram[] again = fragments.ToArray();
            random.Shuffle(again);
            foreach (Datagram f in again)
            {
                if (completed is not null) break;
                if (random.NextDouble() < 0.2) continue;
                Offer(f);
            }
        }
        Assert.Equal(1, completions);
        Assert.Equal(message.Length, completed!.Length);
        Assert.True(message.AsSpan().SequenceEqual(completed));
        Assert.Equal(0, reassembler.PartialCount);
        Assert.Equal(0, reassembler.PartialBytes);
        Assert.Equal(1, reassembler.Completed);
    }

    [Fact]
    public void ThroughTheCodecFragmentsOfManyMessagesInterleave()
    {
        var random = new Random(5);
        var fragmenter = new Fragmenter(100);
        var messages = new Dictionary<MessageKey, byte[]>();
        var wire = new List<byte[]>();
        for (int i = 0; i < 40; i++)
        {
            Incarnation sender = i % 2 == 0 ? A : C;
            string to = i % 3 == 0 ? AddrB : "localhost:7777"; // one sender, two names for one peer: two streams
            ulong seq = (ulong)(i / 4 + 1);
            var key = new MessageKey(sender, to, seq);
            if (messages.ContainsKey(key)) continue;
            byte[] m = Bytes(random.Next(0, 2000), seed: i);
            messages[key] = m;
            wire.AddRange(fragmenter.Fragment(Template(seq, sender, to), m).Select(f => DatagramCodec.Encode(f)));
        }
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(wire));
        var reassembler = new Reassembler();
        var done = new Dictionary<MessageKey, byte[]>();
        foreach (byte[] bytes in wire)
        {
            Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(bytes.AsSpan(), out Datagram d));
            ReassemblyResult r = reassembler.Add(d);
            if (r.IsComplete) done.Add(r.Key, r.Message!);
        }
        Assert.Equal(messages.Keys.OrderBy(k => k.ToString()), done.Keys.OrderBy(k => k.ToString()));
        foreach ((MessageKey key, byte[] m) in messages) Assert.Equal(m, done[key]);
    }

    [Fact]
    public void DuplicateAndConflictingFragmentsAreCountedAndDoNotCorrupt()
    {
        var reassembler = new Reassembler();
        byte[] message = Bytes(3000);
        Datagram[] fragments = new Fragmenter().Fragment(Template(), message).ToArray();
        Assert.Equal(ReassemblyStatus.Partial, reassembler.Add(fragments[0]).Status);
        Assert.Equal(ReassemblyStatus.DuplicateFragment, reassembler.Add(fragments[0]).Status);

        // Same key, a different total length: dropped and counted; the partial is kept.
        Datagram other = new Fragmenter().FragmentAt(Template(), Bytes(5000), 1);
        Assert.Equal(ReassemblyStatus.Conflict, reassembler.Add(other).Status);
        // Same key and length, another fragment count (the sender's fragment size changed): a conflict too.
        Datagram refragmented = new Fragmenter(500).FragmentAt(Template(), message, 3);
        Assert.Equal(ReassemblyStatus.Conflict, reassembler.Add(refragmented).Status);
        // Same key, a one-fragment message.
        Assert.Equal(ReassemblyStatus.Conflict, reassembler.Add(new Fragmenter(5000).FragmentAt(Template(), message, 0)).Status);

        Assert.Equal(ReassemblyStatus.Partial, reassembler.Add(fragments[2]).Status);
        ReassemblyResult r = reassembler.Add(fragments[1]);
        Assert.True(r.IsComplete);
        Assert.Equal(message, r.Message);
        Assert.Equal(1, reassembler.DuplicateFragments);
        Assert.Equal(3, reassembler.Conflicts);
        Assert.Equal(ReassemblyStatus.NotData, reassembler.Add(Ack()).Status);
    }

    [Fact]
    public void MessagesAboveTheSizeLimitAreRefused()
    {
        var reassembler = new Reassembler(new ReassemblerLimits { MaxMessageBytes = 10_000 });
        Assert.Equal(ReassemblyStatus.TooLarge, reassembler.Add(new Fragmenter().FragmentAt(Template(), Bytes(10_001), 3)).Status);
        Assert.Equal(ReassemblyStatus.TooLarge, reassembler.Add(new Fragmenter(20_000).FragmentAt(Template(2), Bytes(10_001), 0)).Status);
        Assert.Equal(2, reassembler.RejectedTooLarge);
        Assert.Equal(0, reassembler.PartialBytes);
        Assert.Equal(ReassemblyStatus.Partial, reassembler.Add(new Fragmenter().FragmentAt(Template(3), Bytes(10_000), 0)).Status);
    }

    [Fact]
    public void ThePartialCountAndByteLimitsHoldAndInProgressMessagesWin()
    {
        var clock = new ManualClock();
        var reassembler = new Reassembler(new ReassemblerLimits { MaxPartialMessages = 3, MaxPartialBytes = 10_000, MaxAge = TimeSpan.FromSeconds(10) }, clock);
        var fragmenter = new Fragmenter();
        for (ulong s = 1; s <= 3; s++) Assert.Equal(ReassemblyStatus.Partial, reassembler.Add(fragmenter.FragmentAt(Template(s), Bytes(2000), 0)).Status);
        Assert.Equal(ReassemblyStatus.LimitReached, reassembler.Add(fragmenter.FragmentAt(Template(4), Bytes(2000), 0)).Status);
        Assert.Equal(3, reassembler.PartialCount);
        Assert.Equal(6000, reassembler.PartialBytes);
        // A one-fragment message needs no partial: it always goes through.
        Assert.Equal(ReassemblyStatus.Complete, reassembler.Add(fragmenter.FragmentAt(Template(5), Bytes(1000), 0)).Status);
        // Existing partials still take fragments and complete, freeing their slot.
        Assert.True(reassembler.Add(fragmenter.FragmentAt(Template(1), Bytes(2000), 1)).IsComplete);
        Assert.Equal(2, reassembler.PartialCount);
        // Bytes: 4000 held, a 7000-byte message would exceed 10,000.
        Assert.Equal(ReassemblyStatus.LimitReached, reassembler.Add(fragmenter.FragmentAt(Template(6), Bytes(7000), 0)).Status);
        Assert.Equal(ReassemblyStatus.Partial, reassembler.Add(fragmenter.FragmentAt(Template(7), Bytes(6000), 0)).Status);
        Assert.Equal(10_000, reassembler.PartialBytes);
        Assert.Equal(2, reassembler.RejectedLimit);
    }

    [Fact]
    public void StalePartialsAreEvictedByAge()
    {
        var clock = new ManualClock();
        var reassembler = new Reassembler(new ReassemblerLimits { MaxPartialMessages = 2, MaxAge = TimeSpan.FromSeconds(30) }, clock);
        var fragmenter = new Fragmenter();
        byte[] m1 = Bytes(5000, 1), m2 = Bytes(5000, 2), m3 = Bytes(5000, 3);
        reassembler.Add(fragmenter.FragmentAt(Template(1), m1, 0));
        clock.Advance(TimeSpan.FromSeconds(20));
        reassembler.Add(fragmenter.FragmentAt(Template(2), m2, 0));
        Assert.Equal(ReassemblyStatus.LimitReached, reassembler.Add(fragmenter.FragmentAt(Template(3), m3, 0)).Status);

        // Progress keeps a partial young: message 1 gets a fragment at t=20s.
        reassembler.Add(fragmenter.FragmentAt(Template(1), m1, 1));
        clock.Advance(TimeSpan.FromSeconds(25)); // t=45s: nothing is 30 s old yet
        Assert.Equal(0, reassembler.EvictStale());
        clock.Advance(TimeSpan.FromSeconds(10)); // t=55s: both (last progress at 20 s) are 35 s old
        Assert.Equal(ReassemblyStatus.Partial, reassembler.Add(fragmenter.FragmentAt(Template(3), m3, 0)).Status);
        Assert.Equal(2, reassembler.Evicted);
        Assert.Equal(1, reassembler.PartialCount);
        Assert.Equal(5000, reassembler.PartialBytes);

        // An evicted message starts over when its fragments come again, and completes.
        ReassemblyResult last = default;
        foreach (Datagram f in fragmenter.Fragment(Template(1), m1)) last = reassembler.Add(f);
        Assert.True(last.IsComplete);
        Assert.Equal(m1, last.Message);
    }

    [Fact]
    public void PartialsCanBeDiscarded()
    {
        var reassembler = new Reassembler();
        var fragmenter = new Fragmenter();
        reassembler.Add(fragmenter.FragmentAt(Template(1), Bytes(5000), 0));
        reassembler.Add(fragmenter.FragmentAt(Template(2), Bytes(5000), 0));
        reassembler.Add(fragmenter.FragmentAt(Template(3, C), Bytes(5000), 0));
        Assert.True(reassembler.Discard(new MessageKey(A, AddrB, 1)));
        Assert.False(reassembler.Discard(new MessageKey(A, AddrB, 1)));
        Assert.Equal(1, reassembler.DiscardSender(A));
        Assert.Equal(1, reassembler.PartialCount);
        Assert.Equal(5000, reassembler.PartialBytes);
    }
}
