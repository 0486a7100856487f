namespace KenShell.Bench;

/// <summary>Percentiles of a set of timings, in milliseconds.</summary>
public sealed record LatencySummary(int Count, double P50, double P99, double Min, double Max)
{
    /// <summary>
    /// Nearest-rank percentiles, so every figure is a time that was really
    /// measured. With fewer than 100 samples the p99 is the maximum.
    /// </summary>
    public static LatencySummary Of(IReadOnlyCollection<double> millis)
    {
        if (millis.Count == 0) throw new ArgumentException("no samples", nameof(millis));
        double[] sorted = [.. millis.Order()];
        return new LatencySummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 99), sorted[0], sorted[^1]);
    }

    private static double Percentile(double[] sorted, int percent) =>
        sorted[Math.Max(0, (int)Math.Ceiling(percent / 100.0 * sorted.Length) - 1)];
}
