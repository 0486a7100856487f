using System.Net;
using KenShell.Messaging;

namespace KenShell.Tests.Messaging;

/// <summary>
/// A minimal sender/receiver built only from the wire layer's pieces, the way the
/// shell is meant to wire them (single-threaded, driven by <see cref="Handle"/> and
/// <see cref="Pump"/>). "Durable" state (queued messages, delivered messages, receiver
/// window states, a lazily persisted acked-through) survives <see cref="Crash"/>;
/// everything else is lost, as in a kill -9. A store reset is a new node with a new
/// incarnation at the same address.
/// </summary>
internal sealed class ProtocolNode
{
    public sealed record Delivery(string From, Incarnation Receiver, Incarnation Sender, ulong Sequence, byte[] Message);

    public sealed class OutStream(string to, IPEndPoint destination, List<byte[]> messages, SenderWindow window, RetransmitSchedule schedule)
    {
        public string To { get; } = to;
        public IPEndPoint Destination { get; } = destination;
        public List<byte[]> Messages { get; } = messages; // durable: message n has sequence n + 1
        public SenderWindow Window { get; } = window;
        public RetransmitSchedule Schedule { get; } = schedule;
        public ulong SentThrough { get; set; } // transmitted at least once (volatile)
        public ulong PersistedAckedThrough { get; set; } // durable, lags behind Window.AckedThrough
    }

    public sealed record Options
    {
        public int WindowSize { get; init; } = 32;
        public int FragmentPayload { get; init; } = DatagramCodec.DefaultFragmentPayload;
        public TimeSpan InitialRetransmit { get; init; } = TimeSpan.FromMilliseconds(20);
        public TimeSpan MaxRetransmit { get; init; } = TimeSpan.FromMilliseconds(200);
    }

    private readonly IDatagramSender _network;
    private readonly TimeProvider _clock;
    private readonly Options _options;
    private readonly Fragmenter _fragmenter;
    private readonly Dictionary<(string From, string To), ReceiverWindowState> _durableWindows;

    public ProtocolNode(string self, Incarnation incarnation, IDatagramSender network, TimeProvider clock, Options? options = null)
        : this(self, incarnation, network, clock, options ?? new Options(), [], [], [])
    {
    }

    private ProtocolNode(string self, Incarnation incarnation, IDatagramSender network, TimeProvider clock, Options options,
        Dictionary<string, OutStream> outStreams, Dictionary<(string, string), ReceiverWindowState> durableWindows, List<Delivery> delivered)
    {
        Self = self;
        Incarnation = incarnation;
        _network = network;
        _clock = clock;
        _options = options;
        _fragmenter = new Fragmenter(options.FragmentPayload);
        Out = outStreams;
        _durableWindows = durableWindows;
        Delivered = delivered;
        foreach (((string, string) key, ReceiverWindowState state) in durableWindows) In[key] = ReceiverWindow.Restore(incarnation, state);
    }

    public string Self { get; }
    public Incarnation Incarnation { get; }
    public Dictionary<string, OutStream> Out { get; }
    public Dictionary<(string From, string To), ReceiverWindow> In { get; } = [];
    public List<Delivery> Delivered { get; }
    public Reassembler Reassembler { get; } = new();
    public long NoticesSent { get; private set; }
    public long AcksSent { get; private set; }

    public bool AllAcknowledged => Out.Values.All(s => s.Window.Unacknowledged == 0);

    /// <summary>Queues a message for <paramref name="to"/> (what the sending turn does).</summary>
    public ulong Enqueue(string to, IPEndPoint destination, byte[] message)
    {
        if (!Out.TryGetValue(to, out OutStream? stream))
        {
            stream = new OutStream(to, destination, [], new SenderWindow(Incarnation), NewSchedule());
            Out[to] = stream;
        }
        stream.Messages.Add(message);
        ulong sequence = stream.Window.Assign();
        if (sequence != (ulong)stream.Messages.Count) throw new InvalidOperationException("numbering out of step");
        return sequence;
    }

    private RetransmitSchedule NewSchedule() => new(_clock, _options.InitialRetransmit, _options.MaxRetransmit);

    public void Handle(in Datagram d, IPEndPoint source)
    {
        switch (d.Kind)
        {
            case DatagramKind.Data:
                HandleData(d, source);
                break;
            case DatagramKind.Ack:
                if (d.StreamFrom == Self && Out.TryGetValue(d.StreamTo, out OutStream? acked)) ApplyAck(acked, d);
                break;
            case DatagramKind.ResetNotice:
                if (d.StreamFrom == Self && Out.TryGetValue(d.StreamTo, out OutStream? reset) && reset.Window.OnResetNotice(d))
                {
                    reset.SentThrough = reset.Window.AckedThrough; // send everything outstanding again, now
                    reset.Schedule.Disarm();
                }
                break;
        }
    }

