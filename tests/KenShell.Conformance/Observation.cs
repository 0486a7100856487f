namespace KenShell.Conformance;

/// <summary>What one host did with one composed test: the error thrown (its name), or null, and what it printed.</summary>
public sealed record Observation(string Path, string? Error, string Output);
