namespace KenShell.Terminal;

/// <summary>
/// What Tab may put in place of the text from <see cref="WordStart"/> to the
/// cursor: the candidates (sorted, each a full replacement for that word).
/// </summary>
public sealed record CompletionResult(int WordStart, IReadOnlyList<string> Candidates)
{
    public static readonly CompletionResult None = new(0, Array.Empty<string>());
}
