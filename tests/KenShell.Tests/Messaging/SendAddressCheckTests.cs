using System.Text.Json;
using KenShell.Messaging;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Messaging;

/// <summary>
/// ken.send refuses, in the sending turn, an address that cannot be one (it
/// used to queue messages for it forever). The runtime checks addresses in
/// JavaScript (a turn cannot call the host synchronously), with the rules and
/// words of <see cref="PeerAddress"/>: both must agree on every address.
/// </summary>
public sealed class SendAddressCheckTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private static readonly string[] Addresses =
    [
        // Good ones: IPv4, IPv6, IPv4-mapped, host names.
        "127.0.0.1:6666", "10.1.255.0:1", "1.2.3.4:65535", "[::1]:6666", "[0:0:0:0:0:0:0:1]:6666", "[2001:DB8:0:0::1]:65535",
        "[::ffff:127.0.0.1]:80", "[1:2:3:4:5:6:7:8]:1", "[1::]:1", "[::2:3:4:5:6:7:8]:1", "[1:2:3:4:5:6:7::]:1", "[::1.2.3.4]:9",
        "[fe80::1:2.3.4.5]:9", "localhost:6666", "LocalHost.:6666", "node-7.Example.ORG:9", "my_host:1", "a:1", "x1.y2:3",
        // Not addresses at all: TypeError.
        "", "foo", "127.0.0.1", "localhost", ":6666", "127.0.0.1:", "127.0.0.1:06666", "127.0.0.1:66a", "127.0.0.1:-1",
        "127.0.0.1:+1", "::1:6666", "fe80::1:6666", "[::1]6666", "[::1]", "[::1:6666", "[]:1", "[1.2.3.4]:1", "[::1::2]:1",
        "[1:2:3:4:5:6:7:8:9]:1", "[1:2:3:4:5:6:7]:1", "[12345::]:1", "[:1]:1", "[1:]:1", "[g::1]:1", "[::1.2.3]:1",
        "[::1.2.3.256]:1", "[::01.2.3.4]:1", "[1.2.3.4::]:1", "[::1]:6666x", "127.1:1", "0x7f.0.0.1:1", "127.000.0.1:1",
        "1.2.3.4.:1", "256.1.1.1:1", "1..2.3:1", "-bad.host:1", "bad-.host:1", "a..b:1", "a.b..:1", "host name:1",
        "tab\there:1", "caf\u00e9:1", "a.b.123:1", "a/b:1", "a@b:1", ".:1", "..:1", "a.:1", "0.0.0.0:1", "[::]:1",
        "[0::0]:1", "255.255.255.255:1", "224.0.0.1:1", "239.255.255.250:1", "[ff02::1]:1", "[FF05:0:0:0:0:0:0:2]:1",
        "[::ffff:0.0.0.0]:1", "[fe80::1%eth0]:1", "[fe80::1%1]:1", "[::1%]:1", "[::1%a%b]:1", "[::1%-1]:1", "[::1%99999999999]:1", "[::ffff:1.2.3.4%1]:1", "[ff02::1%1]:1", "[::%1]:1", "[::%eth0]:1", "[%1]:1", "[1.2.3.4%1]:1", "[::1%[x]:1", "[ff02::1%lo]:1", "[::1%0]:1", "[::1%lo]:1", "[::ffff:224.0.0.1]:1", "[::ffff:255.255.255.255]:1",
        new string('a', 64) + ".com:1", new string('a', 63) + ".com:1", string.Join('.', Enumerable.Repeat(new string('b', 60), 5)) + ":1",
        string.Join('.', Enumerable.Repeat(new string('c', 50), 5)) + ":65535", new string('d', 300) + ":1",
        // Numbers that are not ports: RangeError.
        "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:99999", "127.0.0.1:123456", "[::1]:0", "localhost:70000",
    ];

    [Fact]
    public void TheRuntimesCheckAgreesWithPeerAddressOnEveryAddress()
    {
        string cases = JsonSerializer.Serialize(Addresses);
        KenshellResult r = Kenshell.Run(_dir.Path,
            $"console.log(JSON.stringify({cases}.map(a => {{ try {{ ken.send(a, 1); return 'ok' }} catch (e) {{ return e.name + ': ' + e.message }} }})))\n");
        Assert.Equal(0, r.ExitCode);
        string[] answers = JsonSerializer.Deserialize<string[]>(r.StdoutLines[0])!;
        Assert.Equal(Addresses.Length, answers.Length);
        var disagreements = new List<string>();
        for (int i = 0; i < Addresses.Length; i++)
        {
            string expected = PeerAddress.TryParse(Addresses[i], out _, out string? error)
                ? "ok"
                : $"{(IsPortRange(Addresses[i]) ? "RangeError" : "TypeError")}: ken.send: {error}";
            if (answers[i] != expected) disagreements.Add($"{JsonSerializer.Serialize(Addresses[i])}: runtime says {answers[i]}; PeerAddress says {expected}");
        }
        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.Contains("ok", answers);
        Assert.Contains(answers, a => a.StartsWith("RangeError", StringComparison.Ordinal));
    }

    // A port of digits only, without a leading zero, outside 1-65535.
    private static bool IsPortRange(string address)
    {
        int colon = address.LastIndexOf(':');
        string port = address[(colon + 1)..];
        if (colon < 0 || port.Length == 0 || !port.All(char.IsAsciiDigit) || (port.Length > 1 && port[0] == '0')) return false;
        return port.Length > 5 || int.Parse(port, System.Globalization.CultureInfo.InvariantCulture) is < 1 or > 65535;
    }

    [Fact]
    public void ABadAddressThrowsInTheSendingTurnAndQueuesNothing()
    {
        KenshellResult r = Kenshell.Run(_dir.Path,
            "ken.send('foo', 1)\n" +
            "try { ken.send('127.0.0.1:99999', 1) } catch (e) { console.log(e instanceof RangeError, e.message) }\n" +
            "try { ken.send('foo', 1) } catch (e) { console.log(e instanceof TypeError) }\n" +
            "var before = 1; try { ken.send('127.0.0.1:0', { big: 1 }); before = 2 } catch { }\n" +
            "before\n" +
            "ken.stats().sent + ' ' + JSON.stringify(ken.pending())\n" +
            "ken.send('127.0.0.1:7', 'fine'); JSON.stringify(ken.pending())\n");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(
            "Uncaught:\nTypeError: ken.send: address 'foo' has no :PORT (an address is HOST:PORT, e.g. 127.0.0.1:6666)\n" +
            "true ken.send: address '127.0.0.1:99999': port 99999 is out of range 1-65535\n" +
            "undefined\n" +
            "true\n" +
            "undefined\n" +
            "undefined\n" +
            "1\n" +
            "'0 {}'\n" +
            "'{\"127.0.0.1:7\":1}'\n",
            r.Stdout);
    }

    public void Dispose() => _dir.Dispose();
}
