namespace KenShell.Bench;

/// <summary>One start of kenshell on an existing store.</summary>
/// <param name="WallMs">from starting the process to its answer to the first input: what a user waits for</param>
/// <param name="Restored">what kenshell says it did</param>
/// <param name="Warnings">other lines kenshell printed on stderr (a replay that diverged, a damaged file); none expected</param>
public sealed record RecoverySample(double WallMs, RestoredLine Restored, IReadOnlyList<string> Warnings);
