using System.Collections.Concurrent;
using System.Net;
using KenShell.Messaging;

namespace KenShell.Tests.Messaging;

/// <summary>
/// Runs a <see cref="ProtocolNode"/> over a real <see cref="UdpTransport"/> (its sends
/// going through a <see cref="LossyTransport"/>) on a thread of its own, the way the
/// shell's event loop would: drain received datagrams, pump, sleep until the next
/// datagram or retransmission. <see cref="Invoke{T}"/> runs code on that thread.
/// </summary>
internal sealed class UdpNodeRunner : IDisposable
{
    private readonly ConcurrentQueue<Action> _commands = new();
    private readonly Thread _thread;
    private volatile bool _stop;
    private Exception? _failure;

    public UdpNodeRunner(IPEndPoint bind, NetworkFaults faults, ProtocolOptions options)
    {
        Transport = UdpTransport.Bind(bind);
        Lossy = new LossyTransport(Transport, faults);
        IPEndPoint local = Transport.LocalEndPoint;
        Self = PeerAddress.Parse(local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? $"[{local.Address}]:{local.Port}"
            : $"{local.Address}:{local.Port}").ToString();
        Options = options;
        Node = new ProtocolNode(Self, Incarnation.NewRandom(), Lossy, TimeProvider.System, options);
        _thread = new Thread(Loop) { IsBackground = true, Name = $"node {Self}" };
        _thread.Start();
    }

    public UdpTransport Transport { get; }
    public LossyTransport Lossy { get; }
    public string Self { get; }
    public ProtocolOptions Options { get; }
    public IPEndPoint EndPoint => Transport.LocalEndPoint;

    /// <summary>The node; touch it only inside <see cref="Invoke{T}"/>.</summary>
    public ProtocolNode Node { get; set; }

    /// <summary>Every incarnation this runner has had (a reset adds one), with its last node.</summary>
    public List<ProtocolNode> Incarnations { get; } = [];

    private void Loop()
    {
        try
        {
            while (!_stop)
            {
                while (_commands.TryDequeue(out Action? command)) command();
                while (Transport.Incoming.TryRead(out ReceivedDatagram r)) Node.Handle(r.Datagram, r.Source);
                Node.Pump();
                TimeSpan wait = Node.NextWakeup;
                if (wait == Timeout.InfiniteTimeSpan || wait > TimeSpan.FromMilliseconds(5)) wait = TimeSpan.FromMilliseconds(5);
                if (wait > TimeSpan.Zero && _commands.IsEmpty) Transport.Incoming.WaitToReadAsync().AsTask().Wait(wait);
            }
        }
        catch (Exception e)
        {
            _failure = e;
        }
    }

    public T Invoke<T>(Func<ProtocolNode, T> action)
    {
        if (_failure is not null) throw new InvalidOperationException("the node's loop failed", _failure);
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _commands.Enqueue(() =>
        {
            try { done.SetResult(action(Node)); }
            catch (Exception e) { done.SetException(e); }
        });
        if (!done.Task.Wait(TimeSpan.FromSeconds(30))) throw new TimeoutException("the node's loop did not answer");
        return done.Task.Result;
    }

    /// <summary>kill -9 and restart: durable state only, same incarnation; received datagrams queued meanwhile are lost.</summary>
    public void Crash(TimeSpan downtime) => Invoke(node =>
    {
        Thread.Sleep(downtime);
        while (Transport.Incoming.TryRead(out _)) { }
        Node = node.Crash(Lossy);
        if (Incarnations.Count > 0) Incarnations[^1] = Node;
        return 0;
    });

    /// <summary>rm ken_* and restart: a new incarnation with nothing of the old one.</summary>
    public void Reset(TimeSpan downtime) => Invoke(node =>
    {
        if (Incarnations.Count == 0) Incarnations.Add(node);
        Thread.Sleep(downtime);
        while (Transport.Incoming.TryRead(out _)) { }
        Node = new ProtocolNode(Self, Incarnation.NewRandom(), Lossy, TimeProvider.System, Options);
        Incarnations.Add(Node);
        return 0;
    });

    /// <summary>Waits until <paramref name="condition"/> (evaluated on the node's thread) holds.</summary>
    public static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < timeout)
        {
            if (condition()) return true;
            Thread.Sleep(20);
        }
        return condition();
    }

    public void Dispose()
    {
        _stop = true;
        _thread.Join(TimeSpan.FromSeconds(5));
        Lossy.Dispose();
        Transport.Dispose();
    }
}
