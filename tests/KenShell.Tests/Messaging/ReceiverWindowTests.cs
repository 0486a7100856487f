using KenShell.Messaging;
using Xunit;
using static KenShell.Tests.Messaging.WireSamples;

namespace KenShell.Tests.Messaging;

/// <summary>
/// The receiving end of a stream: exactly-once, in-order delivery out of any arrival
/// order with any duplication; acks that only cover what is durable; sender resets;
/// data for another incarnation of this receiver.
/// </summary>
public sealed class ReceiverWindowTests
{
    // This receiver is B; senders are A (and C, A's store after a reset).
    private static byte[] Msg(ulong seq) => BitConverter.GetBytes(seq);

    private static ReceiveDecision Offer(ReceiverWindow w, ulong seq, Incarnation? sender = null, ulong start = 1, Incarnation? to = null) =>
        w.Accept(sender ?? A, to ?? B, start, seq, Msg(seq));

    /// <summary>Takes and durably delivers everything deliverable; returns the sequences.</summary>
    private static List<ulong> Drain(ReceiverWindow w)
    {
        var got = new List<ulong>();
        while (w.TryTakeNext(out InboundMessage m))
        {
            Assert.Equal(m.Sequence, BitConverter.ToUInt64(m.Message));
            got.Add(m.Sequence);
            Assert.True(w.MarkDelivered(m.Sender, m.Sequence));
        }
        return got;
    }

