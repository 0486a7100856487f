using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace KenShell.Conformance;

/// <summary>
/// Drives `kenshell-conformance --worker` processes (KenshellWorker) over
/// the composed tests. A worker that dies costs the test it was running;
/// a new one goes on after it.
/// </summary>
public sealed class KenshellHost(string executable)
{
    public Dictionary<string, Observation> Run(IReadOnlyList<string> files, Action<int> progress)
    {
        var results = new Dictionary<string, Observation>();
        int next = 0;
        while (next < files.Count)
        {
            var info = new ProcessStartInfo(executable, "--worker")
            {
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
            };
            using Process process = Process.Start(info) ?? throw new InvalidOperationException("cannot start the kenshell worker");
            var stderr = new StringBuilder();
            process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.Append(e.Data).Append('\n'); };
            process.BeginErrorReadLine();
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
            int done = start;
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                Observation? observation = JsonSerializer.Deserialize<Observation>(line);
                if (observation is null) continue;
                results[observation.Path] = observation;
                done++;
                progress(results.Count);
            }
            process.WaitForExit();
            writer.Wait();
            if (done >= files.Count) break;
            // It died in files[done] (or could not start at all).
            string why;
            lock (stderr) why = stderr.ToString().Trim();
            results[files[done]] = new Observation(files[done], "(crashed)", why.Length > 2000 ? why[^2000..] : why);
            progress(results.Count);
            next = done + 1;
            if (done == start && results.Count == 1 && why.Contains("cannot", StringComparison.Ordinal))
                throw new InvalidOperationException($"the kenshell worker cannot run: {why}");
        }
        return results;
    }
}
