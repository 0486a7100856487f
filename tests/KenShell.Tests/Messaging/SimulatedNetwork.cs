using System.Net;
using KenShell.Messaging;

namespace KenShell.Tests.Messaging;

/// <summary>
/// A deterministic network on a <see cref="ManualClock"/>: datagrams (encoded bytes)
/// are lost, duplicated and delayed by a seeded RNG, and handed out when due, in
/// random order. Lets protocol tests run thousands of crash/reset scenarios quickly.
/// </summary>
internal sealed class SimulatedNetwork(ManualClock clock, Random random, double loss, double duplicate, double reorder, TimeSpan maxDelay)
{
    private sealed class Port(SimulatedNetwork network, IPEndPoint source) : IDatagramSender
    {
        public bool SendEncoded(IPEndPoint destination, ReadOnlySpan<byte> datagram)
        {
            network.Add(source, destination, datagram.ToArray());
            return true;
        }
    }

    public readonly record struct InFlight(long Due, IPEndPoint From, IPEndPoint To, byte[] Bytes);

    private readonly List<InFlight> _inFlight = [];
    private readonly HashSet<byte[]> _injected = new(ReferenceEqualityComparer.Instance);

    public long Sent { get; private set; }
    public long Lost { get; private set; }
    public int InFlightCount => _inFlight.Count;

    public IDatagramSender PortFor(IPEndPoint source) => new Port(this, source);

    /// <summary>Puts raw bytes on the wire (forged or garbage datagrams).</summary>
    public void Inject(IPEndPoint from, IPEndPoint to, byte[] bytes)
    {
        _injected.Add(bytes);
        _inFlight.Add(new InFlight(clock.GetTimestamp(), from, to, bytes));
    }

    /// <summary>Whether <paramref name="bytes"/> were put on the wire by <see cref="Inject"/>.</summary>
    public bool IsInjected(byte[] bytes) => _injected.Contains(bytes);

    private void Add(IPEndPoint from, IPEndPoint to, byte[] bytes)
    {
        Sent++;
        if (random.NextDouble() < loss)
        {
            Lost++;
            return;
        }
        int copies = random.NextDouble() < duplicate ? 2 : 1;
        for (int i = 0; i < copies; i++)
        {
            long delay = TimeSpan.TicksPerMillisecond; // 1 ms of latency
            if (random.NextDouble() < reorder) delay += (long)(random.NextDouble() * maxDelay.Ticks);
            _inFlight.Add(new InFlight(clock.GetTimestamp() + delay, from, to, bytes));
        }
    }

    /// <summary>Removes and returns the datagrams due now, shuffled.</summary>
    public List<InFlight> TakeDue()
    {
        long now = clock.GetTimestamp();
        var due = new List<InFlight>();
        _inFlight.RemoveAll(d =>
        {
            if (d.Due > now) return false;
            due.Add(d);
            return true;
        });
        random.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(due));
        return due;
    }

    /// <summary>Drops everything addressed to <paramref name="to"/> (a node that is down).</summary>
    public void DropAllTo(IPEndPoint to) => _inFlight.RemoveAll(d => d.To.Equals(to));
}
