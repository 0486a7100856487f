using System.Net;
using KenShell.Messaging;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Messaging;

/// <summary>
/// The pieces over real UDP on loopback (IPv4 and IPv6), through <see cref="LossyTransport"/>
/// with 20% loss, 10% duplication and 20% reordering: thousands of messages both ways,
/// exactly once and in order; the same across kill -9 of the sender and a reset of the
/// receiver's store; and one 16 MB message.
/// </summary>
public sealed class LoopbackProtocolTests(ITestOutputHelper output)
{
    private static readonly NetworkFaults Faults = NetworkFaults.Parse("loss=0.2,dup=0.1,reorder=0.2,delay=20,seed=7");
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static List<byte[]> Messages(int count, int seed)
    {
        var random = new Random(seed);
        var messages = new List<byte[]>();
        for (int i = 0; i < count; i++)
        {
            int size = random.NextDouble() switch { < 0.9 => random.Next(0, 300), < 0.98 => random.Next(300, 3000), _ => random.Next(3000, 20000) };
            var m = new byte[size];
            random.NextBytes(m);
            messages.Add(m);
        }
        return messages;
    }

    private static void AssertExactlyOnceInOrder(IReadOnlyList<byte[]> sent, IEnumerable<ProtocolNode.Delivery> delivered, string from)
    {
        List<ProtocolNode.Delivery> got = delivered.Where(d => d.From == from).ToList();
        Assert.Equal(sent.Count, got.Count);
        for (int i = 0; i < got.Count; i++)
        {
            Assert.Equal((ulong)(i + 1), got[i].Sequence);
            Assert.True(sent[i].AsSpan().SequenceEqual(got[i].Message), $"message {i + 1} differs");
        }
    }

