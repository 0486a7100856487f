using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Mono.Unix.Native;

namespace KenShell.Tests.Support;

/// <summary>
/// A real kenshell process with piped stdin/stdout/stderr, driven line by
/// line. Outputs are collected as they arrive so tests can wait for them.
/// </summary>
public sealed class Kenshell : IDisposable
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly BlockingCollection<string> _stdoutLines = new();
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Kenshell(Process process)
    {
        _process = process;
        _ = Task.Run(() => Pump(process.StandardOutput, _stdout, _stdoutLines, _stdoutClosed));
        _ = Task.Run(() => Pump(process.StandardError, _stderr, null, _stderrClosed));
    }

    public int Pid => _process.Id;

    public static Kenshell Start(string directory, params string[] extraArgs) =>
        Start(directory, StoreDirectory.Address, extraArgs);

    public static Kenshell Start(string directory, string address, string[] extraArgs, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(KenshellPaths.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        info.ArgumentList.Add(address);
        foreach (string a in extraArgs) info.ArgumentList.Add(a);
        // Most tests start many shells on one address at once: no network
        // for them unless a test asks for it (messaging tests pass "0").
        info.Environment["KENSHELL_NO_NETWORK"] = "1";
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start kenshell");
        process.StandardInput.AutoFlush = true;
        return new Kenshell(process);
    }

    /// <summary>Runs kenshell to completion on the given stdin.</summary>
    public static KenshellResult Run(string directory, string input, params string[] extraArgs) =>
        RunAt(directory, StoreDirectory.Address, input, extraArgs);

    /// <summary>Runs kenshell with extra environment variables to completion on the given stdin.</summary>
    public static KenshellResult RunWith(IDictionary<string, string> environment, string directory, string input, params string[] extraArgs)
    {
        using Kenshell shell = Start(directory, StoreDirectory.Address, extraArgs, environment);
        shell._process.StandardInput.Write(input);
        shell._process.StandardInput.Close();
        return shell.WaitForExit(DefaultTimeout);
    }

    /// <summary>Runs kenshell for another address to completion on the given stdin.</summary>
    public static KenshellResult RunAt(string directory, string address, string input, params string[] extraArgs)
    {
        using Kenshell shell = Start(directory, address, extraArgs);
        shell._process.StandardInput.Write(input);
        shell._process.StandardInput.Close();
        return shell.WaitForExit(DefaultTimeout);
    }

    private static void Pump(StreamReader reader, StringBuilder all, BlockingCollection<string>? lines, TaskCompletionSource closed)
    {
        try
        {
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                lock (all) all.Append(line).Append('\n');
                lines?.Add(line);
            }
        }
        finally
        {
            lines?.CompleteAdding();
            closed.TrySetResult();
        }
    }

    public void Send(string line) => _process.StandardInput.WriteLine(line);

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Next stdout line, or throws after the timeout (with everything seen so far).</summary>
    public string ReadLine(TimeSpan? timeout = null)
    {
        if (_stdoutLines.TryTake(out string? line, timeout ?? DefaultTimeout)) return line;
        throw new TimeoutException($"no stdout line from kenshell in time.\n{Snapshot()}");
    }

    /// <summary>Sends one input line and returns the next stdout line (its result).</summary>
    public string Eval(string line)
    {
        Send(line);
        return ReadLine();
    }

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>
    /// Evaluates <paramref name="expression"/> every <paramref name="poll"/>
    /// (100 ms unless given) until it prints <paramref name="expected"/>;
    /// fails the test, prefixing <paramref name="failure"/>, after <paramref name="timeout"/>.
    /// Each evaluation is a turn of its own.
    /// </summary>
    public void WaitForValue(string expression, string expected, TimeSpan timeout, TimeSpan? poll = null, string failure = "")
    {
        var deadline = DateTime.UtcNow + timeout;
        string value;
        while ((value = Eval(expression)) != expected)
        {
            Xunit.Assert.True(DateTime.UtcNow < deadline, $"{failure}`{expression}` is {value}, never {expected}\n{Stderr}");
            Thread.Sleep(poll ?? TimeSpan.FromMilliseconds(100));
        }
    }

    /// <summary>Waits until stderr contains the text (it is read by another thread), then returns stderr.</summary>
    public string WaitForStderr(string text, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!Stderr.Contains(text, StringComparison.Ordinal))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"stderr never showed '{text}'.\n{Snapshot()}");
            Thread.Sleep(10);
        }
        return Stderr;
    }
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }

    public void Signal(Signum signal) => Signals.Send(_process.Id, signal);

    /// <summary>Waits until the process has burnt this much more CPU: a busy turn is really running.</summary>
    public void WaitUntilBusy(TimeSpan cpu) => new ProcessCpuWatcher(_process.Id).WaitUntilBusy(cpu);

    /// <summary>kill -9, and wait until the process is gone.</summary>
    public void Kill9()
    {
        Signal(Signum.SIGKILL);
        _process.WaitForExit();
    }

    public KenshellResult WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill();
            throw new TimeoutException($"kenshell did not exit in time.\n{Snapshot()}");
        }
        Task.WaitAll(new Task[] { _stdoutClosed.Task, _stderrClosed.Task }, timeout);
        return new KenshellResult(_process.ExitCode, Stdout, Stderr);
    }

    private string Snapshot() => $"--- stdout so far\n{Stdout}\n--- stderr so far\n{Stderr}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
