using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KenShell.Bench;

/// <summary>
/// Plain UDP on loopback, for scale next to kenshell's messages: two sockets
/// in this process, the echo side on a thread of its own (so every datagram
/// wakes another thread, as a second process would be woken). Nothing is
/// written to disk and nothing is retransmitted.
/// </summary>
public static class UdpEcho
{
    public const int DatagramBytes = 100;

    /// <summary>Untimed round trips first: the first ones page in code and wake the threads.</summary>
    public const int WarmUps = 20;

    /// <summary>
    /// Datagrams in flight in the throughput run. A burst of thousands would
    /// overflow the receive buffer (loopback drops rather than blocks); a
    /// window, as any acknowledged protocol has, keeps it lossless.
    /// </summary>
    public const int Window = 64;

    // First byte of a datagram: what the echo thread does with it.
    private const byte Echo = 1, Ack = 2, Stop = 3;

    public static UdpEchoResult Measure(int roundTrips, int messages, TimeSpan timeout)
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        client.Connect(server.LocalEndPoint!);
        client.ReceiveTimeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);

        var echo = new Thread(() => Serve(server)) { IsBackground = true, Name = "udp echo" };
        echo.Start();
        try
        {
            byte[] datagram = new byte[DatagramBytes], answer = new byte[2048];
            datagram[0] = Echo;
            var millis = new List<double>(roundTrips);
            for (int i = 0; i < WarmUps + roundTrips; i++)
            {
                BinaryPrimitives.WriteInt32LittleEndian(datagram.AsSpan(1), i);
                long start = Stopwatch.GetTimestamp();
                client.Send(datagram);
                int length = Receive(client, answer, "echo", i);
                double elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (length != DatagramBytes || BinaryPrimitives.ReadInt32LittleEndian(answer.AsSpan(1)) != i)
                    throw new InvalidOperationException($"UDP echo: datagram {i} came back as {length} bytes with another sequence");
                if (i >= WarmUps) millis.Add(elapsed);
            }

            datagram[0] = Ack;
            int sent = 0, acked = 0;
            long begin = Stopwatch.GetTimestamp();
            while (acked < messages)
            {
                for (; sent < messages && sent - acked < Window; sent++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(datagram.AsSpan(1), sent);
                    client.Send(datagram);
                }
                int length = Receive(client, answer, "ack", acked);
                // Loopback keeps order, so acks come in sequence.
                if (length != 5 || BinaryPrimitives.ReadInt32LittleEndian(answer.AsSpan(1)) != acked)
                    throw new InvalidOperationException($"UDP ack: expected the ack of datagram {acked}, got {length} bytes");
                acked++;
            }
            double allAckedMs = Stopwatch.GetElapsedTime(begin).TotalMilliseconds;
            return new UdpEchoResult(LatencySummary.Of(millis), messages, Window, allAckedMs);
        }
        finally
        {
            client.Send([Stop]);
            echo.Join(timeout);
        }
    }

    private static int Receive(Socket client, byte[] buffer, string what, int sequence)
    {
        try
        {
            return client.Receive(buffer);
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
        {
            throw new TimeoutException($"UDP: no {what} for datagram {sequence} within {client.ReceiveTimeout} ms (lost on loopback?)", e);
        }
    }

    /// <summary>The echo side: echoes Echo datagrams whole, answers Ack datagrams with their first 5 bytes, ends at Stop.</summary>
    private static void Serve(Socket server)
    {
        byte[] buffer = new byte[2048];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        while (true)
        {
            int length = server.ReceiveFrom(buffer, ref from);
            if (length == 0) continue;
            switch (buffer[0])
            {
                case Echo: server.SendTo(buffer.AsSpan(0, length), SocketFlags.None, from); break;
                case Ack: server.SendTo(buffer.AsSpan(0, Math.Min(5, length)), SocketFlags.None, from); break;
                case Stop: return;
            }
        }
    }
}
