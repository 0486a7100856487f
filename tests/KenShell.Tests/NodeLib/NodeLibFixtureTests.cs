using KenShell.Tests.Support;
using Xunit;

namespace KenShell.Tests.NodeLib;

/// <summary>
/// Node's built-in modules (path, util, events, buffer, assert, url,
/// querystring, string_decoder, punycode, timers, crypto) and the
/// web-platform globals (TextEncoder/TextDecoder, URL, structuredClone,
/// atob/btoa, AbortController, EventTarget, DOMException, Blob) against the
/// real thing: every case of tests/fixtures/nodelib/cases.txt is typed into
/// a kenshell as record.js typed it into `node -i`, and must print what
/// Node 20 printed (node-output.txt); the cases that wait
/// (tests/fixtures/nodelib/async.js) run as a program in kenshell and in
/// `node` (async-node-output.txt). The working directory is written as
/// &lt;DIR&gt;.
/// </summary>
public sealed class NodeLibFixtureTests : IDisposable
{
    private readonly ModuleProject _project = new();

    [Fact]
    public void EveryCasePrintsWhatNodePrinted()
    {
        List<RecordedCases.Case> cases = RecordedCases.Load("nodelib/cases.txt");
        Dictionary<string, string> recorded = RecordedCases.LoadOutputs("nodelib/node-output.txt");
        Assert.True(cases.Count >= 70, $"only {cases.Count} cases");
        string input = string.Concat(cases.Select(c => string.Join("\n", c.Lines) + $"\n'#=== {c.Name}'\n"));
        KenshellResult result = _project.Run(input);
        Assert.Equal(0, result.ExitCode);

        string rest = result.Stdout.Replace(_project.Dir, "<DIR>", StringComparison.Ordinal);
        var failures = new List<string>();
        foreach (RecordedCases.Case c in cases)
        {
            string marker = $"'#=== {c.Name}'\n";
            int at = rest.IndexOf(marker, StringComparison.Ordinal);
            Assert.True(at >= 0, $"case '{c.Name}': its marker never came back\n{result}");
            string actual = rest[..at];
            rest = rest[(at + marker.Length)..];
            string expected = recorded[c.Name];
            if (actual != expected)
                failures.Add($"case '{c.Name}':\n--- node\n{expected}--- kenshell\n{actual}");
        }
        Assert.True(failures.Count == 0, $"{failures.Count} of {cases.Count} cases differ from node -i:\n\n" + string.Join("\n", failures));
    }

    [Fact]
    public void TheCasesThatWaitPrintWhatNodePrinted()
    {
        _project.CopyFrom(KenshellPaths.Fixture("nodelib"));
        string expected = File.ReadAllText(KenshellPaths.Fixture("nodelib/async-node-output.txt"));
        expected = expected[(expected.IndexOf('\n', StringComparison.Ordinal) + 1)..];
        // --wait before the file: what follows FILE.js is the script's own (process.argv), as with node.
        using Kenshell shell = _project.Start("--wait", _project.File("async.js"));
        KenshellResult result = shell.WaitForExit(Kenshell.DefaultTimeout);
        Assert.Equal(0, result.ExitCode);
        Assert.Equal(expected, result.Stdout);
    }

    // node -i (v20.20.2) prints an uncaught DOMException under "Uncaught:",
    // then the error with its constructor's frame, which it keeps:
    //   Uncaught:
    //   DOMException [AbortError]: boom
    //       at new DOMException (node:internal/per_context/domexception:53:5)
    // kenshell's constructor is runtime code, whose frames are not shown:
    // the same lines without that frame.
    [Fact]
    public void AnUncaughtDOMExceptionPrintsUnderUncaughtAsInNode()
    {
        KenshellResult result = _project.Run(
            "throw new DOMException('boom', 'AbortError')\n" +
            "function f() { throw new DOMException('x') }\nf()\n" +
            "throw new Error('plain')\n");
        Assert.Equal(
            ["Uncaught:", "DOMException [AbortError]: boom", "undefined", "Uncaught:", "DOMException [Error]: x", "    at f (REPL2:1:22)", "Uncaught Error: plain"],
            result.StdoutLines);
    }

    public void Dispose() => _project.Dispose();
}
