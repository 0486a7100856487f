namespace KenShell.Tests.Support;

/// <summary>Watches a process's CPU time through /proc (to know a busy turn is really running).</summary>
public sealed class ProcessCpuWatcher(int pid) : IDisposable
{
    public TimeSpan CpuTime()
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        long ticks = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime
        return TimeSpan.FromSeconds(ticks / 100.0);
    }

    public void WaitUntilBusy(TimeSpan cpu)
    {
        TimeSpan start = CpuTime();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (CpuTime() - start < cpu)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"process {pid} never got busy");
            Thread.Sleep(20);
        }
    }

    public void Dispose() { }
}
