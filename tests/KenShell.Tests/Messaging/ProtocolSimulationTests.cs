using System.Net;
using KenShell.Messaging;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Messaging;

/// <summary>
/// The pieces composed into a protocol (<see cref="ProtocolNode"/>) on a deterministic
/// simulated network, two shells sending to each other at once: exactly-once,
/// per-sender FIFO delivery under loss, duplication, reordering, garbage datagrams,
/// kill -9 of either side (losing acks not yet persisted and every volatile bit),
/// resets of one side's store (a new incarnation at the same address), and the two
/// sides naming each other differently from how they name themselves.
/// </summary>
public sealed class ProtocolSimulationTests(ITestOutputHelper output)
{
    public sealed record Scenario(int Seed, int Messages, double Loss, double Duplicate, double Reorder,
        double CrashA = 0, double CrashB = 0, int ResetsB = 0, bool Aliased = false, int FragmentPayload = 256, int ResetDowntimeMs = 300)
    {
        public override string ToString() =>
            $"seed={Seed} n={Messages} loss={Loss} dup={Duplicate} reorder={Reorder} crashA={CrashA} crashB={CrashB} resetsB={ResetsB} aliased={Aliased} resetDowntime={ResetDowntimeMs}ms";
    }

    private static readonly IPEndPoint EndA = new(IPAddress.Loopback, 1001), EndB = new(IPAddress.Loopback, 1002);
    private const string SelfA = "127.0.0.1:1001", SelfB = "127.0.0.1:1002";

    private sealed class Side(string self, IPEndPoint endPoint)
    {
        public string Self { get; } = self;
        public IPEndPoint EndPoint { get; } = endPoint;
        public required ProtocolNode Node { get; set; }
        public long DownUntil { get; set; } = -1;
        public bool PendingReset { get; set; }
        public List<ProtocolNode> Incarnations { get; } = [];
    }

    private static byte[] RandomMessage(Random random)
    {
        int size = random.NextDouble() switch { < 0.7 => random.Next(0, 100), < 0.95 => random.Next(100, 1000), _ => random.Next(1000, 5000) };
        var bytes = new byte[size];
        random.NextBytes(bytes);
        return bytes;
    }

