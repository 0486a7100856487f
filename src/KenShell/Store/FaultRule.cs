namespace KenShell.Store;

/// <summary>One rule of <c>KENSHELL_FAULT</c> (see <see cref="FaultInjection"/>): which operations fail.</summary>
internal sealed class FaultRule(string kind, string target, int nth, bool persistent)
{
    private int _seen;

    public string Kind { get; } = kind;
    public string Target { get; } = target;

    public static FaultRule Parse(string spec)
    {
        string[] parts = spec.Split(':');
        if (parts.Length < 2) throw new ArgumentException($"KENSHELL_FAULT: '{spec}' is not kind:target[:n[+]]");
        string count = parts.Length > 2 ? parts[2] : "1";
        bool persistent = count.EndsWith('+');
        if (!int.TryParse(count.TrimEnd('+'), out int nth) || nth < 1) nth = 1;
        return new FaultRule(parts[0], parts[1], nth, persistent);
    }

    /// <summary>Counts one matching operation; true if it is to fail.</summary>
    public bool Count()
    {
        int seen = Interlocked.Increment(ref _seen);
        return persistent ? seen >= nth : seen == nth;
    }
}
