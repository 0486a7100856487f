using System.Text;
using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.Shell;

/// <summary>
/// Output formatting against the real thing: tests/fixtures/repl_outputs.txt
/// was recorded from Node's REPL (tests/inspect/make_fixtures.js); every
/// input is fed to kenshell, in order, in one session, and what kenshell
/// prints must be exactly what Node printed.
/// </summary>
public sealed class NodeReplFixtureTests : IDisposable
{
    private readonly StoreDirectory _dir = new();

    private sealed record Case(string Input, string Expected);

    private static List<Case> LoadCases()
    {
        var cases = new List<Case>();
        string? input = null;
        var expected = new StringBuilder();
        int lines = 0;
        foreach (string line in File.ReadAllLines(KenshellPaths.Fixture("repl_outputs.txt")))
        {
            if (input is null)
            {
                if (line.StartsWith("IN: ", StringComparison.Ordinal)) input = line[4..];
                lines = 0;
                continue;
            }
            if (line == "----")
            {
                cases.Add(new Case(input, expected.ToString()));
                input = null;
                expected.Clear();
                continue;
            }
            if (lines++ > 0) expected.Append('\n');
            expected.Append(line);
        }
        return cases;
    }

    [Fact]
    public void KenshellPrintsWhatNodesReplPrinted()
    {
        List<Case> cases = LoadCases();
        Assert.True(cases.Count >= 80, $"only {cases.Count} fixture cases");
        string input = string.Concat(cases.Select(c => c.Input + "\n"));
        KenshellResult result = Kenshell.Run(_dir.Path, input);
        Assert.Equal(0, result.ExitCode);

        string expectedAll = string.Concat(cases.Select(c => c.Expected + "\n"));
        if (result.Stdout == expectedAll) return;

        // Find the first case that differs, for a readable failure.
        string actual = result.Stdout;
        int position = 0;
        foreach (Case c in cases)
        {
            string want = c.Expected + "\n";
            if (string.CompareOrdinal(actual, position, want, 0, want.Length) != 0)
            {
                string got = actual.Substring(position, Math.Min(want.Length + 80, actual.Length - position));
                Assert.Fail($"input `{c.Input}`:\nNode printed:\n{want}\nkenshell printed (from here on):\n{got}\nstderr:\n{result.Stderr}");
            }
            position += want.Length;
        }
        Assert.Equal(expectedAll, actual);
    }

    public void Dispose() => _dir.Dispose();
}
