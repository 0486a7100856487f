using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace KenShell.Messaging;

/// <summary>
/// A shell's address, <c>HOST:PORT</c>: its identity on the network.
/// <list type="bullet">
/// <item><c>127.0.0.1:6666</c>: an IPv4 address, strictly four decimal numbers 0-255
/// (no <c>127.1</c>, <c>0x7f.0.0.1</c> or leading zeros, which the OS parsers read
/// in surprising ways).</item>
/// <item><c>[::1]:6666</c>: an IPv6 address, always in brackets; an IPv4-mapped one
/// (<c>[::ffff:1.2.3.4]</c>) means the IPv4 address and is canonicalised to it; no
/// zone index (<c>%eth0</c>), which would mean different things on different machines.</item>
/// <item><c>localhost:6666</c>, <c>node-7.example.org:6666</c>: a host name (letters,
/// digits, <c>-</c>, <c>_</c>, dots; case-insensitive; a trailing dot is dropped).</item>
/// </list>
/// The port is 1-65535 without leading zeros. Unspecified (<c>0.0.0.0</c>, <c>::</c>),
/// broadcast and multicast addresses are rejected: nothing could reach such an
/// identity.
///
/// <para><b>Canonical form and equality.</b> <see cref="ToString"/> is the canonical
/// text (lowercase host name, RFC 5952 IPv6 in brackets, plain port) and two
/// addresses are equal exactly when their canonical texts are. That text is what
/// travels in datagrams, so it is a pure function of the address, never of DNS:
/// <c>localhost:6666</c> and <c>127.0.0.1:6666</c> are different identities (use
/// one spelling per peer; the wire layer keeps streams under different spellings
/// apart, so mixing them is safe, just not merged).</para>
///
/// <para><b>Host names are resolved lazily</b>, by <see cref="TryResolve"/> when a
/// datagram is to be sent, not by <see cref="Parse"/>. Parsing happens inside turns
/// (<c>ken.send(address, ...)</c>) and on every received datagram; a DNS lookup there
/// would block a turn on the network, make a turn's outcome depend on DNS (turns
/// are replayed after a crash and must not), and let a forged datagram trigger
/// lookups. Resolving at transmit time also follows a host that moves. Callers that
/// transmit often should cache the resolved endpoint for a while.</para>
/// </summary>
public sealed class PeerAddress : IEquatable<PeerAddress>
{
    /// <summary>The longest canonical address text (it travels in a one-byte length field).</summary>
    public const int MaxLength = 255;

    private readonly string _text;

    private PeerAddress(string host, IPAddress? ip, int port)
    {
        Host = host;
        IPAddress = ip;
        Port = port;
        _text = ip is { AddressFamily: AddressFamily.InterNetworkV6 } ? $"[{host}]:{port}" : $"{host}:{port}";
    }

    /// <summary>The canonical host: an IP literal without brackets, or a lowercase host name.</summary>
    public string Host { get; }

    public int Port { get; }

    /// <summary>The IP address when the host is an IP literal; null for a host name.</summary>
    public IPAddress? IPAddress { get; }

    public bool IsHostName => IPAddress is null;

    /// <summary>The endpoint of an IP-literal address, without any lookup; null for a host name.</summary>
    public IPEndPoint? LiteralEndPoint => IPAddress is null ? null : new IPEndPoint(IPAddress, Port);

    public static PeerAddress Parse(string text) =>
        TryParse(text, out PeerAddress? address, out string? error) ? address : throw new FormatException(error);

