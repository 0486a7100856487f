using System.Net;
using System.Net.Sockets;

namespace KenShell.Bench;

/// <summary>Free UDP ports on the loopback interface, for shells that must not meet another run's.</summary>
public static class FreeUdpPort
{
    /// <summary>
    /// <paramref name="count"/> distinct ports the kernel hands out for 127.0.0.1:0.
    /// The sockets are all held until every port is known (so the ports differ),
    /// then closed; another program could take one in between, which a fresh
    /// ephemeral port makes unlikely.
    /// </summary>
    public static int[] Take(int count)
    {
        var sockets = new List<Socket>(count);
        try
        {
            for (int i = 0; i < count; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
                sockets.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            }
            return [.. sockets.Select(s => ((IPEndPoint)s.LocalEndPoint!).Port)];
        }
        finally
        {
            foreach (Socket socket in sockets) socket.Dispose();
        }
    }
}
