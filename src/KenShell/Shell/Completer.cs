using KenShell.Terminal;

namespace KenShell.Shell;

/// <summary>
/// Tab completion for the shell: dot commands at the start of an input, and
/// JavaScript names — globals, top-level let/const/class bindings, keywords,
/// and properties along the prototype chain after <c>a.b.</c> (grouped by
/// prototype level, as Node's REPL lists them). The text is
/// only scanned, never evaluated: the engine follows the path without
/// running user code (JsShell.CompletionNames), so an expression with calls
/// or brackets in it is not completed at all.
/// </summary>
public sealed class Completer
{
    private static readonly string[] Keywords =
    [
        "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do",
        "else", "export", "extends", "false", "finally", "for", "function", "if", "import", "in", "instanceof",
        "let", "new", "null", "return", "static", "super", "switch", "this", "throw", "true", "try", "typeof",
        "undefined", "var", "void", "while", "with", "yield",
    ];

    private readonly Func<IReadOnlyList<string>, IReadOnlyList<string>> _names;
    private readonly IReadOnlyList<string> _dotCommands;

    private readonly Func<string> _workingDirectory;

    /// <param name="names">The engine's names after a path (empty path: globals).</param>
    /// <param name="dotCommands">Command names, with their leading dot.</param>
    /// <param name="workingDirectory">Where module specifiers are completed from (default: the process's).</param>
    public Completer(Func<IReadOnlyList<string>, IReadOnlyList<string>> names, IReadOnlyList<string> dotCommands,
        Func<string>? workingDirectory = null)
    {
        _names = names;
        _dotCommands = dotCommands;
        _workingDirectory = workingDirectory ?? Directory.GetCurrentDirectory;
    }

    /// <param name="beforeCursor">The line up to the cursor.</param>
    /// <param name="startOfInput">True on the first line of an input (where dot commands are).</param>
    public CompletionResult Complete(string beforeCursor, bool startOfInput)
    {
        if (startOfInput && beforeCursor.TrimStart().StartsWith('.') && !beforeCursor.Trim().Contains(' '))
        {
            string typed = beforeCursor.TrimStart();
            return new CompletionResult(beforeCursor.Length - typed.Length,
                _dotCommands.Where(c => c.StartsWith(typed, StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList());
        }
        CompletionResult? specifier = SpecifierCompleter.Complete(beforeCursor, _workingDirectory());
        if (specifier is not null) return specifier;
        if (!TryParse(beforeCursor, out int wordStart, out string word, out List<string>? path)) return CompletionResult.None;
        List<List<string>> groups = Groups(_names(path));
        // Bare names: one list, keywords included.
        if (path.Count == 0) groups = [groups.SelectMany(g => g).Concat(Keywords).ToList()];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var matching = new List<List<string>>();
        foreach (List<string> group in groups)
        {
            var names = new List<string>();
            foreach (string n in group)
            {
                if (n.StartsWith(word, StringComparison.Ordinal) && IsIdentifier(n) && seen.Add(n)) names.Add(n);
            }
            names.Sort(StringComparer.Ordinal);
            if (names.Count > 0) matching.Add(names);
        }
        // As Node's REPL lists them: one group per prototype level, the
        // farthest (Object.prototype) first and the object's own properties
        // last, right above the prompt where the eye is.
        matching.Reverse();
        var candidates = new List<string>();
        foreach (List<string> group in matching)
        {
            if (candidates.Count > 0) candidates.Add("");
            candidates.AddRange(group);
        }
        return new CompletionResult(wordStart, candidates);
    }

    /// <summary>The engine's answer split into its groups (an empty string ends each one), closest first.</summary>
    private static List<List<string>> Groups(IReadOnlyList<string> names)
    {
        var groups = new List<List<string>> { new() };
        foreach (string name in names)
        {
            if (name.Length == 0) groups.Add(new List<string>());
            else groups[^1].Add(name);
        }
        return groups;
    }

    /// <summary>
    /// Splits the end of the text into <c>path.word</c>: the identifiers of a
    /// plain member chain (<c>a.b?.c</c>) and the partial word after it.
    /// False where completing would need evaluation (calls, brackets,
    /// literals) or makes no sense (inside a number).
    /// </summary>
    public static bool TryParse(string text, out int wordStart, out string word, out List<string> path)
    {
        path = new List<string>();
        int i = text.Length;
        while (i > 0 && IsIdentifierPart(text[i - 1])) i--;
        wordStart = i;
        word = text[i..];
        if (word.Length > 0 && char.IsAsciiDigit(word[0])) return false;
        if (InsideStringOrComment(text[..i])) return false;
        var reversed = new List<string>();
        int j = SkipSpaces(text, i);
        while (j > 0 && text[j - 1] == '.')
        {
            j--;
            if (j > 0 && text[j - 1] == '.') return false;  // spread `...x` or a range typo
            if (j > 0 && text[j - 1] == '?') j--;           // optional chaining `a?.b`
            j = SkipSpaces(text, j);
            int end = j;
            while (j > 0 && IsIdentifierPart(text[j - 1])) j--;
            if (j == end || char.IsAsciiDigit(text[j])) return false; // `foo().x`, `1.x`, `"s".x`
            reversed.Add(text[j..end]);
            j = SkipSpaces(text, j);
        }
        if (j > 0 && text[j - 1] == '#') return false; // private names
        reversed.Reverse();
        path = reversed;
        return true;
    }

    private static int SkipSpaces(string text, int i)
    {
        while (i > 0 && text[i - 1] is ' ' or '\t') i--;
        return i;
    }

    // A quick scan of the line for an unterminated quote or a // comment
    // before the word: completing there would only get in the way.
    private static bool InsideStringOrComment(string text)
    {
        char quote = '\0';
        for (int k = 0; k < text.Length; k++)
        {
            char c = text[k];
            if (quote != '\0')
            {
                if (c == '\\') k++;
                else if (c == quote) quote = '\0';
            }
            else if (c is '\'' or '"' or '`') quote = c;
            else if (c == '/' && k + 1 < text.Length && text[k + 1] == '/') return true;
        }
        return quote != '\0';
    }

    private static bool IsIdentifierPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    private static bool IsIdentifier(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(IsIdentifierPart);
}
