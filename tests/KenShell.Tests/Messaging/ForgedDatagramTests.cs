using System.Net;
using System.Net.Sockets;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Messaging;

/// <summary>
/// G7/G8 on the network: random bytes, truncated and forged datagrams sent
/// to a live shell are dropped and counted (.info), never crash it, never
/// confuse delivery.
/// </summary>
public sealed class ForgedDatagramTests : IDisposable
{
    private readonly StoreDirectory _a = new();
    private readonly StoreDirectory _b = new();

    private static int FreePort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    [Fact]
    public void GarbageDatagramsAreCountedAndDroppedAndRealMessagesStillArriveOnce()
    {
        var env = new Dictionary<string, string> { ["KENSHELL_NO_NETWORK"] = "0" };
        int portA = FreePort(), portB = FreePort();
        string a = $"127.0.0.1:{portA}", b = $"127.0.0.1:{portB}";
        using var receiver = Kenshell.Start(_b.Path, b, [], env);
        using var sender = Kenshell.Start(_a.Path, a, [], env);
        receiver.Eval("var got = []; ken.onmessage = v => got.push(v); 0");

        var random = new Random(99);
        using (var attacker = new UdpClient())
        {
            var target = new IPEndPoint(IPAddress.Loopback, portB);
            for (int i = 0; i < 1000; i++)
            {
                var junk = new byte[random.Next(0, 1500)];
                random.NextBytes(junk);
                if (i % 3 == 0 && junk.Length >= 4) "KENM"u8.CopyTo(junk); // right magic, wrong everything else
                attacker.Send(junk, junk.Length, target);
            }
        }
        sender.Eval($"ken.send('{b}', 'real')");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (receiver.Eval("got.join()") != "'real'")
        {
            Assert.True(DateTime.UtcNow < deadline, "the real message never arrived");
            Thread.Sleep(100);
        }
        receiver.Send(".info");
        string info = "";
        while (!info.StartsWith("network:", StringComparison.Ordinal)) info = receiver.ReadLine();
        var match = System.Text.RegularExpressions.Regex.Match(info, @"dropped (\d+) malformed");
        Assert.True(match.Success, info);
        Assert.True(long.Parse(match.Groups[1].Value) >= 900, info);
        Assert.Equal("'real'", receiver.Eval("got.join()"));
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
