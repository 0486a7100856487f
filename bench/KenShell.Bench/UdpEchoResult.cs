namespace KenShell.Bench;

/// <summary>The plain UDP baseline on loopback.</summary>
/// <param name="RoundTrips">100-byte datagram to the echo thread and back</param>
/// <param name="Messages">datagrams sent for the throughput figure, each acknowledged</param>
/// <param name="Window">at most this many datagrams were unacknowledged at a time</param>
/// <param name="AllAckedMs">from the first send to the last ack</param>
public sealed record UdpEchoResult(LatencySummary RoundTrips, int Messages, int Window, double AllAckedMs)
{
    public double MessagesPerSecond => Messages / (AllAckedMs / 1000);
}
