using System.Diagnostics;
using System.Text.Json;

namespace KenShell.Conformance;

/// <summary>
/// Drives `kenshell-conformance --worker` processes (KenshellWorker) over
/// the composed tests. A worker that dies costs the test it was running;
/// a new one goes on after it (<see cref="RestartingHost"/>).
/// </summary>
public sealed class KenshellHost(string executable) : RestartingHost
{
    protected override ProcessStartInfo StartInfo() => new(executable, "--worker") { RedirectStandardError = true };

    protected override int ReadObservations(Process process, IReadOnlyList<string> files, int start, Action<Observation> record)
    {
        int done = start;
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null)
        {
            Observation? observation = JsonSerializer.Deserialize<Observation>(line);
            if (observation is null) continue;
            record(observation);
            done++;
        }
        return done;
    }

    protected override Observation Crashed(string path, string stderr) =>
        new(path, "(crashed)", stderr.Length > 2000 ? stderr[^2000..] : stderr);

    protected override void AfterCrash(int died, int start, int resultCount, string stderr)
    {
        if (died == start && resultCount == 1 && stderr.Contains("cannot", StringComparison.Ordinal))
            throw new InvalidOperationException($"the kenshell worker cannot run: {stderr}");
    }
}
