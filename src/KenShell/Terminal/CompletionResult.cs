namespace KenShell.Terminal;

/// <summary>
/// What Tab may put in place of the text from <see cref="WordStart"/> to the
/// cursor: the candidates, each a full replacement for that word, in the
/// order they are listed; an empty string separates two groups of them
/// (listed on lines of their own, as Node's REPL lists prototype levels).
/// </summary>
public sealed record CompletionResult(int WordStart, IReadOnlyList<string> Candidates)
{
    public static readonly CompletionResult None = new(0, Array.Empty<string>());

    /// <summary>The candidates without the group separators.</summary>
    public IReadOnlyList<string> Names => Candidates.Where(c => c.Length > 0).ToList();
}
