namespace KenShell.Messaging;

/// <summary>
/// The receiving end of one stream, i.e. one (StreamFrom, StreamTo) pair (see
/// <see cref="Datagram"/>): which messages to deliver, in which order, and what to ack.
/// Pure logic; one per stream; not thread-safe.
///
/// <para><b>Rules.</b> For a DATA message (sender incarnation s, addressed incarnation r,
/// stream start b, sequence n):</para>
/// <list type="number">
/// <item>r is not this receiver's own incarnation (zero, or a previous store's) →
/// <see cref="ReceiveDecision.NotForMe"/>: answer with a RESET-NOTICE, deliver nothing.
/// Data is only ever delivered to the incarnation it was numbered for.</item>
/// <item>s is older than the sender incarnation followed now → <see cref="ReceiveDecision.Stale"/>.
/// "Older" means first seen earlier: the window remembers, in order, every sender
/// incarnation that sent it anything, including data it answered with a notice.</item>
/// <item>s is newer (first message, or the sender's store was reset): the reorder buffer is
/// emptied and the window restarts with b - 1 delivered (b = 1 for a fresh sender
/// store: its sequences start afresh).</item>
/// <item>n ≤ last delivered → <see cref="ReceiveDecision.Duplicate"/> (re-ack);
/// n = next → <see cref="ReceiveDecision.Deliver"/>; n further ahead →
/// <see cref="ReceiveDecision.Buffered"/> in a bounded reorder buffer, delivered once
/// the gap fills.</item>
/// </list>
///
/// <para><b>Delivery and acks.</b> <see cref="TryTakeNext"/> hands out messages strictly
/// in sequence order. The caller delivers each (a turn), and once that turn is durable
/// calls <see cref="MarkDelivered"/>; only then does <see cref="LastDelivered"/> (the
/// cumulative ack) advance. If a delivery is abandoned (the turn rolled back),
/// <see cref="ReleaseTaken"/> forgets what was taken; the sender resends it.</para>
///
/// <para><b>Why first-seen order is enough.</b> A sender incarnation can only send data
/// this receiver accepts after this receiver answered its first data with a notice,
/// so an old incarnation is always seen before its successor, however late its
/// datagrams arrive, unless this receiver lost its memory of it: the sightings are
/// part of <see cref="State"/>, but persisted only when the shell persists it (at
/// deliveries). The remaining hazard needs a receiver crash, a sender store reset and
/// a datagram that lingers in the network across both (as in Ken, we assume none
/// lingers that long); it is bounded by <c>maxSeen</c> as well.</para>
/// </summary>
public sealed class ReceiverWindow
{
    public const int DefaultMaxBufferedMessages = 1024;
    public const long DefaultMaxBufferedBytes = 64L << 20;
    public const int DefaultMaxSeen = 16;

    private readonly Dictionary<ulong, byte[]> _buffer = [];
    private readonly List<Incarnation> _seen = []; // sender incarnations in first-seen order, oldest first
    private readonly int _maxBufferedMessages;
    private readonly long _maxBufferedBytes;
    private readonly int _maxSeen;
    private ulong _lastTaken;

