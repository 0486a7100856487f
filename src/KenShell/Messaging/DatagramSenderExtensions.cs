using System.Buffers;
using System.Net;

namespace KenShell.Messaging;

/// <summary>Encode-and-send for any <see cref="IDatagramSender"/>.</summary>
public static class DatagramSenderExtensions
{
    private const int StackLimit = 2048;

    /// <summary>
    /// Encodes <paramref name="datagram"/> (on the stack, or in a pooled buffer when
    /// large) and sends it. Throws <see cref="ArgumentException"/> only for a datagram
    /// that breaks the format's rules, which is a programming error.
    /// </summary>
    public static bool Send(this IDatagramSender sender, IPEndPoint destination, in Datagram datagram)
    {
        int length = DatagramCodec.EncodedLength(datagram);
        if (length <= StackLimit)
        {
            Span<byte> buffer = stackalloc byte[StackLimit];
            int n = DatagramCodec.Encode(datagram, buffer);
            return sender.SendEncoded(destination, buffer[..n]);
        }
        byte[] rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            int n = DatagramCodec.Encode(datagram, rented);
            return sender.SendEncoded(destination, rented.AsSpan(0, n));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
