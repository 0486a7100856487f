using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace KenShell.Tests.Torture;

/// <summary>
/// A UDP relay between two shells that keeps a copy of every datagram the
/// sender sends: shell A addresses the relay's port, which forwards to
/// B's; B answers the source of what it receives (the relay), which
/// forwards back to A. The protocol allows this (replies go to the
/// datagram's source endpoint; a receiver accepts data addressed to its
/// incarnation whatever name the sender calls it by), so the captured
/// datagrams are real traffic that can be replayed later.
/// </summary>
internal sealed class CapturingProxy : IDisposable
{
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly IPEndPoint _sender;
    private readonly IPEndPoint _receiver;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _pump;

    public CapturingProxy(int senderPort, int receiverPort)
    {
        _sender = new IPEndPoint(IPAddress.Loopback, senderPort);
        _receiver = new IPEndPoint(IPAddress.Loopback, receiverPort);
        _pump = Task.Run(Pump);
    }

    public int Port => ((IPEndPoint)_socket.Client.LocalEndPoint!).Port;

    /// <summary>Everything the sender sent through the relay, in order.</summary>
    public ConcurrentQueue<byte[]> FromSender { get; } = new();

    /// <summary>Sends raw bytes to the receiver from the relay's endpoint (where the real traffic came from).</summary>
    public void SendToReceiver(byte[] datagram) => _socket.Send(datagram, datagram.Length, _receiver);

    private async Task Pump()
    {
        while (!_stop.IsCancellationRequested)
        {
            UdpReceiveResult got;
            try
            {
                got = await _socket.ReceiveAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // an ICMP port-unreachable from a peer that is restarting
            }
            if (got.RemoteEndPoint.Equals(_sender))
            {
                FromSender.Enqueue(got.Buffer);
                await Send(got.Buffer, _receiver);
            }
            else if (got.RemoteEndPoint.Equals(_receiver))
            {
                await Send(got.Buffer, _sender);
            }
        }
    }

    private async Task Send(byte[] datagram, IPEndPoint to)
    {
        try
        {
            await _socket.SendAsync(datagram, to, _stop.Token);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try { _pump.Wait(TimeSpan.FromSeconds(5)); } catch (AggregateException) { }
        _socket.Dispose();
        _stop.Dispose();
    }
}
