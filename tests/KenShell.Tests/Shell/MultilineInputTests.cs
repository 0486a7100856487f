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

    // Deliberate differences, each documented in the README ("Differences
    // from Node's REPL"); the test fails on any other.
    private static readonly Dictionary<string, string> Deliberate = new()
    {
    };

    [Fact]
    public void EveryShapeContinuesOrFailsAsInNode()
    {
        List<RecordedCases.Case> cases = RecordedCases.Load("multiline/cases.txt");
        Dictionary<string, string> recorded = RecordedCases.LoadOutputs("multiline/node-output.txt");
        Assert.True(cases.Count >= 60, $"only {cases.Count} cases");
        string input = string.Concat(cases.Select(c => string.Join("\n", c.Lines) + $"\n.break\n'#=== {c.Name}'\n"));
        KenshellResult result = Kenshell.Run(_dir.Path, input);
        Assert.Equal(0, result.ExitCode);

        string rest = result.Stdout;
        var failures = new List<string>();
        foreach (RecordedCases.Case c in cases)
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
