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
        string input = RecordedCases.Input(cases);
        KenshellResult result = _project.Run(input);
        Assert.Equal(0, result.ExitCode);

        RecordedCases.AssertEachCaseAsRecorded(cases, recorded, result, result.Stdout.Replace(_project.Dir, "<DIR>", StringComparison.Ordinal));
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
