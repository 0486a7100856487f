using System.Net;
using KenShell.Messaging;
using Xunit;

namespace KenShell.Tests.Messaging;

/// <summary>
/// The acks DATA carries for the reverse stream (README "Protocol in one page"), sent and
/// applied by the shipping <see cref="ProtocolEngine"/>: the shell and the simulations
/// alike. With every ACK datagram lost, the data flowing the other way still
/// acknowledges a stream; without piggybacked acks neither stream could ever finish.
/// </summary>
public sealed class PiggybackedAckTests
{
    /// <summary>Drops every ACK datagram a node sends; everything else goes through.</summary>
    private sealed class NoAcks(IDatagramSender inner) : IDatagramSender
    {
        public int Dropped { get; private set; }

        public bool SendEncoded(IPEndPoint destination, ReadOnlySpan<byte> datagram)
        {
            if (DatagramCodec.TryDecode(datagram, out Datagram d) == DecodeStatus.Ok && d.Kind == DatagramKind.Ack)
            {
                Dropped++;
                return true;
            }
            return inner.SendEncoded(destination, datagram);
        }
    }

    [Fact]
    public void WithEveryAckDatagramLostTheReverseDataStillAcknowledges()
    {
        var clock = new ManualClock();
        var network = new SimulatedNetwork(clock, new Random(5), 0, 0, 0, TimeSpan.FromMilliseconds(5));
        IPEndPoint endA = new(IPAddress.Loopback, 2001), endB = new(IPAddress.Loopback, 2002);
        var sendA = new NoAcks(network.PortFor(endA));
        var sendB = new NoAcks(network.PortFor(endB));
        var a = new ProtocolNode("127.0.0.1:2001", Incarnation.NewRandom(), sendA, clock);
        var b = new ProtocolNode("127.0.0.1:2002", Incarnation.NewRandom(), sendB, clock);
        const int count = 20;
        for (int i = 0; i < count; i++)
        {
            a.Enqueue(b.Self, endB, [(byte)i, 1]);
            b.Enqueue(a.Self, endA, [(byte)i, 2]);
        }
        int step = 0;
        for (; step < 60_000 && !(a.AllAcknowledged || b.AllAcknowledged); step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(1));
            foreach (SimulatedNetwork.InFlight d in network.TakeDue())
            {
                Assert.Equal(DecodeStatus.Ok, DatagramCodec.TryDecode(d.Bytes.AsSpan(), out Datagram datagram));
                (d.To.Equals(endA) ? a : b).Handle(datagram, d.From);
            }
            a.Pump();
            b.Pump();
        }
        Assert.True(sendA.Dropped + sendB.Dropped > 0, "no ACK datagram was ever sent: the test tests nothing");
        Assert.True(a.AllAcknowledged || b.AllAcknowledged, $"no stream acknowledged after {step} simulated ms with ACK datagrams lost");
        Assert.Equal(count, a.Delivered.Count);
        Assert.Equal(count, b.Delivered.Count);
        Assert.Equal(Enumerable.Range(1, count).Select(i => (ulong)i), a.Delivered.Select(d => d.Sequence));
    }
}
