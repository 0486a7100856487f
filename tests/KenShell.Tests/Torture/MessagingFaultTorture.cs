using KenShell.Checksums;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using KenShell.Store;
using KenShell.Tests.Support;
using Xunit;
using Xunit.Abstractions;

namespace KenShell.Tests.Torture;

/// <summary>
/// Hostile datagrams at a live receiver (issue #7; random junk alone:
/// Messaging/ForgedDatagramTests). Real traffic from shell A to shell B is
/// captured by a relay; then B is sent replays of those datagrams (old
/// sequence numbers, several times, shuffled, from the real source and from
/// a stranger, and again after B restarts), the same with a forged sender
/// incarnation (zero, or changed without fixing the checksum), with a
/// forged receiver incarnation (checksum fixed: well-formed, but addressed
/// to a store that is not B's), cut short, lengthened, and random bytes.
/// Failure modes: "crashed", "duplicate delivery" (B's record is not
/// exactly 1..n), "not counted" (B's malformed-datagram counter did not
/// grow by at least the malformed ones), "protocol wedged" (real messages
/// after the attack are not delivered exactly once).
/// A datagram forged with a valid checksum and a fresh sender incarnation
/// is, by protocol design, a message from a reset peer (there is no
/// authentication, as in Ken); it is not tried here.
/// </summary>
public sealed partial class MessagingFaultTorture(ITestOutputHelper output) : IDisposable
{
    private readonly StoreDirectory _a = new();
    private readonly StoreDirectory _b = new();
    private static readonly Dictionary<string, string> Network = new() { ["KENSHELL_NO_NETWORK"] = "0" };

