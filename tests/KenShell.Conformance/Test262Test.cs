using System.Text;
using System.Text.RegularExpressions;

namespace KenShell.Conformance;

/// <summary>
/// One test262 test: its metadata (the YAML front matter between /*--- and
/// ---*/) and the script a host runs for it, as test262's INTERPRETING.md
/// describes: the harness files (assert.js, sta.js, doneprintHandle.js for
/// async tests, the test's includes), then the test, strict when the test
/// says onlyStrict.
/// </summary>
public sealed partial class Test262Test
{
    public required string Path { get; init; }
    public required string Name { get; init; }
    public required string Source { get; init; }
    public IReadOnlyList<string> Includes { get; init; } = [];
    public IReadOnlySet<string> Flags { get; init; } = new HashSet<string>();
    public IReadOnlyList<string> Features { get; init; } = [];
    /// <summary>The error type a negative test expects, or null.</summary>
    public string? NegativeType { get; init; }
    public string? NegativePhase { get; init; }

    public bool IsAsync => Flags.Contains("async");

    /// <summary>Why this runner does not run the test, or null.</summary>
    public string? SkipReason()
    {
        if (Flags.Contains("module")) return "module";
        if (Flags.Contains("CanBlockIsTrue")) return "agent";
        if (Source.Contains("$262", StringComparison.Ordinal)) return "$262 host hooks";
        if (NegativePhase == "resolution") return "module";
        return null;
    }

    public static Test262Test Parse(string root, string path)
    {
        string source = File.ReadAllText(path);
        Match meta = FrontMatter().Match(source);
        string yaml = meta.Success ? meta.Groups[1].Value : "";
        return new Test262Test
        {
            Path = path,
            Name = System.IO.Path.GetRelativePath(root, path),
            Source = source,
            Includes = ListField(yaml, "includes"),
            Flags = ListField(yaml, "flags").ToHashSet(),
            Features = ListField(yaml, "features"),
            NegativePhase = NegativeField(yaml, "phase"),
            NegativeType = NegativeField(yaml, "type"),
        };
    }

    /// <summary>The script to run: harness, includes and the test.</summary>
    public string Compose(Func<string, string> harness)
    {
        var text = new StringBuilder();
        if (Flags.Contains("onlyStrict")) text.Append("\"use strict\";\n");
        if (!Flags.Contains("raw"))
        {
            text.Append(harness("assert.js")).Append('\n');
            text.Append(harness("sta.js")).Append('\n');
            if (IsAsync) text.Append(harness("doneprintHandle.js")).Append('\n');
            foreach (string include in Includes) text.Append(harness(include)).Append('\n');
        }
        text.Append(Source);
        return text.ToString();
    }

    // Either "key: [a, b]" or "key:\n  - a\n  - b".
    private static IReadOnlyList<string> ListField(string yaml, string key)
    {
        Match inline = Regex.Match(yaml, $@"^{key}:\s*\[(.*?)\]", RegexOptions.Multiline);
        if (inline.Success)
            return inline.Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Match block = Regex.Match(yaml, $@"^{key}:\s*\n((?:\s+-\s*.+\n?)+)", RegexOptions.Multiline);
        if (!block.Success) return [];
        return block.Groups[1].Value.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Trim().TrimStart('-').Trim()).Where(l => l.Length > 0).ToList();
    }

    private static string? NegativeField(string yaml, string key)
    {
        Match negative = Regex.Match(yaml, @"^negative:\s*\n((?:\s+.+\n?)+)", RegexOptions.Multiline);
        if (!negative.Success) return null;
        Match field = Regex.Match(negative.Groups[1].Value, $@"^\s+{key}:\s*(\S+)", RegexOptions.Multiline);
        return field.Success ? field.Groups[1].Value : null;
    }

    [GeneratedRegex(@"/\*---(.*?)---\*/", RegexOptions.Singleline)]
    private static partial Regex FrontMatter();
}
