using System.Text;

namespace KenShell.Tests.Support;

/// <summary>
/// The fixture format shared by the recorded-from-Node suites
/// (tests/fixtures/multiline, tests/fixtures/modules): a cases file whose
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
