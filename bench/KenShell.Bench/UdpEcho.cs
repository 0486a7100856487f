using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace KenShell.Bench;

/// <summary>
/// Plain UDP on loopback, for scale next to kenshell's messages: this
/// process and an echo server in a second process (this program started
/// with <c>udp-echo-server</c>), as between two shells. Nothing is written
/// to disk and nothing is retransmitted.
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

    /// <summary>The echo server's side, run as its own process: prints its port, serves until told to stop.</summary>
    public static int ServeStandalone()
    {
        using var server = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        server.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Console.Out.WriteLine(((IPEndPoint)server.LocalEndPoint!).Port);
        Console.Out.Flush();
        Serve(server);
        return 0;
    }

    public static UdpEchoResult Measure(int roundTrips, int messages, TimeSpan timeout)
    {
        // The echo side is a second process: this program again, in server mode.
        var info = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet") info.ArgumentList.Add(typeof(UdpEcho).Assembly.Location);
        info.ArgumentList.Add("udp-echo-server");
        using Process echo = Process.Start(info) ?? throw new InvalidOperationException("could not start the UDP echo process");
        int port = int.Parse(echo.StandardOutput.ReadLine() ?? throw new InvalidOperationException("the UDP echo process printed no port"));
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        client.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        client.ReceiveTimeout = (int)Math.Min(int.MaxValue, timeout.TotalMilliseconds);
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
            if (!echo.WaitForExit(timeout)) echo.Kill();
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
