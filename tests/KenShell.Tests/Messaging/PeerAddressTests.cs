using System.Net;
using System.Net.Sockets;
using KenShell.Messaging;
using Xunit;

namespace KenShell.Tests.Messaging;

/// <summary>Addresses parse strictly, canonicalise, compare by canonical text, and explain what is wrong with bad ones.</summary>
public sealed class PeerAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:6666", "127.0.0.1:6666", "127.0.0.1")]
    [InlineData("10.1.255.0:1", "10.1.255.0:1", "10.1.255.0")]
    [InlineData("[::1]:6666", "[::1]:6666", "::1")]
    [InlineData("[0:0:0:0:0:0:0:1]:6666", "[::1]:6666", "::1")]
    [InlineData("[2001:DB8:0:0::1]:65535", "[2001:db8::1]:65535", "2001:db8::1")]
    [InlineData("[::ffff:127.0.0.1]:80", "127.0.0.1:80", "127.0.0.1")]
    [InlineData("localhost:6666", "localhost:6666", null)]
    [InlineData("LocalHost.:6666", "localhost:6666", null)]
    [InlineData("node-7.Example.ORG:9", "node-7.example.org:9", null)]
    [InlineData("my_host:1", "my_host:1", null)]
    public void ValidAddressesParseToTheirCanonicalForm(string text, string canonical, string? ip)
    {
        PeerAddress a = PeerAddress.Parse(text);
        Assert.Equal(canonical, a.ToString());
        Assert.Equal(ip, a.IPAddress?.ToString());
        Assert.Equal(ip is null, a.IsHostName);
        Assert.Equal(a, PeerAddress.Parse(canonical));
        Assert.Equal(canonical, PeerAddress.Parse(canonical).ToString()); // canonical is a fixed point
    }

    [Fact]
    public void EqualityIsByCanonicalText()
    {
        Assert.Equal(PeerAddress.Parse("[0::1]:5"), PeerAddress.Parse("[::1]:5"));
        Assert.True(PeerAddress.Parse("[0::1]:5") == PeerAddress.Parse("[::1]:5"));
        Assert.Equal(PeerAddress.Parse("[0::1]:5").GetHashCode(), PeerAddress.Parse("[::1]:5").GetHashCode());
        Assert.NotEqual(PeerAddress.Parse("[::1]:5"), PeerAddress.Parse("[::1]:6"));
        Assert.NotEqual(PeerAddress.Parse("localhost:5"), PeerAddress.Parse("127.0.0.1:5")); // identity is the name, not DNS
        Assert.True(PeerAddress.Parse("a:1") != PeerAddress.Parse("b:1"));
        Assert.False(PeerAddress.Parse("a:1").Equals(null));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("127.0.0.1", "no :PORT")]
    [InlineData("localhost", "no :PORT")]
    [InlineData(":6666", "empty host")]
    [InlineData("127.0.0.1:", "port is missing")]
    [InlineData("127.0.0.1:0", "out of range")]
    [InlineData("127.0.0.1:65536", "out of range")]
    [InlineData("127.0.0.1:123456", "not a number")]
    [InlineData("127.0.0.1:06666", "leading zero")]
    [InlineData("127.0.0.1:66a", "not a number")]
    [InlineData("127.0.0.1:-1", "not a number")]
    [InlineData("::1:6666", "must be in brackets")]
    [InlineData("fe80::1:6666", "must be in brackets")]
    [InlineData("[::1]6666", "no :PORT after ']'")]
    [InlineData("[::1]", "no :PORT after ']'")]
    [InlineData("[::1:6666", "without ']'")]
    [InlineData("[fe80::1%eth0]:6666", "zone index")]
    [InlineData("[fe80::1%1]:6666", "zone index")]
    [InlineData("[]:6666", "empty host")]
    [InlineData("[127.0.0.1]:6666", "not an IPv6 address")]
    [InlineData("[nonsense]:6666", "not an IPv6 address")]
    [InlineData("127.1:6666", "not an IPv4 address")]
    [InlineData("256.0.0.1:6666", "not an IPv4 address")]
    [InlineData("01.2.3.4:6666", "not an IPv4 address")]
    [InlineData("1.2.3.4.5:6666", "not an IPv4 address")]
    [InlineData("2130706433:6666", "not an IPv4 address")]
    [InlineData("0.0.0.0:6666", "unspecified")]
    [InlineData("[::]:6666", "unspecified")]
    [InlineData("255.255.255.255:6666", "broadcast")]
    [InlineData("224.0.0.1:6666", "multicast")]
    [InlineData("[ff02::1]:6666", "multicast")]
    [InlineData("a b:6666", "space, control or non-ASCII")]
    [InlineData("héllo:6666", "space, control or non-ASCII")]
    [InlineData("tab\t:6666", "space, control or non-ASCII")]
    [InlineData("-bad.example:6666", "starts or ends with '-'")]
    [InlineData("bad..example:6666", "empty label")]
    [InlineData("bad/host:6666", "unexpected '/'")]
    [InlineData("0x7f.0.0.1:6666", "numeric label")]
    [InlineData("example.123:6666", "numeric label")]
    public void GarbageIsRejectedWithAClearMessage(string text, string why)
    {
        Assert.False(PeerAddress.TryParse(text, out PeerAddress? parsed, out string? error));
        Assert.Null(parsed);
        Assert.Contains(why, error);
        FormatException e = Assert.Throws<FormatException>(() => PeerAddress.Parse(text));
        Assert.Equal(error, e.Message);
    }

    [Fact]
    public void OverlongAddressesAreRejected()
    {
        string label = new('a', 60);
        string name = string.Join('.', Enumerable.Repeat(label, 5)); // 304 characters
        Assert.False(PeerAddress.TryParse(name + ":1", out _, out string? error));
        Assert.Contains("too long", error);
        Assert.False(PeerAddress.TryParse(new string('a', 64) + ":1", out _, out error));
        Assert.Contains("longer than 63", error);
        Assert.False(PeerAddress.TryParse(null, out _));
    }

    [Fact]
    public void LiteralsResolveWithoutDns()
    {
        PeerAddress v4 = PeerAddress.Parse("127.0.0.1:6666");
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6666), v4.LiteralEndPoint);
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 6666), v4.Resolve());
        PeerAddress v6 = PeerAddress.Parse("[::1]:6666");
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 6666), v6.Resolve(AddressFamily.InterNetworkV6));
        Assert.False(v6.TryResolve(AddressFamily.InterNetwork, out _, out string? error));
        Assert.Contains("IPv4-only", error);
        Assert.Null(PeerAddress.Parse("localhost:1").LiteralEndPoint);
    }

    [Fact]
    public void HostNamesResolveLazilyPreferringIPv4()
    {
        PeerAddress local = PeerAddress.Parse("localhost:6666");
        Assert.True(local.TryResolve(AddressFamily.Unspecified, out IPEndPoint? endPoint, out string? error), error);
        Assert.True(IPAddress.IsLoopback(endPoint.Address));
        Assert.Equal(6666, endPoint.Port);
        Assert.Equal(AddressFamily.InterNetwork, endPoint.AddressFamily);

        PeerAddress nowhere = PeerAddress.Parse("no-such-host.invalid:6666"); // parsing never looks anything up
        Assert.False(nowhere.TryResolve(AddressFamily.Unspecified, out _, out error));
        Assert.Contains("cannot resolve host 'no-such-host.invalid'", error);
        Assert.Throws<IOException>(() => nowhere.Resolve());
    }
}
