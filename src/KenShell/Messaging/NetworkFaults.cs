using System.Globalization;

namespace KenShell.Messaging;

/// <summary>
/// Datagram faults for <see cref="LossyTransport"/>, parsed from a spec such as
/// <c>loss=0.2,dup=0.1,reorder=0.2,delay=30,seed=7</c> (the shell reads it from
/// <c>KENSHELL_NET_FAULTS</c>, which <c>Cli/ShellOptions</c> reads and parses with <see cref="Parse"/>):
/// <list type="bullet">
/// <item><c>loss</c>: probability a datagram is silently dropped (0-1).</item>
/// <item><c>dup</c> (or <c>duplicate</c>): probability a datagram that is not dropped is sent twice (0-1).</item>
/// <item><c>reorder</c>: probability each copy is held back for a random time up to
/// <c>delay</c>, so that later datagrams overtake it (0-1).</item>
/// <item><c>delay</c>: the longest hold-back in milliseconds (default 20, at most 60000).</item>
/// <item><c>seed</c>: seed of the fault RNG (an integer; default 1), so a run's decisions repeat.</item>
/// </list>
/// Keys may come in any order; whitespace around items is ignored; an empty spec means no faults.
/// </summary>
public sealed record NetworkFaults
{
    public const string EnvironmentVariable = "KENSHELL_NET_FAULTS";

    public double Loss { get; init; }
    public double Duplicate { get; init; }
    public double Reorder { get; init; }
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(20);
    public int Seed { get; init; } = 1;

    public bool IsNone => Loss == 0 && Duplicate == 0 && Reorder == 0;

    public static NetworkFaults None { get; } = new();

    /// <summary>Parses a spec; throws <see cref="FormatException"/> saying which item is wrong and why.</summary>
    public static NetworkFaults Parse(string spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var result = new NetworkFaults();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string rawItem in spec.Split(','))
        {
            string item = rawItem.Trim();
            if (item.Length == 0) continue;
            int eq = item.IndexOf('=');
            if (eq <= 0) throw Bad(spec, $"'{item}' is not KEY=VALUE");
            string key = item[..eq].Trim().ToLowerInvariant();
            string value = item[(eq + 1)..].Trim();
            if (key == "duplicate") key = "dup";
            if (!seen.Add(key)) throw Bad(spec, $"'{key}' is given twice");
            result = key switch
            {
                "loss" => result with { Loss = Probability(spec, key, value) },
                "dup" => result with { Duplicate = Probability(spec, key, value) },
                "reorder" => result with { Reorder = Probability(spec, key, value) },
                "delay" => result with { MaxDelay = Milliseconds(spec, key, value) },
                "seed" => result with { Seed = Integer(spec, key, value) },
                _ => throw Bad(spec, $"unknown key '{key}' (known: loss, dup, reorder, delay, seed)"),
            };
        }
        return result;
    }

    private static double Probability(string spec, string key, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double p) || double.IsNaN(p))
            throw Bad(spec, $"{key}='{value}' is not a number");
        if (p is < 0 or > 1) throw Bad(spec, $"{key}={value} is not a probability between 0 and 1");
        return p;
    }

    private static TimeSpan Milliseconds(string spec, string key, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) || double.IsNaN(ms))
            throw Bad(spec, $"{key}='{value}' is not a number of milliseconds");
        if (ms is < 0 or > 60000) throw Bad(spec, $"{key}={value} is not between 0 and 60000 milliseconds");
        return TimeSpan.FromMilliseconds(ms);
    }

    private static int Integer(string spec, string key, string value) =>
        int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int n)
            ? n
            : throw Bad(spec, $"{key}='{value}' is not an integer");

    private static FormatException Bad(string spec, string why) =>
        new($"{EnvironmentVariable} '{spec}': {why}; expected e.g. loss=0.2,dup=0.1,reorder=0.2,delay=20,seed=7");

    public override string ToString() =>
        FormattableString.Invariant($"loss={Loss},dup={Duplicate},reorder={Reorder},delay={MaxDelay.TotalMilliseconds},seed={Seed}");
}
