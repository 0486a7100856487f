using System.Net.Sockets;

namespace KenShell.Messaging;

/// <summary>The UDP socket for the shell's address could not be bound; the message says why in plain words.</summary>
public sealed class TransportBindException(string message, SocketException inner) : IOException(message, inner)
{
    public SocketError SocketError => ((SocketException)InnerException!).SocketErrorCode;
}
