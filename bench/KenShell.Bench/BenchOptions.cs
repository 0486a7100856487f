namespace KenShell.Bench;

/// <summary>What one benchmark run measures, from the command line.</summary>
/// <param name="SizesMb">the ballast sizes, in MiB</param>
/// <param name="TurnsPerSize">timed trivial turns for each entry of <paramref name="SizesMb"/></param>
/// <param name="FloorSamples">timed appends for the disk floor</param>
/// <param name="NodeSamples">timed Node REPL round trips</param>
/// <param name="KenshellPath">the kenshell executable</param>
/// <param name="ParentDirectory">where the benchmark's temporary folder is made</param>
/// <param name="TurnTimeout">how long one turn may take before the run is abandoned</param>
public sealed record BenchOptions(
    IReadOnlyList<int> SizesMb,
    IReadOnlyList<int> TurnsPerSize,
    int FloorSamples,
    int NodeSamples,
    string KenshellPath,
    string ParentDirectory,
    TimeSpan TurnTimeout)
{
    /// <summary>The heap sizes issue 3 asks for.</summary>
    public static readonly int[] DefaultSizesMb = [1, 64, 256];

    /// <summary>
    /// Default timed turns for a size. Today every turn writes a full
    /// checkpoint, about 2 s at 64 MB and 10 s at 256 MB, so big heaps get
    /// fewer turns to keep the whole run within a few minutes.
    /// </summary>
    public static int DefaultTurns(int sizeMb) => sizeMb switch
    {
        <= 16 => 50,
        <= 64 => 20,
        _ => 8,
    };
}
