using System.Diagnostics;
using System.Text;

namespace KenShell.Conformance;

/// <summary>
/// Runs composed tests in kenv8-plain --each (native/tools/plain_v8.cc): a
/// plain V8 isolate of the same libnode, a fresh context per test. A crash
/// costs the test that caused it; the host starts again after it
/// (<see cref="RestartingHost"/>).
/// </summary>
public sealed class PlainHost(string executable) : RestartingHost
{
    // What the test that crashed printed before it died.
    private string _partial = "";

    protected override ProcessStartInfo StartInfo() => new(executable, "--each");

    protected override int ReadObservations(Process process, IReadOnlyList<string> files, int start, Action<Observation> record)
    {
        string? current = null;
        var output = new StringBuilder();
        string? error = null;
        void Finish()
        {
            if (current is null) return;
            record(new Observation(current, error, output.ToString()));
            output.Clear();
            error = null;
        }
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            if (line.StartsWith("### ", StringComparison.Ordinal))
            {
                Finish();
                current = line[4..];
                continue;
            }
            if (line.StartsWith("EXCEPTION: ", StringComparison.Ordinal)) error ??= Outcome.ErrorName(line[11..]);
            output.Append(line).Append('\n');
        }
        process.WaitForExit();
        if (process.ExitCode == 0)
        {
            Finish();
            return files.Count;
        }
        // Died inside `current` (or before the first test).
        _partial = output.ToString();
        return current is null ? start : IndexOf(files, current, start);
    }

    protected override Observation Crashed(string path, string stderr) => new(path, "(crashed)", _partial);

    private static int IndexOf(IReadOnlyList<string> files, string path, int from)
    {
        for (int i = from; i < files.Count; i++)
            if (files[i] == path) return i;
        return files.Count;
    }
}