    public static bool TryParse(string? text, [NotNullWhen(true)] out PeerAddress? address) =>
        TryParse(text, out address, out _);

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out PeerAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        error = Check(text, ref address);
        return error is null;
    }

    private static string? Check(string? text, ref PeerAddress? address)
    {
        if (string.IsNullOrEmpty(text)) return "an address is HOST:PORT, e.g. 127.0.0.1:6666 or [::1]:6666; got an empty string";
        string shown = text.Length > 80 ? text[..80] + "..." : text;
        if (text.Length > MaxLength + 1) return $"address '{shown}' is too long (at most {MaxLength} characters)";
        foreach (char c in text)
        {
            if (c <= ' ' || c >= 0x7f) return $"address '{Printable(shown)}' contains a space, control or non-ASCII character";
        }

        string hostText, portText;
        bool bracketed = text[0] == '[';
        if (bracketed)
        {
            int close = text.IndexOf(']');
            if (close < 0) return $"address '{shown}' has '[' without ']'; IPv6 is written [::1]:6666";
            hostText = text[1..close];
            if (close + 1 >= text.Length || text[close + 1] != ':') return $"address '{shown}' has no :PORT after ']' (e.g. [::1]:6666)";
            portText = text[(close + 2)..];
            if (hostText.Length == 0) return $"address '{shown}' has an empty host";
        }
        else
        {
            int colon = text.LastIndexOf(':');
            if (colon < 0) return $"address '{shown}' has no :PORT (an address is HOST:PORT, e.g. 127.0.0.1:6666)";
            hostText = text[..colon];
            portText = text[(colon + 1)..];
            if (hostText.Length == 0) return $"address '{shown}' has an empty host";
            if (hostText.Contains(':')) return $"address '{shown}': an IPv6 address must be in brackets, e.g. [::1]:6666";
        }

        if (!TryParsePort(portText, out int port, out string? portError)) return $"address '{shown}': {portError}";

        IPAddress? ip;
        string host;
        if (bracketed)
        {
            // A zone index (fe80::1%eth0) names an interface of one machine,
            // and .NET turns a name into that machine's interface number: the
            // canonical text, which is the shell's identity, would depend on
            // where it is parsed.
            if (hostText.Contains('%'))
                return $"address '{shown}': '{hostText}' has a zone index (%...), which means different things on different machines";
            if (!IPAddress.TryParse(hostText, out ip) || ip.AddressFamily != AddressFamily.InterNetworkV6)
                return $"address '{shown}': '{hostText}' in brackets is not an IPv6 address";
            if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
            host = ip.ToString();
        }
        else if (LooksNumeric(hostText))
        {
            if (!TryParseDottedQuad(hostText, out ip))
                return $"address '{shown}': '{hostText}' is not an IPv4 address (four numbers 0-255 without leading zeros, e.g. 127.0.0.1)";
            host = ip.ToString();
        }
        else
        {
            string? nameError = CheckHostName(hostText, out host);
            if (nameError is not null) return $"address '{shown}': {nameError}";
            ip = null;
        }

        if (ip is not null)
        {
            string? unicastError = CheckUnicast(ip);
            if (unicastError is not null) return $"address '{shown}': {unicastError}";
        }
        var result = new PeerAddress(host, ip, port);
        if (result._text.Length > MaxLength) return $"address '{shown}' is too long (at most {MaxLength} characters)";
        address = result;
        return null;
    }

    private static string Printable(string s) =>
        string.Concat(s.Select(c => c is > ' ' and < (char)0x7f ? c.ToString() : $"\\u{(int)c:x4}"));

    private static bool TryParsePort(string text, out int port, [NotNullWhen(false)] out string? error)
    {
        port = 0;
        error = null;
        if (text.Length == 0) { error = "the port is missing after ':'"; return false; }
        if (text.Length > 5 || !text.All(char.IsAsciiDigit)) { error = $"port '{text}' is not a number 1-65535"; return false; }
        if (text.Length > 1 && text[0] == '0') { error = $"port '{text}' has a leading zero"; return false; }
        port = int.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
        if (port is < 1 or > 65535) { error = $"port {text} is out of range 1-65535"; return false; }
        return true;
    }

    private static bool LooksNumeric(string host) => host.All(c => char.IsAsciiDigit(c) || c == '.');

    private static bool TryParseDottedQuad(string host, [NotNullWhen(true)] out IPAddress? ip)
    {
        ip = null;
        string[] parts = host.Split('.');
        if (parts.Length != 4) return false;
        Span<byte> bytes = stackalloc byte[4];
        for (int i = 0; i < 4; i++)
        {
            string p = parts[i];
            if (p.Length is 0 or > 3 || (p.Length > 1 && p[0] == '0')) return false;
            int v = int.Parse(p, System.Globalization.CultureInfo.InvariantCulture);
            if (v > 255) return false;
            bytes[i] = (byte)v;
        }
        ip = new IPAddress(bytes);
        return true;
    }

    private static string? CheckHostName(string name, out string canonical)
    {
        canonical = name.ToLowerInvariant();
        if (canonical.EndsWith('.')) canonical = canonical[..^1];
        if (canonical.Length == 0 || canonical.Length > 253) return $"host name '{name}' must be 1-253 characters";
        string[] labels = canonical.Split('.');
        foreach (string label in labels)
        {
            if (label.Length is 0 or > 63) return $"host name '{name}' has an empty label or one longer than 63 characters";
            if (label[0] == '-' || label[^1] == '-') return $"host name '{name}' has a label that starts or ends with '-'";
            foreach (char c in label)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
                    return $"'{name}' is neither an IPv4 address nor a host name (unexpected '{c}')";
            }
        }
        if (labels[^1].All(char.IsAsciiDigit)) return $"host name '{name}' ends in a numeric label";
        return null;
    }

    private static string? CheckUnicast(IPAddress ip)
    {
        if (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any))
            return $"{ip} is the unspecified address, which cannot identify a shell; use a concrete one such as 127.0.0.1";
        if (ip.Equals(IPAddress.Broadcast)) return "255.255.255.255 is the broadcast address, which cannot identify a shell";
        if (ip.IsIPv6Multicast || (ip.AddressFamily == AddressFamily.InterNetwork && (ip.GetAddressBytes()[0] & 0xf0) == 0xe0))
            return $"{ip} is a multicast address, which cannot identify a shell";
        return null;
    }

    /// <summary>
    /// The endpoint to send to. An IP literal needs no lookup. A host name is looked up
    /// in DNS (blocking); among its addresses one of <paramref name="family"/> is chosen
    /// (<see cref="AddressFamily.Unspecified"/>: IPv4 first, then IPv6, so that
    /// <c>localhost</c> means 127.0.0.1 on every machine). For an IPv6 dual-mode socket
    /// pass <see cref="AddressFamily.InterNetworkV6"/>: an IPv4 result is still returned
    /// if the name has no IPv6 address.
    /// </summary>
    public bool TryResolve(AddressFamily family, [NotNullWhen(true)] out IPEndPoint? endPoint, [NotNullWhen(false)] out string? error)
    {
        endPoint = null;
        error = null;
        if (IPAddress is not null)
        {
            if (family == AddressFamily.InterNetwork && IPAddress.AddressFamily != AddressFamily.InterNetwork)
            {
                error = $"{this} is IPv6 but the socket is IPv4-only";
                return false;
            }
            endPoint = new IPEndPoint(IPAddress, Port);
            return true;
        }
        IPAddress[] candidates;
        try
        {
            candidates = Dns.GetHostAddresses(Host);
        }
        catch (Exception e) when (e is SocketException or ArgumentException)
        {
            error = $"cannot resolve host '{Host}': {e.Message}";
            return false;
        }
        IPAddress? chosen = family switch
        {
            AddressFamily.InterNetwork => candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork),
            AddressFamily.InterNetworkV6 => candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6)
                                            ?? candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork),
            _ => candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                 ?? candidates.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetworkV6),
        };
        if (chosen is null)
        {
            error = $"host '{Host}' has no {(family == AddressFamily.InterNetwork ? "IPv4 " : "")}address";
            return false;
        }
        if (chosen.IsIPv4MappedToIPv6) chosen = chosen.MapToIPv4();
        endPoint = new IPEndPoint(chosen, Port);
        return true;
    }

    /// <summary><see cref="TryResolve"/>, throwing an <see cref="IOException"/> that says why on failure.</summary>
    public IPEndPoint Resolve(AddressFamily family = AddressFamily.Unspecified) =>
        TryResolve(family, out IPEndPoint? endPoint, out string? error) ? endPoint : throw new IOException(error);

    public bool Equals(PeerAddress? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);
    public override bool Equals(object? obj) => Equals(obj as PeerAddress);
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);
    public static bool operator ==(PeerAddress? left, PeerAddress? right) => left is null ? right is null : left.Equals(right);
    public static bool operator !=(PeerAddress? left, PeerAddress? right) => !(left == right);

    /// <summary>The canonical text: <c>127.0.0.1:6666</c>, <c>[::1]:6666</c>, <c>localhost:6666</c>.</summary>
    public override string ToString() => _text;
}
