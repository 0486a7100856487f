using System.Net;

namespace KenShell.Messaging;

/// <summary>
/// The exactly-once protocol (README "Protocol in one page", G7) composed from the
/// wire layer's pieces: per-stream sender and receiver windows, fragmentation,
/// reassembly, retransmission, reset notices and acks, over an
/// <see cref="IDatagramSender"/>. The one implementation: the shell runs it
/// (<c>Shell/MessageDriver</c>, its durable side in the heap) and so do the protocol
/// simulations and loopback tests (their durable side in memory that survives a
/// simulated crash).
///
/// What it holds is volatile; what must survive a crash goes through
/// <see cref="IProtocolStore"/>, and after a crash the engine is rebuilt from it
/// (<see cref="Restore"/>). Single-threaded: <see cref="Handle"/>,
/// <see cref="Queued"/> and <see cref="Pump"/> are called from one loop.
/// </summary>
public sealed class ProtocolEngine
{
    private sealed class OutStream(string to, IPEndPoint? destination, SenderWindow window, RetransmitSchedule schedule)
    {
        public string To { get; } = to;
        public IPEndPoint? Destination { get; } = destination;
        public SenderWindow Window { get; } = window;
        public RetransmitSchedule Schedule { get; } = schedule;
        public ulong SentThrough { get; set; }
        public ulong PersistedAcked { get; set; }
        public Dictionary<ulong, byte[]> Cache { get; } = new();
    }

