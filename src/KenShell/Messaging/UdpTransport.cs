using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace KenShell.Messaging;

/// <summary>
/// A UDP socket bound to the shell's address. A background thread receives
/// datagrams, decodes them and queues the valid ones, with their source endpoint, on
/// <see cref="Incoming"/>; anything malformed is dropped and counted by reason
/// (<see cref="Counters"/>), never thrown. <see cref="SendEncoded"/> (and the
/// <see cref="DatagramSenderExtensions.Send"/> extension) send from any thread.
///
/// An IPv6 socket is made dual-mode where the OS allows, so a shell bound to an IPv6
/// address can also talk to IPv4 peers when its address permits (e.g. <c>[::]</c>-style
/// binds; a socket bound to <c>::1</c> can only reach IPv6 loopback). An IPv4 socket
/// cannot send to IPv6 endpoints: such a send fails and is counted.
/// </summary>
public sealed class UdpTransport : IDatagramSender, IDisposable
{
    private const int ReceiveBufferSize = 65536;

    private readonly Socket _socket;
    private readonly Channel<ReceivedDatagram> _incoming;
    private readonly Thread _receiver;
    private volatile bool _disposed;

    private UdpTransport(Socket socket, UdpTransportOptions options)
    {
        _socket = socket;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
        _incoming = Channel.CreateBounded<ReceivedDatagram>(new BoundedChannelOptions(options.ReceiveQueueCapacity)
        {
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails when full: we drop and count
        });
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = $"kenshell-udp-{LocalEndPoint}" };
        _receiver.Start();
    }

    /// <summary>
    /// Binds a socket to <paramref name="local"/> (port 0 picks a free port) and starts
    /// receiving. Throws <see cref="TransportBindException"/> with a plain explanation
    /// when the address is in use, not an address of this machine, or not permitted.
    /// </summary>
    public static UdpTransport Bind(IPEndPoint local, UdpTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(local);
        options ??= UdpTransportOptions.Default;
        var socket = new Socket(local.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (local.AddressFamily == AddressFamily.InterNetworkV6)
            {
                try { socket.DualMode = true; }
                catch (SocketException) { /* IPv6-only is fine */ }
            }
            if (options.SocketBufferBytes > 0)
            {
                try
                {
                    socket.ReceiveBufferSize = options.SocketBufferBytes;
                    socket.SendBufferSize = options.SocketBufferBytes;
                }
                catch (SocketException) { /* keep the OS default */ }
            }
            socket.Bind(local);
        }
        catch (SocketException e)
        {
            socket.Dispose();
            throw new TransportBindException(BindFailure(local, e), e);
        }
        return new UdpTransport(socket, options);
    }

    /// <summary>Binds to the (resolved) address of <paramref name="address"/>.</summary>
    public static UdpTransport Bind(PeerAddress address, UdpTransportOptions? options = null) =>
        Bind(address.Resolve(), options);

    private static string BindFailure(IPEndPoint local, SocketException e)
    {
        string where = $"cannot listen on UDP {local}";
        return e.SocketErrorCode switch
        {
            SocketError.AddressAlreadyInUse =>
                $"{where}: the address is already in use (another kenshell, or another program, has UDP port {local.Port} on this address)",
            SocketError.AddressNotAvailable => $"{where}: {local.Address} is not an address of this machine",
            SocketError.AccessDenied => $"{where}: permission denied (ports below 1024 need privileges)",
            SocketError.AddressFamilyNotSupported or SocketError.ProtocolNotSupported =>
                $"{where}: this machine does not support {(local.AddressFamily == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4")}",
            _ => $"{where}: {e.Message} ({e.SocketErrorCode})",
        };
    }

    /// <summary>The bound endpoint (with the actual port when bound to port 0).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The socket's family: pass it to <see cref="PeerAddress.TryResolve"/>.</summary>
    public AddressFamily AddressFamily => LocalEndPoint.AddressFamily;

    /// <summary>Valid datagrams as they arrive, with their source endpoints. Completed on dispose.</summary>
    public ChannelReader<ReceivedDatagram> Incoming => _incoming.Reader;

    public TransportCounters Counters { get; } = new();

    public bool SendEncoded(IPEndPoint destination, ReadOnlySpan<byte> datagram)
    {
        if (_disposed || (AddressFamily == AddressFamily.InterNetwork && destination.AddressFamily != AddressFamily.InterNetwork))
        {
            Counters.CountSendFailure();
            return false;
        }
        try
        {
            int sent = _socket.SendTo(datagram, SocketFlags.None, destination);
            Counters.CountSent(sent);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            Counters.CountSendFailure();
            return false;
        }
    }

    private void ReceiveLoop()
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(ReceiveBufferSize);
        var cache = new AddressStringCache();
        var received = new SocketAddress(AddressFamily);
        SocketAddress? lastAddress = null;
        IPEndPoint? lastEndPoint = null;
        while (!_disposed)
        {
            int n;
            try
            {
                n = _socket.ReceiveFrom(buffer, SocketFlags.None, received);
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                if (_disposed) break;
                // e.g. ECONNREFUSED from an ICMP port-unreachable on some systems, or a
                // datagram larger than the buffer: count and go on.
                Counters.CountSocketError();
                continue;
            }
            if (_disposed) break;
            Counters.CountReceived(n);
            DecodeStatus status = DatagramCodec.TryDecode(buffer.AsSpan(0, n), out Datagram datagram, cache);
            if (status != DecodeStatus.Ok)
            {
                Counters.CountDropped(status);
                continue;
            }
            if (lastAddress is null || !received.Equals(lastAddress))
            {
                lastAddress = new SocketAddress(received.Family, received.Size);
                received.Buffer.Span[..received.Size].CopyTo(lastAddress.Buffer.Span);
                lastEndPoint = (IPEndPoint)LocalEndPoint.Create(lastAddress);
            }
            if (!_incoming.Writer.TryWrite(new ReceivedDatagram(datagram, lastEndPoint!))) Counters.CountQueueFull();
        }
        _incoming.Writer.TryComplete();
    }

    /// <summary>Closes the socket and stops the receive thread; <see cref="Incoming"/> completes.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try { _socket.Shutdown(SocketShutdown.Both); }
        catch (SocketException) { /* an unconnected UDP socket may refuse; closing still wakes the receiver */ }
        _socket.Dispose();
        if (Thread.CurrentThread != _receiver) _receiver.Join(TimeSpan.FromSeconds(5));
        _incoming.Writer.TryComplete();
    }
}