    private string Run(Scenario s)
    {
        var clock = new ManualClock();
        var random = new Random(s.Seed);
        var network = new SimulatedNetwork(clock, random, s.Loss, s.Duplicate, s.Reorder, TimeSpan.FromMilliseconds(30));
        var options = ProtocolNode.TestOptions with { FragmentPayload = s.FragmentPayload, WindowSize = 16 };
        string nameOfB = s.Aliased ? "localhost:1002" : SelfB, nameOfA = s.Aliased ? "localhost:1001" : SelfA;
        var a = new Side(SelfA, EndA) { Node = new ProtocolNode(SelfA, Incarnation.NewRandom(), network.PortFor(EndA), clock, options) };
        var b = new Side(SelfB, EndB) { Node = new ProtocolNode(SelfB, Incarnation.NewRandom(), network.PortFor(EndB), clock, options) };
        a.Incarnations.Add(a.Node);
        b.Incarnations.Add(b.Node);
        var resetSteps = new HashSet<int>(Enumerable.Range(0, s.ResetsB).Select(_ => random.Next(10, Math.Max(11, s.Messages * 3))));
        long garbage = 0, malformed = 0, crashes = 0;
        int sentA = 0, sentB = 0;
        long Now() => clock.GetTimestamp();

        for (int step = 0; ; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            bool enqueuing = sentA < s.Messages || sentB < s.Messages;

            // Restarts.
            foreach (Side side in new[] { a, b })
            {
                if (side.DownUntil < 0 || Now() < side.DownUntil) continue;
                side.DownUntil = -1;
                if (side.PendingReset)
                {
                    side.PendingReset = false;
                    side.Node = new ProtocolNode(side.Self, Incarnation.NewRandom(), network.PortFor(side.EndPoint), clock, options);
                    side.Incarnations.Add(side.Node);
                }
                else
                {
                    side.Node = side.Node.Crash(network.PortFor(side.EndPoint));
                    side.Incarnations[^1] = side.Node; // same incarnation, restarted
                    crashes++;
                }
            }

            // The network.
            foreach (SimulatedNetwork.InFlight d in network.TakeDue())
            {
                Side to = d.To.Equals(EndA) ? a : b;
                if (to.DownUntil >= 0) continue;
                if (DatagramCodec.TryDecode(d.Bytes.AsSpan(), out Datagram datagram) != DecodeStatus.Ok)
                {
                    Assert.True(network.IsInjected(d.Bytes), "a datagram the protocol sent does not decode");
                    malformed++;
                    continue;
                }
                to.Node.Handle(datagram, d.From);
            }

            // The shells' turns: queue messages; persist acks now and then.
            if (sentA < s.Messages && a.DownUntil < 0 && random.NextDouble() < 0.3)
            {
                a.Node.Enqueue(nameOfB, EndB, RandomMessage(random));
                sentA++;
            }
            if (sentB < s.Messages && b.DownUntil < 0 && random.NextDouble() < 0.3)
            {
                b.Node.Enqueue(nameOfA, EndA, RandomMessage(random));
                sentB++;
            }
            foreach (Side side in new[] { a, b })
            {
                if (side.DownUntil < 0 && random.NextDouble() < 0.05) side.Node.PersistAcks();
            }

            // Faults, while messages are being queued.
            if (enqueuing)
            {
                if (a.DownUntil < 0 && random.NextDouble() < s.CrashA) a.DownUntil = Now() + random.Next(0, 100) * TimeSpan.TicksPerMillisecond;
                if (b.DownUntil < 0 && random.NextDouble() < s.CrashB) b.DownUntil = Now() + random.Next(0, 100) * TimeSpan.TicksPerMillisecond;
                if (b.DownUntil < 0 && resetSteps.Contains(step))
                {
                    // rm ken_* and start again (normally down long enough for every datagram in flight to drain).
                    b.DownUntil = Now() + s.ResetDowntimeMs * TimeSpan.TicksPerMillisecond;
                    b.PendingReset = true;
                }
                if (random.NextDouble() < 0.01)
                {
                    byte[] junk = new byte[random.Next(0, 300)];
                    random.NextBytes(junk);
                    if (junk.Length > 8 && random.Next(2) == 0) DatagramCodec.Encode(WireSamples.Ack()).AsSpan(0, 8).CopyTo(junk);
                    network.Inject(EndA, random.Next(2) == 0 ? EndA : EndB, junk);
                    garbage++;
                }
            }

            foreach (Side side in new[] { a, b })
            {
                if (side.DownUntil < 0) side.Node.Pump();
            }

            if (!enqueuing && a.DownUntil < 0 && b.DownUntil < 0 && a.Node.AllAcknowledged && b.Node.AllAcknowledged && network.InFlightCount == 0)
                break;
            Assert.True(step < 3_000_000, $"no quiescence after {step} simulated ms: {s}");
        }

        Assert.True(malformed <= garbage);
        CheckStream(a, b, s, "A→B");
        CheckStream(b, a, s, "B→A");
        return $"{s}: {clock.GetElapsedTime(TimeSpan.TicksPerDay)} simulated; {network.Sent} datagrams sent, {network.Lost} lost; " +
               $"{crashes} crashes, {a.Incarnations.Count + b.Incarnations.Count - 2} resets; {garbage} garbage datagrams; " +
               $"delivered {a.Incarnations.Sum(n => n.Delivered.Count)}+{b.Incarnations.Sum(n => n.Delivered.Count)}";
    }

