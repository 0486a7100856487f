using System.Text;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Shell;

/// <summary>
/// Input completeness against the real thing: every shape in
/// tests/fixtures/multiline/cases.txt (calls, literals, templates, strings
/// continued with a backslash, classes, blocks, real syntax errors...) is
/// typed line by line into kenshell exactly as record.js typed it into
/// `node -i`, and each case must print what Node printed
/// (node-output.txt): continued where Node continued, reported at once
/// where Node reported an error.
/// </summary>
public sealed class MultilineInputTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private sealed record Case(string Name, IReadOnlyList<string> Lines);

    // Deliberate differences, each documented in the README ("Differences
    // from Node's REPL"); the test fails on any other.
    private static readonly Dictionary<string, string> Deliberate = new()
    {
    };

    private static List<Case> LoadCases()
    {
        var cases = new List<Case>();
        foreach (string line in File.ReadAllLines(KenshellPaths.Fixture("multiline/cases.txt")))
        {
            if (line.StartsWith("#--- ", StringComparison.Ordinal)) cases.Add(new Case(line[5..].Trim(), new List<string>()));
            else if (cases.Count > 0) ((List<string>)cases[^1].Lines).Add(line);
        }
        foreach (Case c in cases)
        {
            var lines = (List<string>)c.Lines;
            while (lines.Count > 0 && lines[^1] == "") lines.RemoveAt(lines.Count - 1);
        }
        return cases;
    }

    private static Dictionary<string, string> LoadRecorded()
    {
        var recorded = new Dictionary<string, string>();
        string? name = null;
        var text = new StringBuilder();
        foreach (string line in File.ReadAllText(KenshellPaths.Fixture("multiline/node-output.txt")).Split('\n'))
        {
            if (line.StartsWith("#--- ", StringComparison.Ordinal))
            {
                if (name is not null) recorded[name] = text.ToString();
                name = line[5..].Trim();
                text.Clear();
            }
            else if (name is not null)
            {
                text.Append(line).Append('\n');
            }
        }
        if (name is not null) recorded[name] = text.ToString().TrimEnd('\n') + "\n";
        return recorded;
    }

    [Fact]
    public void EveryShapeContinuesOrFailsAsInNode()
    {
        List<Case> cases = LoadCases();
        Dictionary<string, string> recorded = LoadRecorded();
        Assert.True(cases.Count >= 60, $"only {cases.Count} cases");
        string input = string.Concat(cases.Select(c => string.Join("\n", c.Lines) + $"\n.break\n'#=== {c.Name}'\n"));
        KenshellResult result = Kenshell.Run(_dir.Path, input);
        Assert.Equal(0, result.ExitCode);

        string rest = result.Stdout;
        var failures = new List<string>();
        foreach (Case c in cases)
        {
            string marker = $"'#=== {c.Name}'\n";
            int at = rest.IndexOf(marker, StringComparison.Ordinal);
            Assert.True(at >= 0, $"case '{c.Name}': its marker never came back\n{result}");
            string actual = rest[..at];
            rest = rest[(at + marker.Length)..];
            string expected = Deliberate.TryGetValue(c.Name, out string? ours) ? ours : recorded[c.Name];
            if (actual != expected)
                failures.Add($"case '{c.Name}':\n--- node\n{expected}--- kenshell\n{actual}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases differ from node -i:\n\n" + string.Join("\n", failures));
    }

    public void Dispose() => _dir.Dispose();
}
