using System.Diagnostics;
using System.Text;

namespace KenShell.Conformance;

/// <summary>
/// The loop both hosts share: start the host process, feed it the paths of the files
/// from where the last one stopped, read one observation per file; a process that dies
/// costs the file it was running ("(crashed)"), and a new one goes on after it.
/// <see cref="PlainHost"/> and <see cref="KenshellHost"/> differ only in the process
/// they start and in how they read its output.
/// </summary>
public abstract class RestartingHost
{
    /// <summary>How to start one host process (stdin and stdout are redirected here).</summary>
    protected abstract ProcessStartInfo StartInfo();

    /// <summary>
    /// Reads the observations <paramref name="process"/> prints for
    /// <paramref name="files"/>[<paramref name="start"/>..] into <paramref name="record"/>,
    /// until its output ends. Returns the index of the file it was running when its
    /// output ended, or <c>files.Count</c> when it finished them all.
    /// </summary>
    protected abstract int ReadObservations(Process process, IReadOnlyList<string> files, int start, Action<Observation> record);

    /// <summary>The observation of a file whose process died; <paramref name="stderr"/> is what it wrote there (if redirected).</summary>
    protected abstract Observation Crashed(string path, string stderr);

    /// <summary>Called after a crash is recorded; may throw when the host cannot run at all.</summary>
    protected virtual void AfterCrash(int died, int start, int resultCount, string stderr)
    {
    }

    public Dictionary<string, Observation> Run(IReadOnlyList<string> files, Action<int> progress)
    {
        var results = new Dictionary<string, Observation>();
        int next = 0;
        while (next < files.Count)
        {
            ProcessStartInfo info = StartInfo();
            info.RedirectStandardInput = true;
            info.RedirectStandardOutput = true;
            info.UseShellExecute = false;
            info.StandardOutputEncoding = Encoding.UTF8;
            using Process process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {info.FileName}");
            var stderr = new StringBuilder();
            if (info.RedirectStandardError)
            {
                process.ErrorDataReceived += (_, e) => { lock (stderr) stderr.Append(e.Data).Append('\n'); };
                process.BeginErrorReadLine();
            }
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
                    // It died: the reader sees where.
                }
            });
            int died = ReadObservations(process, files, start, observation =>
            {
                results[observation.Path] = observation;
                progress(results.Count);
            });
            process.WaitForExit();
            writer.Wait();
            if (died >= files.Count) break;
            string why;
            lock (stderr) why = stderr.ToString().Trim();
            results[files[died]] = Crashed(files[died], why);
            progress(results.Count);
            AfterCrash(died, start, results.Count, why);
            next = died + 1;
        }
        return results;
    }
}
