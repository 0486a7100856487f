namespace KenShell.Engine;

/// <summary>Which stream a piece of turn output belongs to.</summary>
public enum OutputStream
{
    Stdout = 1,
    Stderr = 2,
}

/// <summary>One piece of a turn's output, held back until the turn is durable.</summary>
public readonly record struct OutputRecord(OutputStream Stream, string Text);
