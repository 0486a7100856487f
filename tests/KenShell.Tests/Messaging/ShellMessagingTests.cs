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
    private static void WaitFor(Kenshell shell, string expression, string expected, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            last = shell.Eval(expression);
            if (last == expected) return;
            Thread.Sleep(100);
        }
        Assert.Fail($"`{expression}` printed {last}, never {expected}\nstderr: {shell.Stderr}");
    }

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

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }
}
