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
/// The protocol itself is <see cref="ProtocolEngine"/> (Messaging/), the same
/// code the protocol simulations run; this class is its durable side
/// (<see cref="IProtocolStore"/>: the heap, through turns and queries) and
/// its event-loop glue. All protocol state that matters across crashes is in
/// the heap; the engine is rebuilt from it at start and after a rollback
/// (<see cref="Load"/>).
/// </summary>
public sealed class MessageDriver : IDisposable, IProtocolStore
{
    private readonly TurnRunner _runner;
    private readonly TextWriter _stderr;
    private readonly UdpTransport _udp;
    private readonly IDatagramSender _network;
    private readonly ProtocolEngine _engine;
    private readonly HashSet<string> _unreachable = new(StringComparer.Ordinal);

    private MessageDriver(string self, Incarnation incarnation, TurnRunner runner, TextWriter stderr, UdpTransport udp, IDatagramSender network)
    {
        _runner = runner;
        _stderr = stderr;
        _udp = udp;
        _network = network;
        _engine = new ProtocolEngine(self, incarnation, network, this, Resolve);
    }

    /// <summary>Binds the shell's address. Null (with a warning) when it cannot: the shell then runs without a network.</summary>
    /// <param name="faults">Faults to inject into what is sent (KENSHELL_NET_FAULTS); null for none.</param>
    public static MessageDriver? Start(string address, byte[] storeId, TurnRunner runner, TextWriter stderr, NetworkFaults? faults)
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
        var outgoing = new List<(string, SenderWindowState)>();
        foreach (JsonNode? node in JsonNode.Parse(Query(RuntimeHooks.OutboxState, "[]"))!.AsArray())
        {
            string to = node!["to"]!.GetValue<string>();
            ulong next = node["next"]!.GetValue<ulong>();
            ulong acked = node["acked"]!.GetValue<ulong>();
            outgoing.Add((to, new SenderWindowState(next, acked)));
        }
        var incoming = new List<(string, string, ReceiverWindowState)>();
        foreach (JsonNode? node in JsonNode.Parse(Query(RuntimeHooks.InWindowStates, "[]"))!.AsArray())
        {
            string key = node!["key"]!.GetValue<string>();
            int cut = key.IndexOf('\n');
            incoming.Add((key[..cut], key[(cut + 1)..], DecodeState(node["state"]!.GetValue<string>())));
        }
        _engine.Restore(outgoing, incoming);
    }

    private string Query(string name, string fallback)
    {
        string answer = _runner.QueryText(name);
        return answer.Length == 0 ? fallback : answer;
    }

    private IPEndPoint? Resolve(string to)
    {
        IPEndPoint? destination = null;
        if (PeerAddress.TryParse(to, out PeerAddress? peer, out string? error))
        {
            if (peer.TryResolve(System.Net.Sockets.AddressFamily.Unspecified, out IPEndPoint? endPoint, out string? resolveError)) destination = endPoint;
            else error = resolveError;
        }
        if (destination is null && _unreachable.Add(to))
            _stderr.WriteLine($"kenshell: warning: messages to '{to}' stay queued: {error}");
        return destination;
    }

    /// <summary>After a committed turn: number what it queued, and send.</summary>
    public void AfterTurn()
    {
        foreach (JsonNode? node in JsonNode.Parse(Query(RuntimeHooks.OutboxState, "[]"))!.AsArray())
        {
            _engine.Queued(node!["to"]!.GetValue<string>(), node["next"]!.GetValue<ulong>());
        }
        _engine.Pump();
    }

    /// <summary>How long the shell may wait before <see cref="Poll"/> has work (retransmissions).</summary>
    public TimeSpan NextWakeup => _engine.NextWakeup ?? TimeSpan.FromSeconds(1);

    /// <summary>Handles what arrived, delivers what is in order, and (re)transmits.</summary>
    public void Poll()
    {
        while (_udp.Incoming.TryRead(out ReceivedDatagram received))
        {
            _engine.Handle(received.Datagram, received.Source);
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
        _engine.Pump();
    }

    byte[]? IProtocolStore.QueuedMessage(string to, ulong sequence)
    {
        string base64 = _runner.QueryText(RuntimeHooks.OutboxMessage, to + "\n" + sequence);
        return base64.Length == 0 ? null : Convert.FromBase64String(base64);
    }

    // The delivering turn saves the window's next state with the message.
    bool IProtocolStore.Deliver(string streamFrom, string streamTo, InboundMessage message, ReceiverWindowState next)
    {
        string argument = JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["from"] = streamFrom,
            ["key"] = streamFrom + "\n" + streamTo,
            ["state"] = EncodeState(next),
            ["data"] = Convert.ToBase64String(message.Message),
        });
        return _runner.RunHook(RuntimeHooks.Deliver, argument, out _) == TurnOutcome.Committed;
    }

    // Frees the heap's copies, in a small turn of its own.
    bool IProtocolStore.Acknowledged(string to, ulong ackedThrough) =>
        _runner.RunHook(RuntimeHooks.Acked, to + "\n" + ackedThrough, out _) == TurnOutcome.Committed;

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
