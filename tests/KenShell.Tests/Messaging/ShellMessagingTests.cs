using System.Net;
using System.Net.Sockets;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Messaging;

/// <summary>
/// Real kenshell processes exchanging messages over real UDP on loopback:
/// exactly once, in order per sender, across kill -9 of either side and
/// datagram loss, duplication and reordering (the host's lossy transport,
/// KENSHELL_NET_FAULTS).
/// </summary>
public sealed class ShellMessagingTests : IDisposable
{
    private readonly StoreDirectory _a = new();
    private readonly StoreDirectory _b = new();

    private static string FreeAddress()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return $"127.0.0.1:{((IPEndPoint)probe.Client.LocalEndPoint!).Port}";
    }

    private static Dictionary<string, string> Network(string? faults = null)
    {
        var env = new Dictionary<string, string> { ["KENSHELL_NO_NETWORK"] = "0" };
        if (faults is not null) env["KENSHELL_NET_FAULTS"] = faults;
        return env;
    }

    private static Kenshell Start(StoreDirectory dir, string address, string? faults = null) =>
        Kenshell.Start(dir.Path, address, [], Network(faults));

    /// <summary>Polls an expression in a shell until it prints the expected value.</summary>
    private static void WaitFor(Kenshell shell, string expression, string expected, TimeSpan? timeout = null) =>
        shell.WaitForValue(expression, expected, timeout ?? TimeSpan.FromSeconds(60));

    [Fact]
    public void MessagesArriveExactlyOnceInOrderAndValuesAreStructuredClones()
    {
        string a = FreeAddress(), b = FreeAddress();
        using var receiver = Start(_b, b);
        using var sender = Start(_a, a);
        Assert.Equal("0", receiver.Eval("var got = []; ken.onmessage = (v, from) => { got.push([v, from]) }; 0"));
        Assert.Equal($"'{a}'", sender.Eval("ken.address"));
        sender.Eval($"var cyc = {{ n: 1, when: new Date(0), m: new Map([[1, 'one']]), big: 10n, bytes: new Uint8Array([1, 2]) }}; cyc.self = cyc; ken.send('{b}', cyc)");
        sender.Eval($"for (let i = 2; i <= 20; i++) ken.send('{b}', {{ n: i }}); 0");
        WaitFor(receiver, "got.length", "20");
        Assert.Equal("true", receiver.Eval("const [v, from] = got[0]; v.self === v && v.when.getTime() === 0 && v.m.get(1) === 'one' && v.big === 10n && v.bytes[1] === 2"));
        Assert.Equal($"'{a}'", receiver.Eval("got[0][1]"));
        Assert.Equal("true", receiver.Eval("got.map(([v]) => v.n).join() === Array.from({ length: 20 }, (_, i) => i + 1).join()"));
        WaitFor(sender, "Object.keys(ken.pending()).length", "0");
    }

    [Fact]
    public void AValueThatCannotBeClonedThrowsDataCloneErrorInTheSendingTurn()
    {
        string a = FreeAddress();
        using var sender = Start(_a, a);
        string result = sender.Eval("ken.send('127.0.0.1:9', { f() {} })");
        Assert.Equal("Uncaught Error [DataCloneError]: f() {} could not be cloned.", result);
        Assert.Equal("'DataCloneError'", sender.Eval("(() => { try { ken.send('127.0.0.1:9', Symbol()) } catch (e) { return e.name } })()"));
        Assert.Equal("0", sender.Eval("ken.stats().sent"));
    }

    [Fact]
    public void MessagesWaitForAHandlerAndSurviveKillsOfBothSidesUnderLoss()
    {
        const string Faults = "loss=0.2,dup=0.1,reorder=0.2,seed=11";
        string a = FreeAddress(), b = FreeAddress();
        Kenshell? receiver = Start(_b, b, Faults);
        Kenshell? sender = Start(_a, a, Faults);
        try
        {
            // No handler yet: deliveries wait, persistently, in the heap.
            receiver.Eval("var got = []; 0");
            int sent = 0;
            for (int round = 0; round < 4; round++)
            {
                sender.Eval($"for (let i = {sent + 1}; i <= {sent + 15}; i++) ken.send('{b}', i); 0");
                sent += 15;
                Thread.Sleep(300);
                // Kill one side or the other at a random moment, and restart it.
                if (round % 2 == 0)
                {
                    receiver.Kill9();
                    receiver.Dispose();
                    receiver = Start(_b, b, Faults);
                }
                else
                {
                    sender.Kill9();
                    sender.Dispose();
                    sender = Start(_a, a, Faults);
                }
            }
            Assert.Equal("0", receiver.Eval("ken.onmessage = v => { got.push(v) }; 0"));
            WaitFor(receiver, "got.length", $"{sent}", TimeSpan.FromSeconds(90));
            Assert.Equal("true", receiver.Eval($"got.join() === Array.from({{ length: {sent} }}, (_, i) => i + 1).join()"));
            receiver.Kill9();
            receiver.Dispose();
            receiver = Start(_b, b, Faults);
            Thread.Sleep(1500); // anything still retransmitted must not be delivered again
            Assert.Equal($"{sent}", receiver.Eval("got.length"));
            WaitFor(sender, "Object.keys(ken.pending()).length", "0", TimeSpan.FromSeconds(90));
        }
        finally
        {
            receiver?.Dispose();
            sender?.Dispose();
        }
    }

    [Fact]
    public void AThousandMessagesSurviveRandomKillsOfBothSidesUnderLoss()
    {
        const string Faults = "loss=0.1,dup=0.1,reorder=0.2,seed=23";
        string a = FreeAddress(), b = FreeAddress();
        var random = new Random(4242);
        Kenshell receiver = Start(_b, b, Faults);
        Kenshell sender = Start(_a, a, Faults);
        int kills = 0;
        try
        {
            receiver.Eval("var got = []; ken.onmessage = v => { got.push(v) }; 0");
            for (int batch = 0; batch < 10; batch++)
            {
                sender.Eval($"for (let i = {batch * 100 + 1}; i <= {batch * 100 + 100}; i++) ken.send('{b}', i); 0");
                Thread.Sleep(random.Next(0, 400));
                bool killReceiver = random.Next(2) == 0;
                Kenshell victim = killReceiver ? receiver : sender;
                victim.Kill9();
                victim.Dispose();
                kills++;
                if (killReceiver) receiver = Start(_b, b, Faults); else sender = Start(_a, a, Faults);
            }
            WaitFor(receiver, "got.length", "1000", TimeSpan.FromSeconds(150));
            Assert.Equal("true", receiver.Eval("got.every((v, i) => v === i + 1)"));
            Assert.Equal(10, kills);
        }
        finally
        {
            receiver.Dispose();
            sender.Dispose();
        }
    }

    [Fact]
    public void ThreeShellsSendToEachOtherExactlyOnce()
    {
        using var c = new StoreDirectory();
        string[] addresses = [FreeAddress(), FreeAddress(), FreeAddress()];
        StoreDirectory[] dirs = [_a, _b, c];
        var shells = addresses.Select((addr, i) => Start(dirs[i], addr, "loss=0.1,dup=0.1,reorder=0.1,seed=" + (i + 5))).ToArray();
        try
        {
            foreach (var shell in shells) shell.Eval("var got = {}; ken.onmessage = (v, from) => { (got[from] ??= []).push(v) }; 0");
            for (int i = 0; i < 3; i++)
            {
                string others = string.Join(", ", addresses.Where((_, j) => j != i).Select(x => $"'{x}'"));
                shells[i].Eval($"for (const to of [{others}]) for (let n = 1; n <= 40; n++) ken.send(to, n); 0");
            }
            for (int i = 0; i < 3; i++)
            {
                foreach (string from in addresses.Where((_, j) => j != i))
                    WaitFor(shells[i], $"(got['{from}'] || []).join()", "'" + string.Join(",", Enumerable.Range(1, 40)) + "'");
            }
        }
        finally
        {
            foreach (var shell in shells) shell.Dispose();
        }
    }

    [Fact]
    public void AReceiverWhoseStoreWasResetIsRecognisedAndGetsTheNewMessages()
    {
        string a = FreeAddress(), b = FreeAddress();
        using var sender = Start(_a, a);
        using (var receiver = Start(_b, b))
        {
            receiver.Eval("var got = []; ken.onmessage = v => got.push(v); 0");
            sender.Eval($"ken.send('{b}', 'before reset')");
            WaitFor(receiver, "got.join()", "'before reset'");
            receiver.Kill9();
        }
        foreach (string f in Directory.GetFiles(_b.Path, "ken_*")) File.Delete(f); // rm ken_*
        using (var receiver = Start(_b, b))
        {
            receiver.Eval("var got = []; ken.onmessage = v => got.push(v); 0");
            sender.Eval($"ken.send('{b}', 'after reset 1'); ken.send('{b}', 'after reset 2')");
            WaitFor(receiver, "got.join()", "'after reset 1,after reset 2'");
        }
    }

    [Fact]
    public void ALargeMessageIsFragmentedAndArrivesWhole()
    {
        string a = FreeAddress(), b = FreeAddress();
        using var receiver = Start(_b, b);
        using var sender = Start(_a, a);
        receiver.Eval("var sum = -1; ken.onmessage = v => { let s = 0; for (let i = 0; i < v.length; i += 4096) s += v[i]; sum = s + ':' + v.length }; 0");
        sender.Eval($"var big = new Uint8Array(16 * 1024 * 1024); for (let i = 0; i < big.length; i += 4096) big[i] = 1; ken.send('{b}', big)");
        WaitFor(receiver, "sum", "'4096:16777216'", TimeSpan.FromSeconds(120));
    }

    [Fact]
    public void IPv6AddressesWork()
    {
        if (!System.Net.Sockets.Socket.OSSupportsIPv6)
        {
            return; // no IPv6 on this machine: nothing to test
        }
        string port1, port2;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.IPv6Loopback, 0))) port1 = ((IPEndPoint)probe.Client.LocalEndPoint!).Port.ToString();
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.IPv6Loopback, 0))) port2 = ((IPEndPoint)probe.Client.LocalEndPoint!).Port.ToString();
        string a = $"[::1]:{port1}", b = $"[::1]:{port2}";
        using var receiver = Start(_b, b);
        using var sender = Start(_a, a);
        receiver.Eval("var got = []; ken.onmessage = (v, from) => got.push(v + ' from ' + from); 0");
        sender.Eval($"ken.send('{b}', 'hello')");
        WaitFor(receiver, "got.join()", $"'hello from {a}'");
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
