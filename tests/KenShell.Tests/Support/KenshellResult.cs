namespace KenShell.Tests.Support;

/// <summary>How a kenshell run ended.</summary>
public sealed record KenshellResult(int ExitCode, string Stdout, string Stderr)
{
    public string[] StdoutLines => Stdout.Split('\n', StringSplitOptions.None) is var l && l.Length > 0 && l[^1] == "" ? l[..^1] : Stdout.Split('\n');

    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
