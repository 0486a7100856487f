namespace KenShell.Messaging;

/// <summary>
/// Remembers address strings that were already found to be canonical addresses, so
/// that decoding a datagram from a known peer neither allocates its address strings
/// nor parses them again. Bounded (it is emptied when full: forged datagrams can
/// fill it, which only costs a re-parse). Not thread-safe: one per receive loop.
/// </summary>
public sealed class AddressStringCache
{
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _lookup;
    private readonly int _capacity;

    public AddressStringCache(int capacity = 4096)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _lookup = _known.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public int Count => _known.Count;

    /// <summary>The cached string equal to <paramref name="text"/>, if any.</summary>
    public bool TryGet(ReadOnlySpan<char> text, out string value)
    {
        if (_lookup.TryGetValue(text, out string? found))
        {
            value = found;
            return true;
        }
        value = "";
        return false;
    }

    public void Add(string canonicalAddress)
    {
        if (_known.Count >= _capacity) _known.Clear();
        _known.Add(canonicalAddress);
    }
}