    public ReceiverWindow(Incarnation self, int maxBufferedMessages = DefaultMaxBufferedMessages,
        long maxBufferedBytes = DefaultMaxBufferedBytes, int maxSeen = DefaultMaxSeen)
    {
        if (self.IsZero) throw new ArgumentException("the receiver's own incarnation cannot be zero", nameof(self));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBufferedMessages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBufferedBytes, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSeen, 1);
        Self = self;
        _maxBufferedMessages = maxBufferedMessages;
        _maxBufferedBytes = maxBufferedBytes;
        _maxSeen = maxSeen;
    }

    /// <summary>A window as it was persisted (see <see cref="State"/>).</summary>
    public static ReceiverWindow Restore(Incarnation self, ReceiverWindowState state, int maxBufferedMessages = DefaultMaxBufferedMessages,
        long maxBufferedBytes = DefaultMaxBufferedBytes, int maxSeen = DefaultMaxSeen)
    {
        ArgumentNullException.ThrowIfNull(state);
        var window = new ReceiverWindow(self, maxBufferedMessages, maxBufferedBytes, maxSeen)
        {
            Sender = state.Sender,
            LastDelivered = state.LastDelivered,
            _lastTaken = state.LastDelivered,
        };
        foreach (Incarnation seen in state.Seen) window.Note(seen);
        window.Note(state.Sender);
        return window;
    }

    /// <summary>This receiver's own incarnation.</summary>
    public Incarnation Self { get; }

    /// <summary>The sender incarnation followed now; zero before the first message.</summary>
    public Incarnation Sender { get; private set; }

    /// <summary>The last sequence delivered durably: the cumulative ack to send.</summary>
    public ulong LastDelivered { get; private set; }

    /// <summary>The last sequence handed out by <see cref="TryTakeNext"/> (≥ <see cref="LastDelivered"/>).</summary>
    public ulong LastTaken => _lastTaken;

    /// <summary>Messages in the reorder buffer (including the next one, if it is waiting to be taken).</summary>
    public int BufferedCount => _buffer.Count;

    public long BufferedBytes { get; private set; }

    /// <summary>How many times a new sender incarnation restarted the window.</summary>
    public long Resets { get; private set; }

    /// <summary>Sender incarnations in the order they were first seen, oldest first (at most <c>maxSeen</c>).</summary>
    public IReadOnlyList<Incarnation> Seen => _seen;

    /// <summary>What to persist (after <see cref="MarkDelivered"/>).</summary>
    public ReceiverWindowState State => new(Sender, LastDelivered, _seen.ToArray());

    /// <summary>
    /// Classifies a DATA datagram (any fragment of it); call it for every DATA datagram of
    /// the stream, before reassembly, so that fragments of messages already delivered or
    /// not meant for this incarnation cost no memory. It changes nothing but the record
    /// of sender incarnations seen. Returns <see cref="ReceiveDecision.Needed"/>,
    /// <see cref="ReceiveDecision.Duplicate"/>, <see cref="ReceiveDecision.InProgress"/>,
    /// <see cref="ReceiveDecision.Stale"/> or <see cref="ReceiveDecision.NotForMe"/>.
    /// </summary>
    public ReceiveDecision Classify(Incarnation sender, Incarnation addressed, ulong sequence)
    {
        if (!sender.IsZero) Note(sender);
        if (addressed != Self) return ReceiveDecision.NotForMe;
        if (sender == Sender)
        {
            if (sequence <= LastDelivered) return ReceiveDecision.Duplicate;
            if (sequence <= _lastTaken || _buffer.ContainsKey(sequence)) return ReceiveDecision.InProgress;
            return ReceiveDecision.Needed;
        }
        return IsOlderThanSender(sender) ? ReceiveDecision.Stale : ReceiveDecision.Needed;
    }

    /// <summary>Classifies <paramref name="data"/> (see the other overload).</summary>
    public ReceiveDecision Classify(in Datagram data) => Classify(data.SenderIncarnation, data.ReceiverIncarnation, data.Sequence);

    /// <summary>
    /// Offers a complete message. Returns <see cref="ReceiveDecision.Deliver"/>,
    /// <see cref="ReceiveDecision.Buffered"/> or <see cref="ReceiveDecision.BufferFull"/>
    /// for a message that was needed, otherwise what <see cref="Classify"/> says. The
    /// window keeps <paramref name="message"/> (no copy).
    /// </summary>
    public ReceiveDecision Accept(Incarnation sender, Incarnation addressed, ulong streamStart, ulong sequence, byte[] message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (sender.IsZero) throw new ArgumentException("a sender incarnation cannot be zero", nameof(sender));
        if (sequence == 0 || streamStart == 0 || streamStart > sequence)
            throw new ArgumentOutOfRangeException(nameof(sequence), "a DATA sequence is ≥ its stream start ≥ 1");
        ReceiveDecision decision = Classify(sender, addressed, sequence);
        if (decision != ReceiveDecision.Needed) return decision;

        if (sender != Sender) Restart(sender, streamStart);

        if (sequence == _lastTaken + 1)
        {
            // The next message is always kept, if need be at the expense of the furthest early one.
            while (_buffer.Count > 0 && (_buffer.Count >= _maxBufferedMessages || BufferedBytes + message.Length > _maxBufferedBytes))
                Unbuffer(_buffer.Keys.Max());
            Buffer(sequence, message);
            return ReceiveDecision.Deliver;
        }
        if (sequence - _lastTaken > (ulong)_maxBufferedMessages || _buffer.Count >= _maxBufferedMessages ||
            BufferedBytes + message.Length > _maxBufferedBytes)
            return ReceiveDecision.BufferFull;
        Buffer(sequence, message);
        return ReceiveDecision.Buffered;
    }

    /// <summary>Offers the complete message whose fragment <paramref name="data"/> is.</summary>
    public ReceiveDecision Accept(in Datagram data, byte[] message) =>
        Accept(data.SenderIncarnation, data.ReceiverIncarnation, data.StreamStart, data.Sequence, message);

    /// <summary>The next message in order, if it has arrived; it stays undelivered until <see cref="MarkDelivered"/>.</summary>
    public bool TryTakeNext(out InboundMessage next)
    {
        ulong sequence = _lastTaken + 1;
        if (!_buffer.TryGetValue(sequence, out byte[]? message))
        {
            next = default;
            return false;
        }
        Unbuffer(sequence);
        _lastTaken = sequence;
        next = new InboundMessage(Sender, sequence, message);
        return true;
    }

    /// <summary>
    /// Messages up to <paramref name="sequence"/> of <paramref name="sender"/> are now
    /// delivered durably. Returns false (and changes nothing) if the window has moved on
    /// to another sender incarnation meanwhile. Throws if the sequence was not taken.
    /// </summary>
    public bool MarkDelivered(Incarnation sender, ulong sequence)
    {
        if (sender != Sender) return false;
        if (sequence <= LastDelivered) return true;
        if (sequence > _lastTaken)
            throw new InvalidOperationException($"message {sequence} was not taken (last taken {_lastTaken})");
        LastDelivered = sequence;
        return true;
    }

    /// <summary>Forgets the messages taken but not marked delivered (their delivery was abandoned); the sender resends them.</summary>
    public void ReleaseTaken() => _lastTaken = LastDelivered;

    private void Restart(Incarnation sender, ulong streamStart)
    {
        if (!Sender.IsZero) Resets++;
        Sender = sender;
        LastDelivered = streamStart - 1;
        _lastTaken = LastDelivered;
        _buffer.Clear();
        BufferedBytes = 0;
    }

    private void Note(Incarnation incarnation)
    {
        if (incarnation.IsZero || _seen.Contains(incarnation)) return;
        if (_seen.Count >= _maxSeen)
        {
            int oldest = _seen[0] == Sender && _seen.Count > 1 ? 1 : 0;
            _seen.RemoveAt(oldest);
        }
        _seen.Add(incarnation);
    }

    private bool IsOlderThanSender(Incarnation incarnation)
    {
        if (Sender.IsZero) return false;
        int index = _seen.IndexOf(incarnation);
        return index >= 0 && index < _seen.IndexOf(Sender);
    }

    private void Buffer(ulong sequence, byte[] message)
    {
        _buffer[sequence] = message;
        BufferedBytes += message.Length;
    }

    private void Unbuffer(ulong sequence)
    {
        if (_buffer.Remove(sequence, out byte[]? message)) BufferedBytes -= message.Length;
    }
}