    private static int FreePort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    private static byte[] Recrc(byte[] datagram)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(datagram.AsSpan(datagram.Length - 4), Crc32C.Compute(datagram.AsSpan(0, datagram.Length - 4)));
        return datagram;
    }

    [Fact]
    public void ReplayedForgedAndMangledDatagramsAreDroppedAndNothingIsDeliveredTwice()
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(TortureMode.Seed(6));
        int portA = FreePort(), portB = FreePort();
        string a = $"127.0.0.1:{portA}", b = $"127.0.0.1:{portB}";
        using var proxy = new CapturingProxy(portA, portB);
        string viaProxy = $"127.0.0.1:{proxy.Port}";
        int messages = TortureMode.Scale(20, 200), rounds = TortureMode.Scale(3, 30);
        Kenshell receiver = Kenshell.Start(_b.Path, b, [], Network);
        using var sender = Kenshell.Start(_a.Path, a, [], Network);
        var sent = new Dictionary<string, long>();
        try
        {
            Assert.Equal("0", receiver.Eval("var got = []; ken.onmessage = v => { got.push(v) }; 0"));
            Assert.Equal("0", sender.Eval($"for (let i = 1; i <= {messages}; i++) ken.send('{viaProxy}', i); 0"));
            WaitFor(receiver, "got.length", $"{messages}");
            WaitFor(sender, "Object.keys(ken.pending()).length", "0");
            byte[][] captured = proxy.FromSender.ToArray();
            Assert.True(captured.Length >= messages, $"only {captured.Length} datagrams captured");
            long malformedBefore = Malformed(receiver);

            using var stranger = new UdpClient();
            var target = new IPEndPoint(IPAddress.Loopback, portB);
            long malformed = 0;
            void Attack(string kind, byte[] datagram, bool fromStranger = false, bool isMalformed = false)
            {
                if (fromStranger) stranger.Send(datagram, datagram.Length, target);
                else proxy.SendToReceiver(datagram);
                sent[kind] = sent.GetValueOrDefault(kind) + 1;
                if (isMalformed) malformed++;
            }
            for (int round = 0; round < rounds; round++)
            {
                if (round == rounds / 2)
                {
                    // Old sequence numbers must stay old across a restart of the receiver.
                    receiver.Kill9();
                    receiver.Dispose();
                    receiver = Kenshell.Start(_b.Path, b, [], Network);
                    Assert.Equal($"{messages}", receiver.Eval("got.length"));
                    malformedBefore = Malformed(receiver);
                    malformed = 0;
                }
                foreach (byte[] real in captured.OrderBy(_ => random.Next()))
                {
                    Attack("replay of a captured datagram (old sequence number), from its real source", real);
                    Attack("replay of a captured datagram, from a stranger's address", real, fromStranger: true);

                    byte[] zeroSender = (byte[])real.Clone();
                    zeroSender.AsSpan(8, 16).Clear();
                    Attack("forged sender incarnation (zero), checksum fixed", Recrc(zeroSender), isMalformed: true);

                    byte[] otherSender = (byte[])real.Clone();
                    random.NextBytes(otherSender.AsSpan(8, 16));
                    Attack("forged sender incarnation, checksum not fixed", otherSender, isMalformed: true);

                    byte[] otherReceiver = (byte[])real.Clone();
                    if (otherReceiver[5] == 1)
                    {
                        random.NextBytes(otherReceiver.AsSpan(24, 16));
                        Attack("forged receiver incarnation, checksum fixed (well-formed, not for this store)", Recrc(otherReceiver));
                    }

                    Attack("cut short", real[..random.Next(0, real.Length)], isMalformed: true);
                    byte[] longer = new byte[real.Length + random.Next(1, 64)];
                    real.CopyTo(longer, 0);
                    random.NextBytes(longer.AsSpan(real.Length));
                    Attack("lengthened with junk", longer, isMalformed: true);

                    byte[] flipped = (byte[])real.Clone();
                    flipped[random.Next(flipped.Length)] ^= (byte)(1 << random.Next(8));
                    Attack("one bit flipped", flipped, isMalformed: true);

                    byte[] junk = new byte[random.Next(0, 1400)];
                    random.NextBytes(junk);
                    Attack("random bytes", junk, isMalformed: true);
                }
                Thread.Sleep(20);
            }

            // Nothing was delivered again, the receiver is alive, and counted what it dropped.
            Thread.Sleep(500);
            Assert.Equal("true", receiver.Eval($"got.length === {messages} && got.every((v, i) => v === i + 1)"));
            long counted = Malformed(receiver) - malformedBefore;
            Assert.True(counted >= malformed / 2 && counted > 0, $"not counted: {counted} malformed datagrams counted since the last restart, {malformed} sent");

            // And the protocol still works: more real messages, exactly once.
            Assert.Equal("0", sender.Eval($"for (let i = {messages + 1}; i <= {messages + 5}; i++) ken.send('{viaProxy}', i); 0"));
            WaitFor(receiver, $"got.length === {messages + 5} && got.every((v, i) => v === i + 1)", "true");
            output.WriteLine($"messaging faults ({TortureMode.Name}): {captured.Length} real datagrams captured, " +
                             $"{sent.Values.Sum()} hostile datagrams sent, {counted} counted as malformed since the receiver's restart; " +
                             $"no duplicate delivery, {clock.Elapsed.TotalSeconds:F0} s");
            foreach (var (kind, n) in sent) TortureReport.Add("hostile datagrams sent to a live receiver (dropped, nothing delivered twice)", kind, n);
        }
        finally
        {
            receiver.Dispose();
        }
    }

    private static long Malformed(Kenshell shell)
    {
        shell.Send(".info");
        string info = "";
        while (!info.StartsWith("network:", StringComparison.Ordinal)) info = shell.ReadLine();
        Match m = MalformedPattern().Match(info);
        Assert.True(m.Success, info);
        // .info prints more lines after the network one; read up to a marker so the next Eval reads its own result.
        shell.Send("'info read'");
        while (shell.ReadLine() != "'info read'") { }
        return long.Parse(m.Groups[1].Value);
    }

    private static void WaitFor(Kenshell shell, string expression, string expected) =>
        shell.WaitForValue(expression, expected, TimeSpan.FromSeconds(90));

    [GeneratedRegex(@"dropped (\d+) malformed")]
    private static partial Regex MalformedPattern();

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
