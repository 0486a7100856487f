using System.Net;

namespace KenShell.Messaging;

/// <summary>
/// Wraps the send path of an <see cref="IDatagramSender"/> (normally a
/// <see cref="UdpTransport"/>) with datagram faults, for tests, or for the shell when
/// <c>KENSHELL_NET_FAULTS</c> is set: each datagram is dropped with probability
/// <see cref="NetworkFaults.Loss"/>; a surviving one is sent twice with probability
/// <see cref="NetworkFaults.Duplicate"/>; each copy is held back for a random time up
/// to <see cref="NetworkFaults.MaxDelay"/> with probability
/// <see cref="NetworkFaults.Reorder"/>, letting later datagrams overtake it. Decisions
/// come from one RNG seeded with <see cref="NetworkFaults.Seed"/> (the decision
/// sequence repeats; thread timing, of course, does not). Held-back datagrams are
/// sent by a background thread; disposing drops those still held.
/// A dropped datagram still reports success, as a real network would.
/// </summary>
public sealed class LossyTransport : IDatagramSender, IDisposable
{
    private readonly IDatagramSender _inner;
    private readonly Random _random;
    private readonly PriorityQueue<(IPEndPoint Destination, byte[] Bytes), long> _held = new();
    private readonly object _lock = new();
    private readonly Thread _releaser;
    private bool _disposed;
    private long _dropped, _duplicated, _delayed, _passed;

    public LossyTransport(IDatagramSender inner, NetworkFaults faults)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        Faults = faults ?? throw new ArgumentNullException(nameof(faults));
        _random = new Random(faults.Seed);
        _releaser = new Thread(ReleaseLoop) { IsBackground = true, Name = "kenshell-lossy" };
        _releaser.Start();
    }

    public NetworkFaults Faults { get; }

    /// <summary>Datagrams dropped on purpose.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);
    /// <summary>Extra copies sent.</summary>
    public long Duplicated => Interlocked.Read(ref _duplicated);
    /// <summary>Copies held back (reordered).</summary>
    public long Delayed => Interlocked.Read(ref _delayed);
    /// <summary>Copies handed to the wrapped sender, at once or after their hold-back.</summary>
    public long Passed => Interlocked.Read(ref _passed);

    public bool SendEncoded(IPEndPoint destination, ReadOnlySpan<byte> datagram)
    {
        int copies;
        Span<long> delays = stackalloc long[2];
        lock (_lock)
        {
            if (_disposed) return false;
            if (_random.NextDouble() < Faults.Loss)
            {
                _dropped++;
                return true;
            }
            copies = _random.NextDouble() < Faults.Duplicate ? 2 : 1;
            for (int i = 0; i < copies; i++)
            {
                delays[i] = _random.NextDouble() < Faults.Reorder
                    ? 1 + (long)(_random.NextDouble() * Faults.MaxDelay.Ticks)
                    : 0;
            }
            if (copies == 2) _duplicated++;
            long now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
            bool heldAny = false;
            for (int i = 0; i < copies; i++)
            {
                if (delays[i] == 0) continue;
                _held.Enqueue((destination, datagram.ToArray()), now + delays[i]);
                _delayed++;
                heldAny = true;
            }
            if (heldAny) Monitor.PulseAll(_lock);
        }
        bool ok = true;
        for (int i = 0; i < copies; i++)
        {
            if (delays[i] != 0) continue;
            Interlocked.Increment(ref _passed);
            ok &= _inner.SendEncoded(destination, datagram);
        }
        return ok;
    }

    private void ReleaseLoop()
    {
        var due = new List<(IPEndPoint, byte[])>();
        while (true)
        {
            lock (_lock)
            {
                while (!_disposed)
                {
                    long now = Environment.TickCount64 * TimeSpan.TicksPerMillisecond;
                    while (_held.TryPeek(out (IPEndPoint, byte[]) item, out long at) && at <= now)
                    {
                        _held.Dequeue();
                        due.Add(item);
                    }
                    if (due.Count > 0) break;
                    int wait = _held.TryPeek(out _, out long next)
                        ? (int)Math.Clamp((next - now) / TimeSpan.TicksPerMillisecond, 1, 1000)
                        : 1000;
                    Monitor.Wait(_lock, wait);
                }
                if (_disposed) return;
            }
            foreach ((IPEndPoint destination, byte[] bytes) in due)
            {
                Interlocked.Increment(ref _passed);
                _inner.SendEncoded(destination, bytes);
            }
            due.Clear();
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _held.Clear();
            Monitor.PulseAll(_lock);
        }
        if (Thread.CurrentThread != _releaser) _releaser.Join(TimeSpan.FromSeconds(5));
    }

    public override string ToString() =>
        $"faults {Faults}: {Dropped} dropped, {Duplicated} duplicated, {Delayed} delayed, {Passed} passed";
}
