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
        string input = RecordedCases.Input(cases, afterCase: ".break");
        KenshellResult result = Kenshell.Run(_dir.Path, input);
        Assert.Equal(0, result.ExitCode);

        RecordedCases.AssertEachCaseAsRecorded(cases, recorded, result, result.Stdout, Deliberate);
    }

    public void Dispose() => _dir.Dispose();
}