    private void BothWays(IPEndPoint bind, int count)
    {
        var options = ProtocolNode.TestOptions with { WindowSize = 64 };
        using var a = new UdpNodeRunner(bind, Faults, options);
        using var b = new UdpNodeRunner(bind, Faults with { Seed = 8 }, options);
        List<byte[]> toB = Messages(count, 1), toA = Messages(count, 2);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        a.Invoke(n => { foreach (byte[] m in toB) n.Enqueue(b.Self, b.EndPoint, m); return 0; });
        b.Invoke(n => { foreach (byte[] m in toA) n.Enqueue(a.Self, a.EndPoint, m); return 0; });

        Assert.True(UdpNodeRunner.WaitUntil(() => a.Invoke(n => n.AllAcknowledged) && b.Invoke(n => n.AllAcknowledged), Patience),
            $"not all acknowledged: A {a.Invoke(n => n.Delivered.Count)} delivered, B {b.Invoke(n => n.Delivered.Count)} delivered");
        Thread.Sleep(100); // let late duplicates arrive: they must change nothing
        output.WriteLine($"{count} messages each way over {bind.AddressFamily} in {watch.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"A: {a.Transport.Counters}; {a.Lossy}");
        output.WriteLine($"B: {b.Transport.Counters}; {b.Lossy}");

        a.Invoke(n => { AssertExactlyOnceInOrder(toA, n.Delivered, b.Self); return 0; });
        b.Invoke(n => { AssertExactlyOnceInOrder(toB, n.Delivered, a.Self); return 0; });
        Assert.True(a.Transport.Counters.Sent + b.Transport.Counters.Sent > 2 * count);
        Assert.True(a.Lossy.Dropped > 0 && a.Lossy.Duplicated > 0 && a.Lossy.Delayed > 0);
        Assert.Equal(0, a.Transport.Counters.DroppedMalformed + b.Transport.Counters.DroppedMalformed);
    }

    [Fact]
    public void ThousandsOfMessagesBothWaysOverIPv4() => BothWays(new IPEndPoint(IPAddress.Loopback, 0), 3000);

    [Fact]
    public void ThousandsOfMessagesBothWaysOverIPv6()
    {
        if (!UdpTransportTests.HasIPv6Loopback(out string why))
        {
            output.WriteLine($"SKIPPED: no IPv6 loopback on this machine: {why}");
            return;
        }
        BothWays(new IPEndPoint(IPAddress.IPv6Loopback, 0), 3000);
    }

    [Fact]
    public void SenderCrashesAndAReceiverResetLoseAndDoubleNothing()
    {
        var options = ProtocolNode.TestOptions with { WindowSize = 32 };
        using var a = new UdpNodeRunner(new IPEndPoint(IPAddress.Loopback, 0), Faults, options);
        using var b = new UdpNodeRunner(new IPEndPoint(IPAddress.Loopback, 0), Faults with { Seed = 9 }, options);
        b.Invoke(n => { b.Incarnations.Add(n); return 0; });
        List<byte[]> messages = Messages(2000, 3);
        int queued = 0;
        void Queue(int upTo) => a.Invoke(n =>
        {
            for (; queued < upTo; queued++) n.Enqueue(b.Self, b.EndPoint, messages[queued]);
            n.PersistAcks();
            return 0;
        });

        Queue(500);
        Thread.Sleep(150);
        a.Crash(TimeSpan.FromMilliseconds(30)); // acks since the last persist are forgotten; so is the peer's incarnation
        Queue(1000);
        Thread.Sleep(150);
        b.Reset(TimeSpan.FromMilliseconds(100)); // the receiver's store is gone: a new incarnation at the same address
        Queue(1500);
        Thread.Sleep(100);
        a.Crash(TimeSpan.FromMilliseconds(10));
        Queue(2000);

        Assert.True(UdpNodeRunner.WaitUntil(() => a.Invoke(n => n.AllAcknowledged), Patience), "not all acknowledged");
        Thread.Sleep(100);
        List<ProtocolNode> incarnations = b.Invoke(_ => b.Incarnations.ToList());
        Assert.Equal(2, incarnations.Count);
        ulong covered = 0;
        foreach (ProtocolNode incarnation in incarnations)
        {
            List<ProtocolNode.Delivery> got = b.Invoke(_ => incarnation.Delivered.ToList());
            output.WriteLine($"incarnation {incarnation.Incarnation}: {got.Count} messages, {(got.Count > 0 ? $"{got[0].Sequence}..{got[^1].Sequence}" : "none")}");
            for (int i = 0; i < got.Count; i++)
            {
                if (i == 0) Assert.True(got[0].Sequence <= covered + 1, $"gap: {covered} then {got[0].Sequence}");
                else Assert.Equal(got[i - 1].Sequence + 1, got[i].Sequence);
                Assert.True(messages[(int)got[i].Sequence - 1].AsSpan().SequenceEqual(got[i].Message));
            }
            if (got.Count > 0) covered = Math.Max(covered, got[^1].Sequence);
        }
        Assert.Equal(2000UL, covered);
        // The second incarnation picks up where the first left off (at most the few messages in flight at the reset again).
        List<ProtocolNode.Delivery> first = b.Invoke(_ => incarnations[0].Delivered.ToList());
        List<ProtocolNode.Delivery> second = b.Invoke(_ => incarnations[1].Delivered.ToList());
        Assert.NotEmpty(first);
        // (Added, not subtracted: with fewer than 64 delivered before the reset, a
        // slow machine's case, the unsigned difference wrapped around.)
        Assert.True(second[0].Sequence + 64 > (ulong)first.Count, $"{second[0].Sequence} vs {first.Count}");
    }

    [Fact]
    public void ASixteenMegabyteMessageGetsThroughALossyNetwork()
    {
        var options = ProtocolNode.TestOptions with { WindowSize = 4, InitialRetransmit = TimeSpan.FromMilliseconds(250), MaxRetransmit = TimeSpan.FromSeconds(2) };
        using var a = new UdpNodeRunner(new IPEndPoint(IPAddress.Loopback, 0), Faults, options);
        using var b = new UdpNodeRunner(new IPEndPoint(IPAddress.Loopback, 0), Faults with { Seed = 10 }, options);
        byte[] big = new byte[16 << 20];
        new Random(16).NextBytes(big);
        byte[] small = [1, 2, 3];
        var watch = System.Diagnostics.Stopwatch.StartNew();
        a.Invoke(n => { n.Enqueue(b.Self, b.EndPoint, small); n.Enqueue(b.Self, b.EndPoint, big); n.Enqueue(b.Self, b.EndPoint, small); return 0; });
        Assert.True(UdpNodeRunner.WaitUntil(() => a.Invoke(n => n.AllAcknowledged), Patience), "not acknowledged");
        output.WriteLine($"16 MB in {watch.Elapsed.TotalSeconds:F1} s; A: {a.Transport.Counters}; {a.Lossy}");
        output.WriteLine($"B: {b.Transport.Counters}; reassembler: {b.Invoke(n => n.Reassembler.Completed)} completed, " +
                         $"{b.Invoke(n => n.Reassembler.DuplicateFragments)} duplicate fragments, {b.Invoke(n => n.Reassembler.PartialCount)} partial");
        b.Invoke(n => { AssertExactlyOnceInOrder([small, big, small], n.Delivered, a.Self); return 0; });
    }
}
