using KenShell.Messaging;
using Xunit;
using static KenShell.Tests.Messaging.WireSamples;

namespace KenShell.Tests.Messaging;

/// <summary>The sending end of a stream: numbering, which acks and notices count, and adopting a peer's new incarnation.</summary>
public sealed class SenderWindowTests
{
    // This sender is A; the peer is B, later C (B's store after a reset).

    [Fact]
    public void MessagesAreNumberedFromOne()
    {
        var w = new SenderWindow(A);
        Assert.Equal(1UL, w.Assign());
        Assert.Equal(2UL, w.Assign());
        Assert.Equal(2UL, w.Unacknowledged);
        Datagram t = w.DataTemplate(AddrA, AddrB, 1);
        Assert.Equal((A, Incarnation.Zero, 1UL, 1UL, AddrA, AddrB), (t.SenderIncarnation, t.ReceiverIncarnation, t.Sequence, t.StreamStart, t.StreamFrom, t.StreamTo));
        Assert.Throws<ArgumentOutOfRangeException>(() => w.DataTemplate(AddrA, AddrB, 3)); // not assigned
        Assert.Throws<ArgumentOutOfRangeException>(() => w.DataTemplate(AddrA, AddrB, 0));
    }

    [Fact]
    public void TheFirstNoticeTellsTheSenderWhoItIsTalkingTo()
    {
        var w = new SenderWindow(A);
        w.Assign();
        Assert.False(w.OnAck(B, A, 1)); // no peer yet: nobody's ack counts
        Assert.True(w.OnResetNotice(B, A, Incarnation.Zero));
        Assert.Equal(B, w.Peer);
        Assert.Equal(1UL, w.StreamStart);
        Assert.Equal(B, w.DataTemplate(AddrA, AddrB, 1).ReceiverIncarnation);
        Assert.True(w.OnAck(B, A, 1));
        Assert.Equal(1UL, w.AckedThrough);
        Assert.Equal(0UL, w.Unacknowledged);
    }

    [Fact]
    public void OnlyAcksFromThePeerToUsForAssignedMessagesCount()
    {
        var w = new SenderWindow(A, new SenderWindowState(NextSequence: 11, AckedThrough: 2, Peer: B, StreamStart: 1));
        Assert.False(w.OnAck(C, A, 5)); // another incarnation at the peer's address
        Assert.False(w.OnAck(B, C, 5)); // addressed to another incarnation of us
        Assert.False(w.OnAck(B, A, 11)); // acks a message never assigned: forged
        Assert.Equal(3, w.IgnoredAcks);
        Assert.True(w.OnAck(B, A, 5));
        Assert.False(w.OnAck(B, A, 4)); // old news, not an error
        Assert.True(w.OnAck(B, A, 10));
        Assert.Equal(10UL, w.AckedThrough);
        Assert.Equal(3, w.IgnoredAcks);

        Datagram piggyback = Data() with { SenderIncarnation = B, ReceiverIncarnation = A, CumulativeAck = 0 };
        Assert.False(w.OnAck(piggyback)); // 0 = no ack in this DATA
    }

    [Fact]
    public void AResetPeerIsAdoptedAndItsStreamStartsAfterWhatItsPredecessorAcked()
    {
        var w = new SenderWindow(A);
        for (int i = 0; i < 10; i++) w.Assign();
        w.OnResetNotice(B, A, Incarnation.Zero);
        w.OnAck(B, A, 6);

        // B's store is reset: the new incarnation C answers our data (addressed to B) with a notice.
        Datagram data = w.DataTemplate(AddrA, AddrB, 7);
        Datagram notice = Datagram.ResetNoticeFor(data, C);
        Assert.True(w.OnResetNotice(notice));
        Assert.Equal(C, w.Peer);
        Assert.Equal(7UL, w.StreamStart);
        Assert.Equal(6UL, w.AckedThrough);
        Datagram t = w.DataTemplate(AddrA, AddrB, 9);
        Assert.Equal((C, 7UL), (t.ReceiverIncarnation, t.StreamStart));
        Assert.Equal(2, w.PeerChanges);

        // Late answers from the old incarnation no longer count, nor do late notices about older exchanges.
        Assert.False(w.OnAck(B, A, 9));
        Assert.False(w.OnResetNotice(B, A, Incarnation.Zero));
        Assert.False(w.OnResetNotice(B, A, B));
        Assert.Equal(C, w.Peer);
        Assert.False(w.OnResetNotice(Incarnation.NewRandom(), Incarnation.NewRandom(), C)); // not addressed to us
        Assert.False(w.OnResetNotice(Ack()));
        Assert.Equal(C, w.Peer);
        Assert.Equal(3, w.IgnoredNotices);
        Assert.True(w.OnAck(C, A, 8));
    }

    [Fact]
    public void StateRoundTripsAndIsChecked()
    {
        var w = new SenderWindow(A);
        for (int i = 0; i < 5; i++) w.Assign();
        w.OnResetNotice(B, A, Incarnation.Zero);
        w.OnAck(B, A, 3);
        SenderWindowState s = w.State;
        Assert.Equal(new SenderWindowState(6, 3, B, 1), s);
        var restored = new SenderWindow(A, s);
        Assert.Equal((B, 1UL, 3UL, 6UL), (restored.Peer, restored.StreamStart, restored.AckedThrough, restored.NextSequence));

        // Without the peer (what a shell that only persists numbers gets back): addressed to nobody, from the first unacked.
        var lean = new SenderWindow(A, new SenderWindowState(6, 3));
        Assert.Equal((Incarnation.Zero, 4UL), (lean.Peer, lean.StreamStart));

        Assert.Throws<ArgumentException>(() => new SenderWindow(Incarnation.Zero));
        Assert.Throws<ArgumentException>(() => new SenderWindow(A, new SenderWindowState(0, 0)));
        Assert.Throws<ArgumentException>(() => new SenderWindow(A, new SenderWindowState(5, 5)));
        Assert.Throws<ArgumentException>(() => new SenderWindow(A, new SenderWindowState(5, 2, B, 0)));
        Assert.Throws<ArgumentException>(() => new SenderWindow(A, new SenderWindowState(5, 2, B, 4)));
    }
}
