using System.Net;
using KenShell.Messaging;

namespace KenShell.Tests.Messaging;

/// <summary>
/// A test harness around the shipping <see cref="ProtocolEngine"/> (the code the shell
/// runs): its durable side (<see cref="IProtocolStore"/>) is kept in collections that
/// survive <see cref="Crash"/> — queued messages, delivered messages, receiver window
/// states, a lazily persisted acked-through — as the heap does in the shell; everything
/// else is lost, as in a kill -9. A store reset is a new node with a new incarnation at
/// the same address.
/// </summary>
internal sealed class ProtocolNode : IProtocolStore
{
    public sealed record Delivery(string From, Incarnation Receiver, Incarnation Sender, ulong Sequence, byte[] Message);

    /// <summary>Short retransmission intervals, so that simulations and loopback runs converge quickly.</summary>
    public static readonly ProtocolOptions TestOptions = new()
    {
        InitialRetransmit = TimeSpan.FromMilliseconds(20),
        MaxRetransmit = TimeSpan.FromMilliseconds(200),
    };

    /// <summary>What a kill -9 keeps (the heap and the store, in the shell).</summary>
    private sealed class Durable
    {
        public Dictionary<string, List<byte[]>> Queued { get; } = new(StringComparer.Ordinal); // message n has sequence n + 1
        public Dictionary<string, IPEndPoint> Destinations { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, ulong> PersistedAcked { get; } = new(StringComparer.Ordinal);
        public Dictionary<(string From, string To), ReceiverWindowState> Windows { get; } = [];
        public List<Delivery> Delivered { get; } = [];
    }

    private readonly Durable _durable;
    private readonly Dictionary<string, ulong> _acked = new(StringComparer.Ordinal); // volatile: not yet persisted
    private readonly TimeProvider _clock;
    private readonly ProtocolOptions _options;

    public ProtocolNode(string self, Incarnation incarnation, IDatagramSender network, TimeProvider clock, ProtocolOptions? options = null)
        : this(self, incarnation, network, clock, options ?? TestOptions, new Durable())
    {
    }

    private ProtocolNode(string self, Incarnation incarnation, IDatagramSender network, TimeProvider clock, ProtocolOptions options, Durable durable)
    {
        _clock = clock;
        _options = options;
        _durable = durable;
        Engine = new ProtocolEngine(self, incarnation, network, this, to => _durable.Destinations.GetValueOrDefault(to), clock, options);
        // Only numbers are persisted: the peer's incarnation is learnt again from a notice.
        Engine.Restore(
            durable.Queued.Select(q => (q.Key, new SenderWindowState((ulong)q.Value.Count + 1, durable.PersistedAcked.GetValueOrDefault(q.Key)))),
            durable.Windows.Select(w => (w.Key.From, w.Key.To, w.Value)));
    }

    /// <summary>The shipping protocol engine this node drives.</summary>
    public ProtocolEngine Engine { get; }

    public string Self => Engine.Self;
    public Incarnation Incarnation => Engine.Incarnation;
    public IReadOnlyDictionary<string, List<byte[]>> Queued => _durable.Queued;
    public List<Delivery> Delivered => _durable.Delivered;
    public Reassembler Reassembler => Engine.Reassembler;
    public bool AllAcknowledged => Engine.AllAcknowledged;

    /// <summary>Queues a message for <paramref name="to"/> (what the sending turn does, then the engine numbers it).</summary>
    public ulong Enqueue(string to, IPEndPoint destination, byte[] message)
    {
        _durable.Destinations[to] = destination;
        if (!_durable.Queued.TryGetValue(to, out List<byte[]>? queue)) _durable.Queued[to] = queue = [];
        queue.Add(message);
        Engine.Queued(to, (ulong)queue.Count + 1);
        return (ulong)queue.Count;
    }

    public void Handle(in Datagram d, IPEndPoint source) => Engine.Handle(d, source);

    public void Pump() => Engine.Pump();

    /// <summary>How long the driver may sleep before <see cref="Pump"/> has work.</summary>
    public TimeSpan NextWakeup => Engine.NextWakeup ?? Timeout.InfiniteTimeSpan;

    /// <summary>The lazy heap update that records acks.</summary>
    public void PersistAcks()
    {
        foreach ((string to, ulong through) in _acked) _durable.PersistedAcked[to] = through;
    }

    /// <summary>kill -9 and restart: the same store, so the same incarnation; only durable state survives.</summary>
    public ProtocolNode Crash(IDatagramSender network) => new(Self, Incarnation, network, _clock, _options, _durable);

    byte[]? IProtocolStore.QueuedMessage(string to, ulong sequence) =>
        _durable.Queued.TryGetValue(to, out List<byte[]>? queue) && sequence >= 1 && sequence <= (ulong)queue.Count ? queue[(int)sequence - 1] : null;

    // The delivering turn: its effects and the window state commit together.
    bool IProtocolStore.Deliver(string streamFrom, string streamTo, InboundMessage message, ReceiverWindowState next)
    {
        _durable.Delivered.Add(new Delivery(streamFrom, Incarnation, message.Sender, message.Sequence, message.Message));
        _durable.Windows[(streamFrom, streamTo)] = next;
        return true;
    }

    // Lazily durable: remembered now, persisted at the next PersistAcks.
    bool IProtocolStore.Acknowledged(string to, ulong ackedThrough)
    {
        _acked[to] = ackedThrough;
        return false;
    }
}