    private readonly IDatagramSender _network;
    private readonly IProtocolStore _store;
    private readonly Func<string, IPEndPoint?> _resolve;
    private readonly TimeProvider _clock;
    private readonly ProtocolOptions _options;
    private readonly Fragmenter _fragmenter;
    private readonly Dictionary<string, OutStream> _out = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), ReceiverWindow> _in = new();

    /// <param name="self">The canonical name this node gives itself (<c>StreamFrom</c> of what it sends).</param>
    /// <param name="incarnation">The store id.</param>
    /// <param name="resolve">Where datagrams for a peer name go; null = unreachable (its messages stay queued).</param>
    public ProtocolEngine(string self, Incarnation incarnation, IDatagramSender network, IProtocolStore store,
        Func<string, IPEndPoint?> resolve, TimeProvider? clock = null, ProtocolOptions? options = null)
    {
        Self = self;
        Incarnation = incarnation;
        _network = network;
        _store = store;
        _resolve = resolve;
        _clock = clock ?? TimeProvider.System;
        _options = options ?? new ProtocolOptions();
        _fragmenter = new Fragmenter(_options.FragmentPayload);
    }

    public string Self { get; }

    public Incarnation Incarnation { get; }

    public Reassembler Reassembler { get; } = new();

    public long AcksSent { get; private set; }

    public long NoticesSent { get; private set; }

    /// <summary>Whether every queued message of every stream was acknowledged.</summary>
    public bool AllAcknowledged => _out.Values.All(s => s.Window.Unacknowledged == 0);

    /// <summary>
    /// When <see cref="Pump"/> next has work (a retransmission); null when nothing is
    /// outstanding.
    /// </summary>
    public TimeSpan? NextWakeup =>
        _out.Values.Where(s => s.Schedule.IsArmed).Select(s => (TimeSpan?)s.Schedule.TimeUntilDue).Min();

    /// <summary>
    /// Forgets all volatile state and starts from what the durable side holds (at start,
    /// after a crash, after a rollback): each outgoing stream's numbers (peer unknown
    /// again: a notice restores it) and each receiver window's state.
    /// </summary>
    public void Restore(IEnumerable<(string To, SenderWindowState State)> outgoing,
        IEnumerable<(string From, string To, ReceiverWindowState State)> incoming)
    {
        _out.Clear();
        _in.Clear();
        foreach ((string to, SenderWindowState state) in outgoing)
        {
            OutStream stream = NewStream(to, state);
            stream.SentThrough = state.AckedThrough;
            stream.PersistedAcked = state.AckedThrough;
        }
        foreach ((string from, string to, ReceiverWindowState state) in incoming) _in[(from, to)] = ReceiverWindow.Restore(Incarnation, state);
    }

    /// <summary>
    /// The durable side now holds the stream to <paramref name="to"/> numbered up to
    /// <paramref name="nextSequence"/> − 1 (a sending turn committed): number them here too.
    /// </summary>
    public void Queued(string to, ulong nextSequence)
    {
        if (!_out.TryGetValue(to, out OutStream? stream)) stream = NewStream(to, null);
        while (stream.Window.NextSequence < nextSequence) stream.Window.Assign();
    }

    private OutStream NewStream(string to, SenderWindowState? state)
    {
        var window = state is null ? new SenderWindow(Incarnation) : new SenderWindow(Incarnation, state);
        var stream = new OutStream(to, _resolve(to), window, new RetransmitSchedule(_clock, _options.InitialRetransmit, _options.MaxRetransmit));
        _out[to] = stream;
        return stream;
    }

    /// <summary>One datagram that arrived from <paramref name="source"/>.</summary>
    public void Handle(in Datagram d, IPEndPoint source)
    {
        switch (d.Kind)
        {
            case DatagramKind.Data:
                HandleData(d, source);
                break;
            case DatagramKind.Ack:
                if (d.StreamFrom == Self && _out.TryGetValue(d.StreamTo, out OutStream? acked)) ApplyAck(acked, d);
                break;
            case DatagramKind.ResetNotice:
                if (d.StreamFrom == Self && _out.TryGetValue(d.StreamTo, out OutStream? reset) && reset.Window.OnResetNotice(d))
                {
                    reset.SentThrough = reset.Window.AckedThrough; // everything outstanding goes again, now
                    reset.Schedule.Disarm();
                }
                break;
        }
    }

    private void HandleData(in Datagram d, IPEndPoint source)
    {
        // A piggybacked ack of the reverse stream (only when the two ends name each other
        // the same way). It counts only if it is from the peer incarnation to ours
        // (SenderWindow.OnAck), and it is only ever what the peer made durable.
        if (d.CumulativeAck != 0 && d.StreamTo == Self && _out.TryGetValue(d.StreamFrom, out OutStream? reverse)) ApplyAck(reverse, d);

        // Every DATA datagram goes through the stream's window, even one answered with a
        // notice: the window remembers which sender incarnations it saw, in order.
        var key = (d.StreamFrom, d.StreamTo);
        if (!_in.TryGetValue(key, out ReceiverWindow? window))
        {
            window = new ReceiverWindow(Incarnation);
            _in[key] = window;
        }
        switch (window.Classify(d))
        {
            case ReceiveDecision.NotForMe:
                NoticesSent++;
                _network.Send(source, Datagram.ResetNoticeFor(d, Incarnation));
                return;
            case ReceiveDecision.Duplicate:
                SendAck(d, source, window.LastDelivered);
                return;
            case ReceiveDecision.Needed:
                break;
            default:
                return; // stale, or already buffered / being delivered
        }
        ReassemblyResult r = Reassembler.Add(d);
        if (!r.IsComplete) return;
        window.Accept(d, r.Message!);
        bool delivered = false;
        while (window.TryTakeNext(out InboundMessage m))
        {
            // The delivering step stores the window's next state with the message.
            var next = new ReceiverWindowState(m.Sender, m.Sequence, window.Seen.ToArray());
            if (!_store.Deliver(d.StreamFrom, d.StreamTo, m, next))
            {
                window.ReleaseTaken(); // not delivered: the sender will send it again
                break;
            }
            window.MarkDelivered(m.Sender, m.Sequence);
            delivered = true;
        }
        // Acknowledge only what is durable.
        if (delivered) SendAck(d, source, window.LastDelivered);
    }

    private void SendAck(in Datagram d, IPEndPoint source, ulong cumulativeAck)
    {
        AcksSent++;
        _network.Send(source, Datagram.AckFor(d, Incarnation, cumulativeAck));
    }

    private void ApplyAck(OutStream stream, in Datagram d)
    {
        if (!stream.Window.OnAck(d)) return;
        stream.SentThrough = Math.Max(stream.SentThrough, stream.Window.AckedThrough);
        foreach (ulong seq in stream.Cache.Keys.Where(k => k <= stream.Window.AckedThrough).ToList()) stream.Cache.Remove(seq);
        if (stream.Window.Unacknowledged == 0) stream.Schedule.Disarm();
        else stream.Schedule.OnProgress();
        if (stream.Window.AckedThrough > stream.PersistedAcked && _store.Acknowledged(stream.To, stream.Window.AckedThrough))
            stream.PersistedAcked = stream.Window.AckedThrough;
    }

    /// <summary>Sends what the windows allow and retransmits what is due.</summary>
    public void Pump()
    {
        foreach (OutStream s in _out.Values)
        {
            SenderWindow w = s.Window;
            if (w.Unacknowledged == 0 || s.Destination is null) continue;
            // While the peer's incarnation is unknown, probe with the first message only: it draws a notice.
            ulong allowed = w.Peer.IsZero ? 1UL : (ulong)_options.WindowSize;
            ulong limit = Math.Min(w.NextSequence - 1, w.AckedThrough + allowed);
            if (s.Schedule.IsDue)
            {
                for (ulong seq = w.AckedThrough + 1; seq <= Math.Min(s.SentThrough, limit); seq++) Transmit(s, seq);
                s.Schedule.OnRetransmit();
            }
            bool sentNew = false;
            while (s.SentThrough < limit)
            {
                s.SentThrough++;
                Transmit(s, s.SentThrough);
                sentNew = true;
            }
            if (sentNew) s.Schedule.Arm();
        }
    }

    private void Transmit(OutStream s, ulong sequence)
    {
        if (!s.Cache.TryGetValue(sequence, out byte[]? bytes))
        {
            bytes = _store.QueuedMessage(s.To, sequence);
            if (bytes is null) return; // already acknowledged and freed
            s.Cache[sequence] = bytes;
        }
        // Piggyback the ack of the reverse stream when it is for this very peer incarnation.
        ulong piggyback = _in.TryGetValue((s.To, Self), out ReceiverWindow? reverse) && !s.Window.Peer.IsZero && reverse.Sender == s.Window.Peer
            ? reverse.LastDelivered
            : 0;
        Datagram template = s.Window.DataTemplate(Self, s.To, sequence, piggyback);
        foreach (Datagram fragment in _fragmenter.Fragment(template, bytes)) _network.Send(s.Destination!, fragment);
    }
}
