namespace KenShell.Messaging;

/// <summary>
/// The sending end of one stream (this shell → one peer, under the name used for it).
/// Pure logic; one per stream; not thread-safe. The message queue itself is the
/// caller's (the JS heap): messages are numbered 1, 2, 3... by <see cref="Assign"/> when
/// queued, and a number never changes, so (our incarnation, peer name, sequence)
/// always denotes the same bytes.
///
/// <para><b>Receiver incarnation.</b> Data is addressed to the incarnation of the peer's
/// store that the sender knows (<see cref="Peer"/>; zero at first). A receiver only
/// accepts data addressed to its own incarnation and answers anything else with a
/// RESET-NOTICE naming itself and the incarnation the data had addressed.
/// <see cref="OnResetNotice"/> adopts the new incarnation only if the notice answers
/// what this window currently addresses: a late notice about an older exchange is
/// ignored, so the peer can never flip back to an old incarnation. On adoption the
/// stream for the new incarnation starts at <see cref="StreamStart"/> =
/// <see cref="AckedThrough"/> + 1 (everything before was acknowledged by the previous
/// incarnation), which every DATA datagram carries so that the new receiver knows
/// where the stream begins even if the first datagrams are lost. First contact costs
/// one round trip (data addressed to zero, notice, resend).</para>
///
/// <para><b>Acks</b> (ACK datagrams, or piggybacked on the peer's DATA) count only if
/// sent by <see cref="Peer"/> to <see cref="Self"/>; an ack beyond what was assigned is
/// ignored as forged.</para>
/// </summary>
public sealed class SenderWindow
{
    public SenderWindow(Incarnation self)
        : this(self, new SenderWindowState(1, 0))
    {
    }

    public SenderWindow(Incarnation self, SenderWindowState state)
    {
        if (self.IsZero) throw new ArgumentException("the sender's own incarnation cannot be zero", nameof(self));
        ArgumentNullException.ThrowIfNull(state);
        if (state.NextSequence == 0 || state.AckedThrough >= state.NextSequence)
            throw new ArgumentException("a sender window needs 1 ≤ NextSequence and AckedThrough < NextSequence", nameof(state));
        if (!state.Peer.IsZero && (state.StreamStart == 0 || state.StreamStart > state.AckedThrough + 1))
            throw new ArgumentException("a known peer needs 1 ≤ StreamStart ≤ AckedThrough + 1", nameof(state));
        Self = self;
        NextSequence = state.NextSequence;
        AckedThrough = state.AckedThrough;
        Peer = state.Peer;
        _streamStart = state.Peer.IsZero ? 0 : state.StreamStart;
    }

    private ulong _streamStart;

    /// <summary>This sender's own incarnation.</summary>
    public Incarnation Self { get; }

    /// <summary>The peer incarnation data is addressed to; zero while unknown.</summary>
    public Incarnation Peer { get; private set; }

    /// <summary>The first sequence of the stream to <see cref="Peer"/> (while the peer is unknown: the first unacknowledged one).</summary>
    public ulong StreamStart => Peer.IsZero ? AckedThrough + 1 : _streamStart;

    /// <summary>Every message up to this sequence has been acknowledged.</summary>
    public ulong AckedThrough { get; private set; }

    /// <summary>The sequence the next queued message gets.</summary>
    public ulong NextSequence { get; private set; }

    /// <summary>Messages assigned but not acknowledged: sequences AckedThrough+1 .. NextSequence-1.</summary>
    public ulong Unacknowledged => NextSequence - 1 - AckedThrough;

    /// <summary>Acks and notices that did not count (wrong or old incarnation, forged sequence).</summary>
    public long IgnoredAcks { get; private set; }
    public long IgnoredNotices { get; private set; }

    /// <summary>How many times a new peer incarnation was adopted.</summary>
    public long PeerChanges { get; private set; }

    public SenderWindowState State => new(NextSequence, AckedThrough, Peer, Peer.IsZero ? 0 : _streamStart);

    /// <summary>Numbers a newly queued message (call it in the sending turn, and persist the result with the message).</summary>
    public ulong Assign() => NextSequence++;

    /// <summary>
    /// The stream fields for DATA carrying message <paramref name="sequence"/>, ready for
    /// <see cref="Fragmenter.Fragment"/>. <paramref name="piggybackAck"/> is the
    /// cumulative ack of the reverse stream (0 = none; it must be for data that
    /// <see cref="Peer"/> sent to <see cref="Self"/>, otherwise pass 0).
    /// </summary>
    public Datagram DataTemplate(string streamFrom, string streamTo, ulong sequence, ulong piggybackAck = 0)
    {
        if (sequence <= AckedThrough || sequence >= NextSequence)
            throw new ArgumentOutOfRangeException(nameof(sequence), $"message {sequence} is not outstanding ({AckedThrough + 1}..{NextSequence - 1})");
        return new Datagram
        {
            Kind = DatagramKind.Data,
            SenderIncarnation = Self,
            ReceiverIncarnation = Peer,
            StreamFrom = streamFrom,
            StreamTo = streamTo,
            Sequence = sequence,
            StreamStart = StreamStart,
            CumulativeAck = piggybackAck,
        };
    }

    /// <summary>
    /// A cumulative ack from the peer (<paramref name="ackSender"/>) to <paramref name="ackAddressee"/>.
    /// Returns true if it advanced <see cref="AckedThrough"/>: the caller drops the
    /// acknowledged messages from its queue and resets the <see cref="RetransmitSchedule"/>.
    /// </summary>
    public bool OnAck(Incarnation ackSender, Incarnation ackAddressee, ulong cumulativeAck)
    {
        if (ackAddressee != Self || Peer.IsZero || ackSender != Peer || cumulativeAck >= NextSequence)
        {
            IgnoredAcks++;
            return false;
        }
        if (cumulativeAck <= AckedThrough) return false;
        AckedThrough = cumulativeAck;
        return true;
    }

    /// <summary>An ACK datagram, or the piggybacked ack of the peer's DATA (ignored when 0).</summary>
    public bool OnAck(in Datagram datagram) =>
        datagram.CumulativeAck != 0 && OnAck(datagram.SenderIncarnation, datagram.ReceiverIncarnation, datagram.CumulativeAck);

    /// <summary>
    /// A RESET-NOTICE from <paramref name="noticeSender"/>, sent to <paramref name="noticeAddressee"/>,
    /// saying our data had addressed <paramref name="addressed"/>. Returns true if the
    /// peer incarnation changed: resend every unacknowledged message at once (the
    /// caller may persist <see cref="State"/>, but need not).
    /// </summary>
    public bool OnResetNotice(Incarnation noticeSender, Incarnation noticeAddressee, Incarnation addressed)
    {
        if (noticeAddressee != Self || noticeSender.IsZero || addressed != Peer || noticeSender == Peer)
        {
            IgnoredNotices++;
            return false;
        }
        Peer = noticeSender;
        _streamStart = AckedThrough + 1;
        PeerChanges++;
        return true;
    }

    /// <summary>A RESET-NOTICE datagram.</summary>
    public bool OnResetNotice(in Datagram notice) =>
        notice.Kind == DatagramKind.ResetNotice &&
        OnResetNotice(notice.SenderIncarnation, notice.ReceiverIncarnation, notice.AddressedIncarnation);
}
