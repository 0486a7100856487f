using System.Text;

namespace KenShell.Tests.Torture;

/// <summary>
/// The counts the torture suite reports (kills survived, faults injected by
/// kind, corruptions detected, ...). Tests add to it as they go; the whole
/// report is rewritten to <c>build/torture-report.txt</c> after every
/// addition, so it is complete whichever test finishes last, and each test
/// also prints its own counts to its test output.
/// </summary>
internal static class TortureReport
{
    private static readonly object Gate = new();
    private static readonly SortedDictionary<string, long> Counts = new(StringComparer.Ordinal);
    private static readonly SortedDictionary<string, TimeSpan> Times = new(StringComparer.Ordinal);
    private static readonly DateTime Started = DateTime.UtcNow;

    public static string FilePath { get; } =
        Environment.GetEnvironmentVariable("KENSHELL_TORTURE_REPORT")
        ?? Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "torture-report.txt"));

    /// <summary>Adds <paramref name="n"/> to a counter, e.g. ("faults injected", "enospc:log").</summary>
    public static void Add(string section, string what, long n = 1)
    {
        lock (Gate)
        {
            string key = section + "\t" + what;
            Counts[key] = Counts.GetValueOrDefault(key) + n;
            Write();
        }
    }

    /// <summary>Records how long one torture test ran.</summary>
    public static void Time(string test, TimeSpan elapsed)
    {
        lock (Gate)
        {
            Times[test] = elapsed;
            Write();
        }
    }

    private static void Write()
    {
        var text = new StringBuilder();
        text.AppendLine($"kenshell torture report ({TortureMode.Name} run, started {Started:yyyy-MM-dd HH:mm:ss} UTC, " +
                        $"last update after {(DateTime.UtcNow - Started).TotalSeconds:F0} s)");
        string? section = null;
        foreach (var (key, n) in Counts)
        {
            string[] parts = key.Split('\t');
            if (parts[0] != section)
            {
                section = parts[0];
                long total = Counts.Where(kv => kv.Key.StartsWith(section + "\t", StringComparison.Ordinal)).Sum(kv => kv.Value);
                text.AppendLine($"{section}: {total}");
            }
            text.AppendLine($"  {parts[1]}: {n}");
        }
        if (Times.Count > 0)
        {
            text.AppendLine("run time per test:");
            foreach (var (test, elapsed) in Times) text.AppendLine($"  {test}: {elapsed.TotalSeconds:F1} s");
        }
        try
        {
            File.WriteAllText(FilePath, text.ToString());
        }
        catch (IOException)
        {
            // The report is a convenience; the counts are also in each test's output.
        }
    }
}
