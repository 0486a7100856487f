using System.Diagnostics;
using System.Text;

namespace KenShell.Bench;

/// <summary>
/// A child process driven line by line over pipes. Lines are read on the
/// calling thread, straight from the pipe: a reader thread handing lines over
/// through a queue would add a thread wake-up to every round trip, which is
/// about as long as the Node REPL round trip being measured. A watchdog kills
/// the child when an answer does not come in time, which ends a blocked read.
/// </summary>
public sealed class PipedProcess : IDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly Stream _stdout;
    private readonly StringBuilder _stderr = new();
    // The same lines with their arrival times, for the checkpoint trace; the
    // list is also the monitor that WaitForStderr waits on.
    private readonly List<TimedLine> _stderrLines = [];
    private readonly Task _stderrPump;
    private readonly Timer _watchdog;
    private volatile bool _timedOut;
    private byte[] _buffer = new byte[64 * 1024];
    private int _bufferStart, _bufferEnd;

    private PipedProcess(Process process)
    {
        _process = process;
        _stdin = process.StandardInput.BaseStream;
        _stdout = process.StandardOutput.BaseStream;
        // stderr is kept for error messages and for the trace lines some
        // measurements read; it must be drained anyway, or a chatty child
        // blocks on a full pipe.
        _stderrPump = Task.Run(() =>
        {
            string? line;
            while ((line = process.StandardError.ReadLine()) is not null)
            {
                long arrival = Stopwatch.GetTimestamp();
                lock (_stderr) _stderr.Append(line).Append('\n');
                lock (_stderrLines)
                {
                    _stderrLines.Add(new TimedLine(arrival, line));
                    Monitor.PulseAll(_stderrLines);
                }
            }
            lock (_stderrLines) Monitor.PulseAll(_stderrLines);
        });
        _watchdog = new Timer(_ => KillOnTimeout());
    }

    /// <summary>Starts the child; throws <see cref="System.ComponentModel.Win32Exception"/> when the executable is not found.</summary>
    public static PipedProcess Start(string executable, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments) info.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (name, value) in environment) info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {executable}");
        return new PipedProcess(process);
    }

    public int Pid => _process.Id;

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>The stderr lines received so far, with their arrival times.</summary>
    public IReadOnlyList<TimedLine> StderrLines { get { lock (_stderrLines) return [.. _stderrLines]; } }

    /// <summary>
    /// Waits until the stderr lines received so far satisfy <paramref name="condition"/>
    /// (checked on every new line). Returns false when they do not within
    /// <paramref name="timeout"/>, or when stderr ended without them doing so.
    /// </summary>
    public bool WaitForStderr(Func<IReadOnlyList<TimedLine>, bool> condition, TimeSpan timeout)
    {
        long deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        lock (_stderrLines)
        {
            while (true)
            {
                if (condition(_stderrLines)) return true;
                long left = deadline - Stopwatch.GetTimestamp();
                if (left <= 0 || _stderrPump.IsCompleted) return false;
                // Bounded, so that the end of stderr is noticed even if the
                // pump's last pulse came before this wait started.
                Monitor.Wait(_stderrLines, TimeSpan.FromMilliseconds(Math.Min(100, left * 1000.0 / Stopwatch.Frequency)));
            }
        }
    }

    /// <summary>Writes one line to the child's stdin and flushes it.</summary>
    public void Send(string line)
    {
        try
        {
            _stdin.Write(Encoding.UTF8.GetBytes(line + "\n"));
            _stdin.Flush();
        }
        catch (IOException e)
        {
            // Typically EPIPE: the child has exited. Say so, with its stderr.
            _process.WaitForExit(TimeSpan.FromSeconds(5));
            _stderrPump.Wait(TimeSpan.FromSeconds(5));
            string status = _process.HasExited ? $"it exited with code {_process.ExitCode}" : "it is still running";
            throw new IOException($"cannot write to the process ({e.Message}); {status}.\n{StderrSection()}", e);
        }
    }

    /// <summary>The next line of stdout, without its newline.</summary>
    /// <exception cref="TimeoutException">no full line came within <paramref name="timeout"/> (the child is killed)</exception>
    /// <exception cref="EndOfStreamException">the child closed its stdout</exception>
    public string ReadLine(TimeSpan timeout)
    {
        _watchdog.Change(timeout, Timeout.InfiniteTimeSpan);
        try
        {
            while (true)
            {
                int newline = Array.IndexOf(_buffer, (byte)'\n', _bufferStart, _bufferEnd - _bufferStart);
                if (newline >= 0)
                {
                    string line = Encoding.UTF8.GetString(_buffer, _bufferStart, newline - _bufferStart);
                    _bufferStart = newline + 1;
                    return line;
                }
                MakeRoomToRead();
                int read = _stdout.Read(_buffer, _bufferEnd, _buffer.Length - _bufferEnd);
                if (read == 0)
                {
                    if (_timedOut) throw new TimeoutException($"no answer within {timeout.TotalSeconds:0} s; the process was killed.\n{StderrSection()}");
                    _process.WaitForExit();
                    _stderrPump.Wait(TimeSpan.FromSeconds(5));
                    throw new EndOfStreamException($"the process closed its output (exit code {_process.ExitCode}).\n{StderrSection()}");
                }
                _bufferEnd += read;
            }
        }
        finally
        {
            _watchdog.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Closes stdin (end of input) and waits for the child to exit; returns its exit code.</summary>
    public int CloseInputAndWait(TimeSpan timeout)
    {
        _stdin.Close();
        if (!_process.WaitForExit(timeout))
        {
            _process.Kill();
            throw new TimeoutException($"the process did not exit within {timeout.TotalSeconds:0} s of the end of its input.\n{StderrSection()}");
        }
        _stderrPump.Wait(timeout);
        return _process.ExitCode;
    }

    private void MakeRoomToRead()
    {
        if (_bufferStart == _bufferEnd)
        {
            _bufferStart = _bufferEnd = 0;
            return;
        }
        if (_bufferStart > 0)
        {
            Buffer.BlockCopy(_buffer, _bufferStart, _buffer, 0, _bufferEnd - _bufferStart);
            _bufferEnd -= _bufferStart;
            _bufferStart = 0;
        }
        if (_bufferEnd == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
    }

    private void KillOnTimeout()
    {
        _timedOut = true;
        try { _process.Kill(); }
        catch (InvalidOperationException) { } // already gone
    }

    private string StderrSection() => $"--- its stderr\n{Stderr}";

    public void Dispose()
    {
        _watchdog.Dispose();
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