    private void HandleData(in Datagram d, IPEndPoint source)
    {
        // A piggybacked ack of the reverse stream (only when the two ends name each other the same way).
        if (d.CumulativeAck != 0 && d.StreamTo == Self && Out.TryGetValue(d.StreamFrom, out OutStream? reverse)) ApplyAck(reverse, d);

        // Every DATA datagram goes through the stream's window, even one answered with a
        // notice: the window remembers which sender incarnations it saw, in order.
        var key = (d.StreamFrom, d.StreamTo);
        if (!In.TryGetValue(key, out ReceiverWindow? window))
        {
            window = new ReceiverWindow(Incarnation);
            In[key] = window;
        }
        switch (window.Classify(d))
        {
            case ReceiveDecision.NotForMe:
                SendNotice(d, source);
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
            // The delivering turn: its effects and the window state commit together.
            Delivered.Add(new Delivery(d.StreamFrom, Incarnation, m.Sender, m.Sequence, m.Message));
            window.MarkDelivered(m.Sender, m.Sequence);
            _durableWindows[key] = window.State;
            delivered = true;
        }
        if (delivered) SendAck(d, source, window.LastDelivered); // after the commit
    }

    private void SendNotice(in Datagram d, IPEndPoint source)
    {
        NoticesSent++;
        _network.Send(source, Datagram.ResetNoticeFor(d, Incarnation));
    }

    private void SendAck(in Datagram d, IPEndPoint source, ulong cumulativeAck)
    {
        AcksSent++;
        _network.Send(source, Datagram.AckFor(d, Incarnation, cumulativeAck));
    }

    private static void ApplyAck(OutStream stream, in Datagram d)
    {
        if (!stream.Window.OnAck(d)) return;
        stream.SentThrough = Math.Max(stream.SentThrough, stream.Window.AckedThrough);
        if (stream.Window.Unacknowledged == 0) stream.Schedule.Disarm();
        else stream.Schedule.OnProgress();
    }

    /// <summary>Sends what the window allows and retransmits what is due.</summary>
    public void Pump()
    {
        foreach (OutStream s in Out.Values)
        {
            SenderWindow w = s.Window;
            if (w.Unacknowledged == 0) continue;
            // While the peer's incarnation is unknown, probe with the first message only: it draws a notice.
            ulong allowed = w.Peer.IsZero ? 1 : (ulong)_options.WindowSize;
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
        ulong piggyback = In.TryGetValue((s.To, Self), out ReceiverWindow? reverse) && !s.Window.Peer.IsZero && reverse.Sender == s.Window.Peer
            ? reverse.LastDelivered
            : 0;
        Datagram template = s.Window.DataTemplate(Self, s.To, sequence, piggyback);
        foreach (Datagram fragment in _fragmenter.Fragment(template, s.Messages[(int)sequence - 1])) _network.Send(s.Destination, fragment);
    }

    /// <summary>How long the driver may sleep before <see cref="Pump"/> has work.</summary>
    public TimeSpan NextWakeup =>
        Out.Values.Where(s => s.Schedule.IsArmed).Select(s => s.Schedule.TimeUntilDue).DefaultIfEmpty(Timeout.InfiniteTimeSpan).Min();

    /// <summary>The lazy heap update that records acks.</summary>
    public void PersistAcks()
    {
        foreach (OutStream s in Out.Values) s.PersistedAckedThrough = s.Window.AckedThrough;
    }

    /// <summary>kill -9 and restart: the same store, so the same incarnation; only durable state survives.</summary>
    public ProtocolNode Crash(IDatagramSender network)
    {
        var outStreams = new Dictionary<string, OutStream>();
        foreach ((string to, OutStream s) in Out)
        {
            // Only numbers are persisted: the peer's incarnation is learnt again from a notice.
            var window = new SenderWindow(Incarnation, new SenderWindowState((ulong)s.Messages.Count + 1, s.PersistedAckedThrough));
            outStreams[to] = new OutStream(to, s.Destination, s.Messages, window, NewSchedule())
            {
                SentThrough = s.PersistedAckedThrough,
                PersistedAckedThrough = s.PersistedAckedThrough,
            };
        }
        return new ProtocolNode(Self, Incarnation, network, _clock, _options, outStreams, new(_durableWindows), Delivered);
    }
}
