using KenShell.Engine;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using KenShell.Messaging;

namespace KenShell.Shell;

/// <summary>
/// Connects the heap's message queues (ken.send / ken.onmessage, in the
/// prelude) to the network (src/KenShell/Messaging). Runs on the shell's
/// thread, between turns:
///  - after every committed turn, messages the turn queued are numbered
///    (the heap already holds them) and transmitted — never before the
///    sending turn is durable (output commit, G3);
///  - an arriving message is delivered by a turn of its own that also saves
///    the receiver window's new state; only once that turn is durable is it
///    acknowledged, so a crash before then makes the sender retransmit and
///    a crash after it cannot deliver it twice (exactly once, G7);
///  - unacknowledged messages are retransmitted with backoff, forever;
///  - an acknowledgement frees the heap's copy in a small turn.
/// All protocol state that matters across crashes is in the heap; what is
/// here is rebuilt from it at start (<see cref="Load"/>).
/// </summary>
public sealed class MessageDriver : IDisposable
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

    private const int WindowSize = 32;
    private readonly string _self;
    private readonly Incarnation _incarnation;
    private readonly TurnRunner _runner;
    private readonly TextWriter _stderr;
    private readonly UdpTransport _udp;
    private readonly IDatagramSender _network;
    private readonly Fragmenter _fragmenter = new();
    private readonly Reassembler _reassembler = new();
    private readonly Dictionary<string, OutStream> _out = new(StringComparer.Ordinal);
    private readonly Dictionary<(string From, string To), ReceiverWindow> _in = new();
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);

    private MessageDriver(string self, Incarnation incarnation, TurnRunner runner, TextWriter stderr, UdpTransport udp, IDatagramSender network)
    {
        _self = self;
        _incarnation = incarnation;
        _runner = runner;
        _stderr = stderr;
        _udp = udp;
        _network = network;
    }

    /// <summary>Binds the shell's address. Null (with a warning) when it cannot: the shell then runs without a network.</summary>
    public static MessageDriver? Start(string address, byte[] storeId, TurnRunner runner, TextWriter stderr)
    {
        if (!PeerAddress.TryParse(address, out PeerAddress? peer, out string? error))
        {
            stderr.WriteLine($"kenshell: warning: no messaging: {error}");
            return null;
        }
        UdpTransport udp;
        try
        {
            udp = UdpTransport.Bind(peer);
        }
        catch (Exception e) when (e is TransportBindException or System.Net.Sockets.SocketException)
        {
            stderr.WriteLine($"kenshell: warning: no messaging: cannot listen on {address}: {e.Message}. Messages sent stay queued.");
            return null;
        }
        NetworkFaults? faults = NetworkFaults.FromEnvironment();
        IDatagramSender network = faults is { IsNone: false } ? new LossyTransport(udp, faults) : udp;
        return new MessageDriver(peer.ToString(), Incarnation.FromBytes(storeId), runner, stderr, udp, network);
    }

    private readonly SemaphoreSlim _polled = new(0, 1);
    private CancellationTokenSource? _watch;

    /// <summary>
    /// Calls <paramref name="wake"/> (from another thread) whenever datagrams
    /// are waiting, so that the shell's loop runs <see cref="Poll"/> at once
    /// instead of at its next timeout. One wake per poll, never a busy loop.
    /// </summary>
    public void WatchIncoming(Action wake)
    {
        _watch = new CancellationTokenSource();
        CancellationToken token = _watch.Token;
        _ = Task.Run(async () =>
        {
            try
            {
                while (await _udp.Incoming.WaitToReadAsync(token))
                {
                    wake();
                    await _polled.WaitAsync(token);
                }
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    /// <summary>Datagrams dropped, sent, received (for .info).</summary>
    public string Counters => _udp.Counters.ToString() ?? "";

    /// <summary>Rebuilds the protocol state from the heap (after open, and after a rollback).</summary>
    public void Load()
    {
        _out.Clear();
        _in.Clear();
        foreach (JsonNode? node in JsonNode.Parse(Query(RuntimeHooks.OutboxState, "[]"))!.AsArray())
        {
            string to = node!["to"]!.GetValue<string>();
            ulong next = node["next"]!.GetValue<ulong>();
            ulong acked = node["acked"]!.GetValue<ulong>();
            OutStream stream = NewStream(to, new SenderWindowState(next, acked));
            stream.SentThrough = acked;
            stream.PersistedAcked = acked;
        }
        foreach (JsonNode? node in JsonNode.Parse(Query(RuntimeHooks.InWindowStates, "[]"))!.AsArray())
        {
            string key = node!["key"]!.GetValue<string>();
            int cut = key.IndexOf('\n');
            _in[(key[..cut], key[(cut + 1)..])] = ReceiverWindow.Restore(_incarnation, DecodeState(node["state"]!.GetValue<string>()));
        }
    }

    private string Query(string name, string fallback)
    {
        string answer = _runner.QueryText(name);
        return answer.Length == 0 ? fallback : answer;
    }

    private OutStream NewStream(string to, SenderWindowState? state)
    {
        IPEndPoint? destination = null;
        if (PeerAddress.TryParse(to, out PeerAddress? peer, out string? error))
        {
            if (peer.TryResolve(System.Net.Sockets.AddressFamily.Unspecified, out IPEndPoint? endPoint, out string? resolveError)) destination = endPoint;
            else error = resolveError;
        }
        if (destination is null && _unreachable.Add(to))
            _stderr.WriteLine($"kenshell: warning: messages to '{to}' stay queued: {error}");
        var window = state is null ? new SenderWindow(_incarnation) : new SenderWindow(_incarnation, state);
        var stream = new OutStream(to, destination, window, new RetransmitSchedule());
        _out[to] = stream;
        return stream;
    }

    /// <summary>After a committed turn: number what it queued, and send.</summary>
    public void AfterTurn()
    {
        foreach (JsonNode? node in JsonNode.Parse(Query(RuntimeHooks.OutboxState, "[]"))!.AsArray())
        {
            string to = node!["to"]!.GetValue<string>();
            ulong next = node["next"]!.GetValue<ulong>();
            if (!_out.TryGetValue(to, out OutStream? stream)) stream = NewStream(to, null);
            while (stream.Window.NextSequence < next) stream.Window.Assign();
        }
        Pump();
    }

    /// <summary>How long the shell may wait before <see cref="Poll"/> has work (retransmissions).</summary>
    public TimeSpan NextWakeup =>
        _out.Values.Where(s => s.Schedule.IsArmed).Select(s => s.Schedule.TimeUntilDue).DefaultIfEmpty(TimeSpan.FromSeconds(1)).Min();

    /// <summary>Handles what arrived, delivers what is in order, and (re)transmits.</summary>
    public void Poll()
    {
        while (_udp.Incoming.TryRead(out ReceivedDatagram received))
        {
            Handle(received.Datagram, received.Source);
        }
        try
        {
            if (_polled.CurrentCount == 0) _polled.Release();
        }
        catch (SemaphoreFullException)
        {
        }
        // Messages that arrived while no handler was set, now that one is.
        while (_runner.Query(RuntimeHooks.InboxReady) is > 0)
        {
            if (_runner.RunHook(RuntimeHooks.DeliverWaiting, "", out _) != TurnOutcome.Committed) break;
        }
        Pump();
    }

    private void Handle(in Datagram d, IPEndPoint source)
    {
        switch (d.Kind)
        {
            case DatagramKind.Data:
                HandleData(d, source);
                break;
            case DatagramKind.Ack:
                if (d.StreamFrom == _self && _out.TryGetValue(d.StreamTo, out OutStream? acked)) ApplyAck(acked, d);
                break;
            case DatagramKind.ResetNotice:
                if (d.StreamFrom == _self && _out.TryGetValue(d.StreamTo, out OutStream? reset) && reset.Window.OnResetNotice(d))
                {
                    reset.SentThrough = reset.Window.AckedThrough; // everything outstanding goes again, now
                    reset.Schedule.Disarm();
                }
                break;
        }
    }

    private void HandleData(in Datagram d, IPEndPoint source)
    {
        var key = (d.StreamFrom, d.StreamTo);
        if (!_in.TryGetValue(key, out ReceiverWindow? window))
        {
            window = new ReceiverWindow(_incarnation);
            _in[key] = window;
        }
        switch (window.Classify(d))
        {
            case ReceiveDecision.NotForMe:
                _network.Send(source, Datagram.ResetNoticeFor(d, _incarnation));
                return;
            case ReceiveDecision.Duplicate:
                _network.Send(source, Datagram.AckFor(d, _incarnation, window.LastDelivered));
                return;
            case ReceiveDecision.Needed:
                break;
            default:
                return;
        }
        ReassemblyResult r = _reassembler.Add(d);
        if (!r.IsComplete) return;
        window.Accept(d, r.Message!);
        bool delivered = false;
        while (window.TryTakeNext(out InboundMessage m))
        {
            // The delivering turn saves the window's next state with it.
            var next = new ReceiverWindowState(m.Sender, m.Sequence, window.Seen.ToArray());
            string argument = JsonSerializer.Serialize(new Dictionary<string, string>
            {
                ["from"] = d.StreamFrom,
                ["key"] = d.StreamFrom + "\n" + d.StreamTo,
                ["state"] = EncodeState(next),
                ["data"] = Convert.ToBase64String(m.Message),
            });
            if (_runner.RunHook(RuntimeHooks.Deliver, argument, out _) != TurnOutcome.Committed)
            {
                window.ReleaseTaken(); // not delivered: the sender will send it again
                break;
            }
            window.MarkDelivered(m.Sender, m.Sequence);
            delivered = true;
        }
        // Acknowledge only what is durable.
        if (delivered) _network.Send(source, Datagram.AckFor(d, _incarnation, window.LastDelivered));
    }

    private void ApplyAck(OutStream stream, in Datagram d)
    {
        if (!stream.Window.OnAck(d)) return;
        stream.SentThrough = Math.Max(stream.SentThrough, stream.Window.AckedThrough);
        foreach (ulong seq in stream.Cache.Keys.Where(k => k <= stream.Window.AckedThrough).ToList()) stream.Cache.Remove(seq);
        if (stream.Window.Unacknowledged == 0) stream.Schedule.Disarm();
        else stream.Schedule.OnProgress();
        // Free the heap's copies. Lazily durable is enough: after a crash an
        // old message is answered as a duplicate with a fresh ack.
        if (stream.Window.AckedThrough > stream.PersistedAcked &&
            _runner.RunHook(RuntimeHooks.Acked, stream.To + "\n" + stream.Window.AckedThrough, out _) == TurnOutcome.Committed)
        {
            stream.PersistedAcked = stream.Window.AckedThrough;
        }
    }

    private void Pump()
    {
        foreach (OutStream s in _out.Values)
        {
            SenderWindow w = s.Window;
            if (w.Unacknowledged == 0 || s.Destination is null) continue;
            // While the peer's incarnation is unknown, probe with the first message only.
            ulong allowed = w.Peer.IsZero ? 1UL : (ulong)WindowSize;
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
            if (sentNew && !s.Schedule.IsArmed) s.Schedule.Arm();
        }
    }

    private void Transmit(OutStream s, ulong sequence)
    {
        if (!s.Cache.TryGetValue(sequence, out byte[]? bytes))
        {
            string base64 = _runner.QueryText(RuntimeHooks.OutboxMessage, s.To + "\n" + sequence);
            if (base64.Length == 0) return; // already acknowledged and freed
            bytes = Convert.FromBase64String(base64);
            s.Cache[sequence] = bytes;
        }
        Datagram template = s.Window.DataTemplate(_self, s.To, sequence);
        foreach (Datagram fragment in _fragmenter.Fragment(template, bytes)) _network.Send(s.Destination!, fragment);
    }

    private static string EncodeState(ReceiverWindowState state) => JsonSerializer.Serialize(new
    {
        sender = state.Sender.ToString(),
        last = state.LastDelivered,
        seen = state.Seen.Select(i => i.ToString()).ToArray(),
    });

    private static ReceiverWindowState DecodeState(string json)
    {
        JsonNode node = JsonNode.Parse(json)!;
        return new ReceiverWindowState(
            Incarnation.Parse(node["sender"]!.GetValue<string>()),
            node["last"]!.GetValue<ulong>(),
            node["seen"]!.AsArray().Select(n => Incarnation.Parse(n!.GetValue<string>())).ToArray());
    }

    public void Dispose()
    {
        _watch?.Cancel();
        (_network as IDisposable)?.Dispose();
        _udp.Dispose();
    }
}
