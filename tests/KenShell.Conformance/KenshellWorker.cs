using System.Text;
using System.Text.Json;
using KenShell.Engine;
using KenShell.Runtime;
using KenShell.Store;

namespace KenShell.Conformance;

/// <summary>
/// The kenshell side, run as `kenshell-conformance --worker`: reads composed
/// test paths from stdin and runs each as kenshell runs a script file (one
/// program turn, EvalMode.Program) in a heap restored from a checkpoint of
/// a fresh store (the prelude installed), a new heap per test. Writes one
/// JSON Observation per line. A test that runs past the time limit is
/// interrupted, as Ctrl-C would.
/// </summary>
public static class KenshellWorker
{
    // test262's async tests and its print-based harness need print().
    private const string PrintSetup =
        "Object.defineProperty(globalThis, 'print', { value: (...args) => console.log(args.map(String).join(' ')), writable: true, configurable: true }); 0";

    public static int Run(TextReader input, TextWriter output, TimeSpan limit)
    {
        byte[] blob = GenesisBlob();
        string? path;
        while ((path = input.ReadLine()) is not null)
        {
            if (path.Length == 0) continue;
            Observation observation = RunOne(blob, path, limit);
            output.WriteLine(JsonSerializer.Serialize(observation));
            output.Flush();
        }
        return 0;
    }

    private static byte[] GenesisBlob()
    {
        string file = Path.Combine(Path.GetTempPath(), $"kenshell-conformance-{Environment.ProcessId}.ckpt");
        try
        {
            using JsShell fresh = JsShell.CreateFresh(Prelude.Source);
            CheckpointWriter writer = fresh.BeginCheckpoint(file, 0, new byte[16]);
            if (writer.Wait(TimeSpan.FromMinutes(2)) is { } problem) throw new InvalidOperationException($"checkpoint failed: {problem}");
            return File.ReadAllBytes(file)[CheckpointHeader.Size..];
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static Observation RunOne(byte[] blob, string path, TimeSpan limit)
    {
        using JsShell shell = JsShell.Restore(blob);
        shell.Eval(PrintSetup, "setup", EvalMode.Whole);
        using var watchdog = new Timer(_ => shell.Interrupt(), null, limit, Timeout.InfiniteTimeSpan);
        TurnResult result = shell.Eval(File.ReadAllText(path), path, EvalMode.Program);
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        foreach (OutputRecord record in result.Output)
            (record.Stream == OutputStream.Stderr ? stderr : stdout).Append(record.Text);
        string? error = result.Status switch
        {
            TurnStatus.Ok => null,
            TurnStatus.SyntaxError => "SyntaxError",
            TurnStatus.Threw => ThrownName(stderr.ToString(), stdout.ToString()),
            TurnStatus.Terminated => "(timeout)",
            _ => $"(failed: {result.Error})",
        };
        return new Observation(path, error, stdout.ToString() + stderr);
    }

    // A program's uncaught error: "FILE:LINE", the line, a caret, a blank
    // line, then the error as inspect shows it ("Test262Error: message").
    private static string ThrownName(string stderr, string stdout)
    {
        string[] lines = stderr.Split('\n');
        int at = 0;
        if (lines.Length > 4 && System.Text.RegularExpressions.Regex.IsMatch(lines[0], @":\d+$")) at = 4;
        for (; at < lines.Length; at++)
            if (lines[at].Trim().Length > 0) return Outcome.ErrorName(lines[at]);
        return stdout.Length > 0 ? Outcome.ErrorName(stdout.Replace("Uncaught ", "")) : "(unknown)";
    }
}