    /// <summary>
    /// Everything <paramref name="sender"/>'s incarnations queued for the receiver: each
    /// receiver incarnation got a gap-free, duplicate-free run of each sender incarnation's
    /// sequence, the runs of successive receiver incarnations leave no gap, and in the end
    /// everything the last sender incarnation queued was delivered.
    /// </summary>
    private static void CheckStream(Side sender, Side receiver, Scenario s, string what)
    {
        foreach (ProtocolNode senderIncarnation in sender.Incarnations)
        {
            List<byte[]> queued = senderIncarnation.Queued.Values.SingleOrDefault() ?? [];
            ulong covered = 0;
            foreach (ProtocolNode receiverIncarnation in receiver.Incarnations)
            {
                List<ProtocolNode.Delivery> got = receiverIncarnation.Delivered.Where(d => d.Sender == senderIncarnation.Incarnation).ToList();
                for (int i = 0; i < got.Count; i++)
                {
                    ProtocolNode.Delivery d = got[i];
                    Assert.Equal(sender.Self, d.From);
                    if (i > 0) Assert.True(d.Sequence == got[i - 1].Sequence + 1, $"{what} {s}: {got[i - 1].Sequence} then {d.Sequence}");
                    else Assert.True(d.Sequence <= covered + 1, $"{what} {s}: gap before {d.Sequence} (covered {covered})");
                    Assert.True(queued[(int)d.Sequence - 1].AsSpan().SequenceEqual(d.Message), $"{what} {s}: message {d.Sequence} differs");
                }
                if (got.Count > 0) covered = Math.Max(covered, got[^1].Sequence);
            }
            bool senderIsLast = senderIncarnation == sender.Incarnations[^1];
            if (senderIsLast) Assert.True(covered == (ulong)queued.Count, $"{what} {s}: {covered} of {queued.Count} delivered");
            if (receiver.Incarnations.Count == 1)
            {
                // No receiver reset: exactly once, in order, nothing else.
                List<ulong> all = receiver.Incarnations[0].Delivered.Where(d => d.Sender == senderIncarnation.Incarnation).Select(d => d.Sequence).ToList();
                Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (ulong)i), all);
            }
        }
    }

    public static TheoryData<Scenario> Scenarios => new()
    {
        new Scenario(1, 300, 0, 0, 0),
        new Scenario(2, 500, 0.2, 0.1, 0.2),
        new Scenario(3, 300, 0.4, 0.2, 0.5),
        new Scenario(4, 500, 0.2, 0.1, 0.2, CrashA: 0.003, CrashB: 0.003),
        new Scenario(5, 500, 0.2, 0.1, 0.2, CrashA: 0.002, CrashB: 0.002, ResetsB: 2),
        new Scenario(6, 500, 0.2, 0.1, 0.2, CrashA: 0.002, CrashB: 0.002, ResetsB: 1, Aliased: true),
        new Scenario(7, 200, 0.1, 0.1, 0.3, FragmentPayload: 1200),
        new Scenario(8, 300, 0.2, 0.1, 0.2, CrashA: 0.003, CrashB: 0.003, Aliased: true),
        // A reset faster than datagrams drain: the old incarnation's late datagrams must not take over.
        new Scenario(9, 500, 0.2, 0.1, 0.6, CrashB: 0.003, ResetsB: 4, ResetDowntimeMs: 0),
    };

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void ExactlyOnceInOrderUnderEveryFault(Scenario scenario) => output.WriteLine(Run(scenario));

    [Fact]
    public void ManyInstantResets()
    {
        for (int i = 0; i < 40; i++) output.WriteLine(Run(new Scenario(5000 + i, 150, 0.2, 0.2, 0.7, CrashB: 0.005, ResetsB: 3, ResetDowntimeMs: i % 3)));
    }

    [Fact]
    public void ManyRandomScenarios()
    {
        var random = new Random(2024);
        for (int i = 0; i < 60; i++)
        {
            var s = new Scenario(
                Seed: 1000 + i,
                Messages: random.Next(20, 150),
                Loss: random.NextDouble() * 0.4,
                Duplicate: random.NextDouble() * 0.3,
                Reorder: random.NextDouble() * 0.6,
                CrashA: random.Next(2) * 0.005,
                CrashB: random.Next(2) * 0.005,
                ResetsB: random.Next(3) == 0 ? random.Next(1, 3) : 0,
                Aliased: random.Next(2) == 0,
                FragmentPayload: random.Next(2) == 0 ? 64 : 1200);
            output.WriteLine(Run(s));
        }
    }
}