    [Fact]
    public void InOrderMessagesAreDeliveredAndAcked()
    {
        var w = new ReceiverWindow(B);
        Assert.Equal(ReceiveDecision.Needed, w.Classify(A, B, 1));
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 1));
        Assert.Equal(0UL, w.LastDelivered); // not durable yet: nothing to ack
        Assert.Equal(ReceiveDecision.InProgress, w.Classify(A, B, 1));
        Assert.True(w.TryTakeNext(out InboundMessage m));
        Assert.Equal((A, 1UL), (m.Sender, m.Sequence));
        Assert.False(w.TryTakeNext(out _));
        Assert.Equal(ReceiveDecision.InProgress, Offer(w, 1)); // taken, being delivered
        Assert.Equal(0UL, w.LastDelivered);
        w.MarkDelivered(A, 1);
        Assert.Equal(1UL, w.LastDelivered);
        Assert.Equal(ReceiveDecision.Duplicate, Offer(w, 1));
        Assert.Equal(ReceiveDecision.Duplicate, w.Classify(A, B, 1));
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 2));
        Assert.Equal([2UL], Drain(w));
    }

    [Fact]
    public void EarlyMessagesWaitForTheGap()
    {
        var w = new ReceiverWindow(B);
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 3));
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 2 + 3));
        Assert.Equal(ReceiveDecision.InProgress, Offer(w, 3)); // already buffered
        Assert.Empty(Drain(w));
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 2));
        Assert.Empty(Drain(w));
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 1));
        Assert.Equal([1UL, 2, 3], Drain(w));
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 4));
        Assert.Equal([4UL, 5], Drain(w));
        Assert.Equal(0, w.BufferedCount);
        Assert.Equal(0, w.BufferedBytes);
    }

    [Fact]
    public void RandomPermutationsWithDuplicatesGiveExactlyOnceInOrder()
    {
        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            int n = random.Next(1, 300);
            var arrivals = new List<ulong>();
            for (ulong s = 1; s <= (ulong)n; s++)
            {
                int copies = 1 + (random.NextDouble() < 0.3 ? random.Next(1, 4) : 0);
                for (int c = 0; c < copies; c++) arrivals.Add(s);
            }
            random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(arrivals));
            var w = new ReceiverWindow(B);
            var delivered = new List<ulong>();
            foreach (ulong s in arrivals)
            {
                ReceiveDecision d = Offer(w, s);
                Assert.Contains(d, new[] { ReceiveDecision.Deliver, ReceiveDecision.Buffered, ReceiveDecision.Duplicate, ReceiveDecision.InProgress });
                // Deliver lazily, sometimes: delivery and arrival interleave arbitrarily.
                if (random.Next(3) == 0) delivered.AddRange(Drain(w));
                Assert.Equal((ulong)delivered.Count, w.LastDelivered);
            }
            delivered.AddRange(Drain(w));
            Assert.Equal(Enumerable.Range(1, n).Select(i => (ulong)i), delivered);
        }
    }

    [Fact]
    public void DataForAnotherIncarnationOfThisReceiverIsNotForMe()
    {
        var w = new ReceiverWindow(B);
        Assert.Equal(ReceiveDecision.NotForMe, Offer(w, 1, to: Incarnation.Zero)); // the sender does not know us yet
        Assert.Equal(ReceiveDecision.NotForMe, Offer(w, 1, to: C)); // addressed to a previous store at our address
        Assert.Equal(ReceiveDecision.NotForMe, w.Classify(A, C, 1));
        Assert.Equal(Incarnation.Zero, w.Sender);
        Assert.Empty(Drain(w));
    }

    [Fact]
    public void ANewSenderIncarnationRestartsTheWindowAndRetiresTheOldOne()
    {
        var w = new ReceiverWindow(B);
        for (ulong s = 1; s <= 5; s++) Offer(w, s);
        Offer(w, 7);
        Assert.Equal([1UL, 2, 3, 4, 5], Drain(w));
        Assert.Equal(1, w.BufferedCount);

        // A's store was reset: incarnation C, sequences afresh at 1.
        Assert.Equal(ReceiveDecision.Needed, w.Classify(C, B, 1));
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 2, sender: C));
        Assert.Equal(C, w.Sender);
        Assert.Equal(0UL, w.LastDelivered);
        Assert.Equal(1, w.BufferedCount); // A's early message 7 is gone
        Assert.Equal(1, w.Resets);
        Assert.Equal([A, C], w.Seen);
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 1, sender: C));
        Assert.Equal([1UL, 2], Drain(w));

        // Late datagrams of the old incarnation are stale: neither delivered nor allowed to reset again.
        Assert.Equal(ReceiveDecision.Stale, Offer(w, 6));
        Assert.Equal(ReceiveDecision.Stale, w.Classify(A, B, 1));
        Assert.Equal(C, w.Sender);
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 3, sender: C));
    }

    [Fact]
    public void TheStreamStartPlacesANewWindow()
    {
        // The sender had sent 1..41 to our address's previous store; its stream to us starts at 42.
        var w = new ReceiverWindow(B);
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 44, start: 42));
        Assert.Equal(41UL, w.LastDelivered);
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 43, start: 42));
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 42, start: 42));
        Assert.Equal([42UL, 43, 44], Drain(w));
        // A later, smaller stream start (the sender crashed and lost acks) changes nothing for an existing window.
        Assert.Equal(ReceiveDecision.Duplicate, Offer(w, 40, start: 30));
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 45, start: 30));
    }

    [Fact]
    public void TheReorderBufferIsBoundedButTheNextMessageAlwaysFits()
    {
        // At most 4 messages, 30 bytes (each test message is 8 bytes).
        var w = new ReceiverWindow(B, maxBufferedMessages: 4, maxBufferedBytes: 30);
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 2));
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 3));
        Assert.Equal(ReceiveDecision.BufferFull, Offer(w, 5)); // further ahead than the buffer could ever span
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 4));
        Assert.Equal(3, w.BufferedCount);
        Assert.Equal(24, w.BufferedBytes);
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 1)); // 32 bytes would not fit: the furthest (4) makes room
        Assert.Equal(3, w.BufferedCount);
        Assert.Equal([1UL, 2, 3], Drain(w));
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 5));
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 6));
        Assert.Equal(ReceiveDecision.Buffered, Offer(w, 7));
        Assert.Equal(ReceiveDecision.BufferFull, Offer(w, 8));
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 4)); // resent by the sender; 7 makes room
        Assert.Equal([4UL, 5, 6], Drain(w));
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 7));
        Assert.Equal([7UL], Drain(w));

        var bytes = new ReceiverWindow(B, maxBufferedBytes: 20);
        Assert.Equal(ReceiveDecision.Buffered, bytes.Accept(A, B, 1, 2, new byte[15]));
        Assert.Equal(ReceiveDecision.BufferFull, bytes.Accept(A, B, 1, 3, new byte[15]));
        Assert.Equal(ReceiveDecision.Deliver, bytes.Accept(A, B, 1, 1, new byte[15]));
        Assert.Equal(15, bytes.BufferedBytes);
    }

    [Fact]
    public void AbandonedDeliveriesAreForgottenAndResent()
    {
        var w = new ReceiverWindow(B);
        Offer(w, 1);
        Offer(w, 2);
        Assert.True(w.TryTakeNext(out _));
        Assert.True(w.TryTakeNext(out _));
        w.MarkDelivered(A, 1);
        w.ReleaseTaken(); // the turn delivering 2 was rolled back
        Assert.Equal(1UL, w.LastTaken);
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 2));
        Assert.Equal([2UL], Drain(w));
        Assert.Throws<InvalidOperationException>(() => w.MarkDelivered(A, 3));
        Assert.True(w.MarkDelivered(A, 1)); // old news
    }

    [Fact]
    public void MarkingADeliveryOfAReplacedIncarnationChangesNothing()
    {
        var w = new ReceiverWindow(B);
        Offer(w, 1);
        Assert.True(w.TryTakeNext(out InboundMessage m));
        Offer(w, 1, sender: C); // reset while A's message 1 was being delivered
        Assert.False(w.MarkDelivered(m.Sender, m.Sequence));
        Assert.Equal(0UL, w.LastDelivered);
        Assert.Equal([1UL], Drain(w));
        Assert.Equal(C, w.Sender);
    }

    [Fact]
    public void StateRoundTripsThroughRestore()
    {
        var w = new ReceiverWindow(B);
        for (ulong s = 1; s <= 3; s++) Offer(w, s);
        Drain(w);
        Offer(w, 1, sender: C);
        Drain(w);
        Offer(w, 3, sender: C); // buffered: not part of the state
        ReceiverWindowState state = w.State;
        Assert.Equal(C, state.Sender);
        Assert.Equal(1UL, state.LastDelivered);
        Assert.Equal([A, C], state.Seen);

        ReceiverWindow restored = ReceiverWindow.Restore(B, state);
        Assert.Equal(ReceiveDecision.Duplicate, Offer(restored, 1, sender: C));
        Assert.Equal(ReceiveDecision.Stale, Offer(restored, 9));
        Assert.Equal(ReceiveDecision.Buffered, Offer(restored, 3, sender: C));
        Assert.Equal(ReceiveDecision.Deliver, Offer(restored, 2, sender: C));
        Assert.Equal([2UL, 3], Drain(restored));
    }

    [Fact]
    public void AnOldIncarnationSeenOnlyInItsFirstExchangeIsStillRecognisedAsOld()
    {
        // A's first data drew a notice; then A's store was reset (C) and C got through first.
        // A's data, addressed to us after its notice, arrives late: it must not take over.
        var w = new ReceiverWindow(B);
        Assert.Equal(ReceiveDecision.NotForMe, Offer(w, 1, to: Incarnation.Zero));
        Assert.Equal(ReceiveDecision.NotForMe, Offer(w, 1, sender: C, to: Incarnation.Zero));
        Assert.Equal(ReceiveDecision.Deliver, Offer(w, 1, sender: C));
        Assert.Equal(ReceiveDecision.Stale, Offer(w, 1));
        Assert.Equal(ReceiveDecision.Stale, Offer(w, 2));
        Assert.Equal(C, w.Sender);
        Assert.Equal([1UL], Drain(w));

        // And a restored window remembers the order.
        ReceiverWindow restored = ReceiverWindow.Restore(B, w.State);
        Assert.Equal(ReceiveDecision.Stale, Offer(restored, 3));
        Assert.Equal(ReceiveDecision.Deliver, Offer(restored, 2, sender: C));
    }

    [Fact]
    public void TheMemoryOfIncarnationsIsBounded()
    {
        var w = new ReceiverWindow(B, maxSeen: 3);
        Incarnation[] senders = Enumerable.Range(0, 6).Select(_ => Incarnation.NewRandom()).ToArray();
        foreach (Incarnation s in senders) Assert.Equal(ReceiveDecision.Deliver, Offer(w, 1, sender: s));
        Assert.Equal(senders[3..], w.Seen);
        Assert.Equal(ReceiveDecision.Stale, w.Classify(senders[4], B, 1));
        Assert.Equal(ReceiveDecision.Needed, w.Classify(senders[0], B, 1)); // forgotten: the documented limit
        Assert.Equal(senders[5], w.Sender);
        Assert.Contains(senders[5], w.Seen); // the followed incarnation is never forgotten
        for (int i = 0; i < 5; i++) w.Classify(Incarnation.NewRandom(), Incarnation.Zero, 1);
        Assert.Contains(senders[5], w.Seen);
        Assert.Equal(3, w.Seen.Count);
    }

    [Fact]
    public void BadArgumentsAreRefused()
    {
        Assert.Throws<ArgumentException>(() => new ReceiverWindow(Incarnation.Zero));
        var w = new ReceiverWindow(B);
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Accept(A, B, 1, 0, []));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.Accept(A, B, 5, 4, []));
        Assert.Throws<ArgumentException>(() => w.Accept(Incarnation.Zero, B, 1, 1, []));
    }
}
