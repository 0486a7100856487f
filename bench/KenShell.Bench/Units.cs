using System.Globalization;

namespace KenShell.Bench;

/// <summary>How times and sizes are printed: few digits, but enough at every scale.</summary>
public static class Units
{
    /// <summary>Milliseconds from 0.05 to 20,000 with about three significant digits.</summary>
    public static string Ms(double millis) => millis switch
    {
        < 10 => millis.ToString("0.00", CultureInfo.InvariantCulture),
        < 100 => millis.ToString("0.0", CultureInfo.InvariantCulture),
        _ => millis.ToString("0", CultureInfo.InvariantCulture),
    };

    /// <summary>Bytes as MiB (what the tables call MB, as in the native benchmark).</summary>
    public static string MiB(long bytes) =>
        (bytes / 1048576.0).ToString(bytes < 10 * 1048576L ? "0.0" : "0", CultureInfo.InvariantCulture) + " MB";

    public static string Ratio(double ratio) =>
        ratio.ToString(ratio < 10 ? "0.0" : "0", CultureInfo.InvariantCulture) + "x";
}
