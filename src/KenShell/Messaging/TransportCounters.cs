using System.Text;

namespace KenShell.Messaging;

/// <summary>
/// What a <see cref="UdpTransport"/> did, for <c>.info</c> / <c>ken.stats()</c>.
/// Updated with interlocked operations; readable from any thread.
/// </summary>
public sealed class TransportCounters
{
    private static readonly int ReasonCount = Enum.GetValues<DecodeStatus>().Length;

    private long _sent, _sentBytes, _sendFailures;
    private long _received, _receivedBytes, _queueFull, _socketErrors;
    private readonly long[] _dropped = new long[ReasonCount];

    /// <summary>Datagrams handed to the network.</summary>
    public long Sent => Interlocked.Read(ref _sent);
    public long SentBytes => Interlocked.Read(ref _sentBytes);
    /// <summary>Datagrams that could not be sent (socket error, address family mismatch, closed transport).</summary>
    public long SendFailures => Interlocked.Read(ref _sendFailures);

    /// <summary>Datagrams read from the socket, valid or not.</summary>
    public long Received => Interlocked.Read(ref _received);
    public long ReceivedBytes => Interlocked.Read(ref _receivedBytes);
    /// <summary>Valid datagrams dropped because the incoming queue was full.</summary>
    public long QueueFull => Interlocked.Read(ref _queueFull);
    /// <summary>Errors from the socket's receive call (the loop goes on).</summary>
    public long SocketErrors => Interlocked.Read(ref _socketErrors);

    /// <summary>Datagrams dropped as malformed for <paramref name="reason"/>.</summary>
    public long Dropped(DecodeStatus reason) => Interlocked.Read(ref _dropped[(int)reason]);

    /// <summary>All datagrams dropped as malformed.</summary>
    public long DroppedMalformed
    {
        get
        {
            long total = 0;
            for (int i = 1; i < ReasonCount; i++) total += Interlocked.Read(ref _dropped[i]);
            return total;
        }
    }

    internal void CountSent(int bytes)
    {
        Interlocked.Increment(ref _sent);
        Interlocked.Add(ref _sentBytes, bytes);
    }

    internal void CountSendFailure() => Interlocked.Increment(ref _sendFailures);

    internal void CountReceived(int bytes)
    {
        Interlocked.Increment(ref _received);
        Interlocked.Add(ref _receivedBytes, bytes);
    }

    internal void CountDropped(DecodeStatus reason) => Interlocked.Increment(ref _dropped[(int)reason]);
    internal void CountQueueFull() => Interlocked.Increment(ref _queueFull);
    internal void CountSocketError() => Interlocked.Increment(ref _socketErrors);

    /// <summary>One line: <c>sent 12 (3456 B, 0 failed); received 10 (2345 B); dropped BadChecksum=1 QueueFull=0 ...</c>.</summary>
    public override string ToString()
    {
        var s = new StringBuilder();
        s.Append($"sent {Sent} ({SentBytes} B, {SendFailures} failed); received {Received} ({ReceivedBytes} B)");
        s.Append($"; dropped {DroppedMalformed} malformed");
        for (int i = 1; i < ReasonCount; i++)
        {
            long n = Interlocked.Read(ref _dropped[i]);
            if (n > 0) s.Append($" {(DecodeStatus)i}={n}");
        }
        s.Append($", {QueueFull} queue-full; {SocketErrors} socket errors");
        return s.ToString();
    }
}
