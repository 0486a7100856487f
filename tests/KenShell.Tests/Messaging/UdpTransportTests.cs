using System.Net;
using System.Net.Sockets;
using KenShell.Messaging;
using Xunit;
using Xunit.Abstractions;
using static KenShell.Tests.Messaging.WireSamples;

namespace KenShell.Tests.Messaging;

/// <summary>The UDP socket layer on loopback: exchange, drop-and-count of anything malformed, bind failures, shutdown.</summary>
public sealed class UdpTransportTests(ITestOutputHelper output)
{
    private static readonly IPEndPoint AnyLoopbackPort = new(IPAddress.Loopback, 0);

    internal static bool HasIPv6Loopback(out string why)
    {
        why = "";
        if (!Socket.OSSupportsIPv6)
        {
            why = "the OS has no IPv6";
            return false;
        }
        try
        {
            using var probe = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp);
            probe.Bind(new IPEndPoint(IPAddress.IPv6Loopback, 0));
            return true;
        }
        catch (SocketException e)
        {
            why = $"cannot bind [::1] ({e.SocketErrorCode})";
            return false;
        }
    }

    private static ReceivedDatagram Receive(UdpTransport transport, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(5));
        return transport.Incoming.ReadAsync(cts.Token).AsTask().GetAwaiter().GetResult();
    }

    [Fact]
    public void DatagramsTravelWithTheirSourceEndpoint()
    {
        using UdpTransport a = UdpTransport.Bind(AnyLoopbackPort), b = UdpTransport.Bind(AnyLoopbackPort);
        Assert.NotEqual(0, a.LocalEndPoint.Port);
        Datagram sent = Data(message: Bytes(1200));
        Assert.True(a.Send(b.LocalEndPoint, sent));
        ReceivedDatagram got = Receive(b);
        Assert.Equal(a.LocalEndPoint, got.Source);
        Assert.Equal(DatagramCodec.Encode(sent), DatagramCodec.Encode(got.Datagram));
        Assert.Equal(1, a.Counters.Sent);
        Assert.Equal(DatagramCodec.EncodedLength(sent), a.Counters.SentBytes);
        Assert.Equal(1, b.Counters.Received);

        // The reply goes to the source endpoint, whatever the datagram's addresses say.
        Assert.True(b.Send(got.Source, Datagram.AckFor(got.Datagram, B, 5)));
        Assert.Equal(DatagramKind.Ack, Receive(a).Datagram.Kind);
    }

    [Fact]
    public void MalformedDatagramsAreDroppedAndCountedAndTheLoopGoesOn()
    {
        using UdpTransport a = UdpTransport.Bind(AnyLoopbackPort), b = UdpTransport.Bind(AnyLoopbackPort);
        byte[] valid = DatagramCodec.Encode(Data());
        byte[] flipped = (byte[])valid.Clone();
        flipped[100] ^= 0x10;
        var random = new Random(1);
        byte[] junk = new byte[500];
        random.NextBytes(junk);
        byte[][] bad =
        [
            [],
            [1, 2, 3],
            junk,
            valid[..^1],
            [.. valid, 0],
            flipped,
            new Raw { From = "LOCALHOST:1" }.Build(),
            new Raw { Sequence = 0 }.Build(),
            new Raw { Version = 9 }.Build(),
            new byte[65507],
        ];
        foreach (byte[] bytes in bad) Assert.True(a.SendEncoded(b.LocalEndPoint, bytes));
        Assert.True(a.SendEncoded(b.LocalEndPoint, valid));

        ReceivedDatagram got = Receive(b);
        Assert.Equal(valid, DatagramCodec.Encode(got.Datagram));
        Assert.Equal(bad.Length + 1, b.Counters.Received);
        Assert.Equal(bad.Length, b.Counters.DroppedMalformed);
        Assert.Equal(2, b.Counters.Dropped(DecodeStatus.TooShort));
        Assert.Equal(2, b.Counters.Dropped(DecodeStatus.BadMagic));
        Assert.Equal(2, b.Counters.Dropped(DecodeStatus.BadLength));
        Assert.Equal(1, b.Counters.Dropped(DecodeStatus.BadChecksum));
        Assert.Equal(1, b.Counters.Dropped(DecodeStatus.BadAddress));
        Assert.Equal(1, b.Counters.Dropped(DecodeStatus.BadSequence));
        Assert.Equal(1, b.Counters.Dropped(DecodeStatus.UnsupportedVersion));
        Assert.False(b.Incoming.TryRead(out _));
        output.WriteLine(b.Counters.ToString());
        Assert.Contains("BadChecksum=1", b.Counters.ToString());
    }

    [Fact]
    public void ABusyPortIsAClearError()
    {
        using UdpTransport first = UdpTransport.Bind(AnyLoopbackPort);
        TransportBindException e = Assert.Throws<TransportBindException>(() => UdpTransport.Bind(first.LocalEndPoint));
        Assert.Equal(SocketError.AddressAlreadyInUse, e.SocketError);
        Assert.Contains($"cannot listen on UDP {first.LocalEndPoint}", e.Message);
        Assert.Contains("already in use", e.Message);
        Assert.Contains($"port {first.LocalEndPoint.Port}", e.Message);
    }

    [Fact]
    public void AnAddressThatIsNotOursIsAClearError()
    {
        TransportBindException e = Assert.Throws<TransportBindException>(() => UdpTransport.Bind(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 0)));
        Assert.Contains("192.0.2.1 is not an address of this machine", e.Message);
    }

    [Fact]
    public void AnIPv4SocketCannotSendToIPv6()
    {
        using UdpTransport a = UdpTransport.Bind(AnyLoopbackPort);
        Assert.False(a.Send(new IPEndPoint(IPAddress.IPv6Loopback, 9), Ack()));
        Assert.Equal(1, a.Counters.SendFailures);
        Assert.Equal(0, a.Counters.Sent);
    }

    [Fact]
    public void AFullQueueDropsAndCounts()
    {
        using UdpTransport a = UdpTransport.Bind(AnyLoopbackPort);
        using UdpTransport b = UdpTransport.Bind(AnyLoopbackPort, new UdpTransportOptions { ReceiveQueueCapacity = 4 });
        for (int i = 0; i < 50; i++) a.Send(b.LocalEndPoint, Ack((ulong)i));
        Assert.True(SpinWait.SpinUntil(() => b.Counters.Received == 50, TimeSpan.FromSeconds(5)));
        Assert.Equal(46, b.Counters.QueueFull);
        int read = 0;
        while (b.Incoming.TryRead(out _)) read++;
        Assert.Equal(4, read);
    }

    [Fact]
    public async Task DisposeStopsTheReceiverAndCompletesTheQueue()
    {
        UdpTransport a = UdpTransport.Bind(AnyLoopbackPort);
        IPEndPoint where = a.LocalEndPoint;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        a.Dispose();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"dispose took {watch.Elapsed}");
        await a.Incoming.Completion.WaitAsync(TimeSpan.FromSeconds(2));
        Assert.False(a.Send(where, Ack()));
        a.Dispose();
        using UdpTransport again = UdpTransport.Bind(where); // the port is free again
    }

    [Fact]
    public void HostNameAddressesBind()
    {
        int port;
        using (UdpTransport probe = UdpTransport.Bind(AnyLoopbackPort)) port = probe.LocalEndPoint.Port;
        using UdpTransport t = UdpTransport.Bind(PeerAddress.Parse($"localhost:{port}"));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), t.LocalEndPoint);
    }

    [Fact]
    public void IPv6LoopbackWorks()
    {
        if (!HasIPv6Loopback(out string why))
        {
            output.WriteLine($"SKIPPED: no IPv6 loopback on this machine: {why}");
            return;
        }
        var v6 = new IPEndPoint(IPAddress.IPv6Loopback, 0);
        using UdpTransport a = UdpTransport.Bind(v6), b = UdpTransport.Bind(v6);
        Assert.Equal(AddressFamily.InterNetworkV6, a.AddressFamily);
        Datagram sent = Data() with { StreamFrom = $"[::1]:{a.LocalEndPoint.Port}", StreamTo = $"[::1]:{b.LocalEndPoint.Port}" };
        Assert.True(a.Send(b.LocalEndPoint, sent));
        ReceivedDatagram got = Receive(b);
        Assert.Equal(a.LocalEndPoint, got.Source);
        Assert.Equal(sent.StreamFrom, got.Datagram.StreamFrom);
        TransportBindException e = Assert.Throws<TransportBindException>(() => UdpTransport.Bind(a.LocalEndPoint));
        Assert.Contains("already in use", e.Message);
    }
}
