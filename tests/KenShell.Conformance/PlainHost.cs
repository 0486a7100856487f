using System.Diagnostics;
using System.Text;

namespace KenShell.Conformance;

/// <summary>
/// Runs composed tests in kenv8-plain --each (native/tools/plain_v8.cc): a
/// plain V8 isolate of the same libnode, a fresh context per test. A crash
/// costs the test that caused it; the host starts again after it.
/// </summary>
public sealed class PlainHost(string executable)
{
    public Dictionary<string, Observation> Run(IReadOnlyList<string> files, Action<int> progress)
    {
        var results = new Dictionary<string, Observation>();
        int next = 0;
        while (next < files.Count)
        {
            var info = new ProcessStartInfo(executable, "--each")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            using Process process = Process.Start(info) ?? throw new InvalidOperationException("cannot start kenv8-plain");
            int start = next;
            var writer = Task.Run(() =>
            {
                try
                {
                    for (int i = start; i < files.Count; i++) process.StandardInput.WriteLine(files[i]);
                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // It died: the reader below sees where.
                }
            });
            string? current = null;
            var output = new StringBuilder();
            string? error = null;
            void Finish()
            {
                if (current is null) return;
                results[current] = new Observation(current, error, output.ToString());
                progress(results.Count);
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
                    next = files.Count; // provisional; fixed below if it dies
                    continue;
                }
                if (line.StartsWith("EXCEPTION: ", StringComparison.Ordinal)) error ??= Outcome.ErrorName(line[11..]);
                output.Append(line).Append('\n');
            }
            process.WaitForExit();
            writer.Wait();
            if (process.ExitCode == 0)
            {
                Finish();
                break;
            }
            // Died inside `current`: record it as a crash, go on after it.
            if (current is not null)
            {
                error = "(crashed)";
                Finish();
                next = IndexAfter(files, current, start);
            }
            else
            {
                next = start + 1;
            }
        }
        return results;
    }

    private static int IndexAfter(IReadOnlyList<string> files, string path, int from)
    {
        for (int i = from; i < files.Count; i++)
            if (files[i] == path) return i + 1;
        return files.Count;
    }
}
