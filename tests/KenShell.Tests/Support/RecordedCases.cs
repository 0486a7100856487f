using System.Text;
using Xunit;

namespace KenShell.Tests.Support;

/// <summary>
/// The fixture format shared by the recorded-from-Node suites
/// (tests/fixtures/multiline, modules, esm, nodelib): a cases file whose
/// cases start at lines "#--- name", and the output file its record.js
/// wrote in the same layout, one section per case.
/// </summary>
public static class RecordedCases
{
    public sealed record Case(string Name, IReadOnlyList<string> Lines);

    /// <summary>The cases of a cases file, each without its trailing blank lines.</summary>
    public static List<Case> Load(string fixture)
    {
        var cases = new List<(string Name, List<string> Lines)>();
        foreach (string line in File.ReadAllLines(KenshellPaths.Fixture(fixture)))
        {
            if (line.StartsWith("#--- ", StringComparison.Ordinal)) cases.Add((line[5..].Trim(), new List<string>()));
            else if (cases.Count > 0) cases[^1].Lines.Add(line);
        }
        foreach (var (_, lines) in cases)
            while (lines.Count > 0 && lines[^1] == "") lines.RemoveAt(lines.Count - 1);
        return cases.Select(c => new Case(c.Name, c.Lines)).ToList();
    }

    /// <summary>
    /// The stream record.js typed into <c>node -i</c>: each case's lines, then
    /// <paramref name="afterCase"/> (if any), then the marker expression whose
    /// echo separates the outputs.
    /// </summary>
    public static string Input(IEnumerable<Case> cases, string? afterCase = null)
    {
        string after = afterCase is null ? "" : afterCase + "\n";
        return string.Concat(cases.Select(c => string.Join("\n", c.Lines) + $"\n{after}'#=== {c.Name}'\n"));
    }

    /// <summary>
    /// Splits what kenshell printed (<paramref name="stdout"/>) at the markers and
    /// checks each case against what Node printed, or against its entry in
    /// <paramref name="deliberate"/>; fails naming every case that differs.
    /// </summary>
    public static void AssertEachCaseAsRecorded(IReadOnlyList<Case> cases, IReadOnlyDictionary<string, string> recorded,
        KenshellResult result, string stdout, IReadOnlyDictionary<string, string>? deliberate = null)
    {
        string rest = stdout;
        var failures = new List<string>();
        foreach (Case c in cases)
        {
            string marker = $"'#=== {c.Name}'\n";
            int at = rest.IndexOf(marker, StringComparison.Ordinal);
            Assert.True(at >= 0, $"case '{c.Name}': its marker never came back\n{result}");
            string actual = rest[..at];
            rest = rest[(at + marker.Length)..];
            string expected = deliberate is not null && deliberate.TryGetValue(c.Name, out string? ours) ? ours : recorded[c.Name];
            if (actual != expected)
                failures.Add($"case '{c.Name}':\n--- node\n{expected}--- kenshell\n{actual}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases differ from node -i:\n\n" + string.Join("\n", failures));
    }

    /// <summary>What Node printed for each case, by name.</summary>
    public static Dictionary<string, string> LoadOutputs(string fixture)
    {
        var recorded = new Dictionary<string, string>();
        string? name = null;
        var text = new StringBuilder();
        foreach (string line in File.ReadAllText(KenshellPaths.Fixture(fixture)).Split('\n'))
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
}
