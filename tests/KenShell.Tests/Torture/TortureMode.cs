namespace KenShell.Tests.Torture;

/// <summary>
/// How hard the torture suite works: reduced inside <c>./build.sh test</c>,
/// full with <c>KENSHELL_TORTURE=full</c> (<c>./build.sh torture</c>).
/// Both run the same tests; only the counts differ.
/// </summary>
internal static class TortureMode
{
    public static bool Full { get; } = Environment.GetEnvironmentVariable("KENSHELL_TORTURE") == "full";

    public static string Name => Full ? "full" : "reduced";

    /// <summary>The reduced count, or the full one.</summary>
    public static int Scale(int reduced, int full) => Full ? full : reduced;

    /// <summary>A seed for this run: KENSHELL_TORTURE_SEED if given (to reproduce a failure), else fixed.</summary>
    public static int Seed(int salt) =>
        (int.TryParse(Environment.GetEnvironmentVariable("KENSHELL_TORTURE_SEED"), out int s) ? s : 20261122) ^ salt;
}
