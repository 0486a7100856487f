using System.Collections.Concurrent;
using System.Net;
using KenShell.Messaging;
using Xunit;

namespace KenShell.Tests.Messaging;

/// <summary>The fault injector on the send path: loss, duplication, hold-back (reordering), seeded.</summary>
public sealed class LossyTransportTests
{
    private sealed class Recorder : IDatagramSender
    {
        public ConcurrentQueue<byte[]> Sent { get; } = new();

        public bool SendEncoded(IPEndPoint destination, ReadOnlySpan<byte> datagram)
        {
            Sent.Enqueue(datagram.ToArray());
            return true;
        }
    }

    private static readonly IPEndPoint Somewhere = new(IPAddress.Loopback, 9);

    private static byte[] Numbered(int i) => BitConverter.GetBytes(i);

    [Fact]
    public void TotalLossDropsEverythingButReportsSuccess()
    {
        var inner = new Recorder();
        using var lossy = new LossyTransport(inner, new NetworkFaults { Loss = 1 });
        for (int i = 0; i < 100; i++) Assert.True(lossy.SendEncoded(Somewhere, Numbered(i)));
        Assert.Empty(inner.Sent);
        Assert.Equal(100, lossy.Dropped);
    }

    [Fact]
    public void DuplicationSendsTwice()
    {
        var inner = new Recorder();
        using var lossy = new LossyTransport(inner, new NetworkFaults { Duplicate = 1 });
        for (int i = 0; i < 50; i++) lossy.SendEncoded(Somewhere, Numbered(i));
        Assert.Equal(Enumerable.Range(0, 50).SelectMany(i => new[] { i, i }), inner.Sent.Select(b => BitConverter.ToInt32(b)));
        Assert.Equal(50, lossy.Duplicated);
        Assert.Equal(100, lossy.Passed);
    }

    [Fact]
    public void HeldBackDatagramsArriveLaterAndOutOfOrder()
    {
        var inner = new Recorder();
        using var lossy = new LossyTransport(inner, new NetworkFaults { Reorder = 0.5, MaxDelay = TimeSpan.FromMilliseconds(300), Seed = 3 });
        for (int i = 0; i < 200; i++) lossy.SendEncoded(Somewhere, Numbered(i));
        Assert.True(lossy.Delayed > 50);
        Assert.True(inner.Sent.Count < 200);
        SpinWait.SpinUntil(() => inner.Sent.Count == 200, TimeSpan.FromSeconds(5));
        int[] order = inner.Sent.Select(b => BitConverter.ToInt32(b)).ToArray();
        Assert.Equal(Enumerable.Range(0, 200), order.Order());
        Assert.NotEqual(Enumerable.Range(0, 200), order);
        Assert.Equal(200, lossy.Passed);
    }

    [Fact]
    public void TheSameSeedMakesTheSameDecisions()
    {
        int[] Run(int seed)
        {
            var inner = new Recorder();
            using var lossy = new LossyTransport(inner, new NetworkFaults { Loss = 0.3, Duplicate = 0.3, Seed = seed });
            for (int i = 0; i < 500; i++) lossy.SendEncoded(Somewhere, Numbered(i));
            return inner.Sent.Select(b => BitConverter.ToInt32(b)).ToArray();
        }
        Assert.Equal(Run(7), Run(7));
        Assert.NotEqual(Run(7), Run(8));
        int[] sample = Run(7);
        Assert.InRange(sample.Distinct().Count(), 300, 400); // ~70% survive
    }

    [Fact]
    public void DisposingDropsWhatIsHeldAndRefusesMore()
    {
        var inner = new Recorder();
        var lossy = new LossyTransport(inner, new NetworkFaults { Reorder = 1, MaxDelay = TimeSpan.FromSeconds(30) });
        for (int i = 0; i < 10; i++) lossy.SendEncoded(Somewhere, Numbered(i));
        lossy.Dispose();
        Assert.False(lossy.SendEncoded(Somewhere, Numbered(99)));
        Thread.Sleep(50);
        Assert.Empty(inner.Sent);
        lossy.Dispose();
    }
}
