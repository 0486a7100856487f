using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace KenShell.Shell;

/// <summary>
/// The read-eval-print loop around a <see cref="TurnRunner"/>: prompts and
/// Ctrl-C on a terminal, the plain line protocol otherwise.
///
/// Non-interactive contract (scripts and tests rely on it): no prompt, no
/// colour; each complete input is one turn; after the turn commits its
/// console output and then its result go to stdout; diagnostics go to
/// stderr; end of input exits 0.
/// </summary>
public sealed partial class ReplSession : IDisposable
{
    private const string ExitHint = "(To exit, press Ctrl+C again or Ctrl+D or type .exit)";

    private readonly TurnRunner _runner;
    private readonly InputLines _input;
    private readonly bool _waitForTimers;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly bool _interactive;
    private readonly InputAccumulator _pending = new();
    private readonly PosixSignalRegistration _sigint;
    private int _idleInterrupts;

    public ReplSession(TurnRunner runner, TextReader input, TextWriter stdout, TextWriter stderr, bool interactive, bool waitForTimers = false)
    {
        _runner = runner;
        _input = new InputLines(input);
        _waitForTimers = waitForTimers;
        _stdout = stdout;
        _stderr = stderr;
        _interactive = interactive;
        _sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnInterrupt);
    }

    private void OnInterrupt(PosixSignalContext context)
    {
        // Ctrl-C during a turn stops the turn (it is then rolled back).
        if (_runner.Interrupt())
        {
            context.Cancel = true;
            return;
        }
        if (!_interactive)
        {
            // Idle, reading a script: behave like any filter and stop. The
            // store is consistent at every instant, so this loses nothing
            // committed.
            return;
        }
        context.Cancel = true;
        if (_runner.TurnRunning) return;
        if (_holdingForAwait)
        {
            // Ctrl-C while a top-level await holds the prompt: stop holding.
            // The await itself goes on in the heap and prints when it settles.
            _abandonRequested = true;
            _stdout.WriteLine();
            _stdout.WriteLine("(the await goes on in the background; its result is printed when it settles)");
            _stdout.Flush();
            return;
        }
        if (Interlocked.Increment(ref _idleInterrupts) >= 2)
        {
            _stdout.WriteLine();
            _stdout.Flush();
            Environment.Exit(0);
        }
        _pending.Clear();
        _stdout.WriteLine();
        _stdout.WriteLine(ExitHint);
        _stdout.Write("> ");
        _stdout.Flush();
    }

    /// <summary>Runs until end of input or .exit. Returns the exit code.</summary>
    public int Run()
    {
        bool promptShown = false;
        while (true)
        {
            FireDueTimers(ref promptShown);

            // A top-level await still pending holds the prompt, as in
            // Node's REPL: only timers run until it settles.
            // Awaits the user gave up waiting for (Ctrl-C) or that nothing
            // can settle no longer hold the prompt; a newer one does.
            int awaiting = _runner.PendingAwaits;
            if (_abandonRequested)
            {
                _abandonRequested = false;
                _abandonedAwaits = awaiting;
            }
            _abandonedAwaits = Math.Min(_abandonedAwaits, awaiting);
            _holdingForAwait = awaiting > _abandonedAwaits;
            if (_holdingForAwait)
            {
                if (_runner.NextTimerDue is not { } due)
                {
                    // Nothing in this process can settle it any more; do not
                    // hang: go back to reading input (it stays pending).
                    _abandonedAwaits = awaiting;
                    continue;
                }
                Thread.Sleep(UntilDue(due));
                continue;
            }

            if (_interactive && !promptShown)
            {
                _stdout.Write(_pending.HasPending ? "... " : "> ");
                _stdout.Flush();
                promptShown = true;
            }
            DateTimeOffset? next = _runner.NextTimerDue;
            if (!_input.TryRead(next is { } d ? UntilDue(d) : null, out string? line)) continue; // a timer is due
            promptShown = false;
            if (line is null)
            {
                if (_waitForTimers && _runner.NextTimerDue is { } pending)
                {
                    // --wait: stay until no timer is pending.
                    Thread.Sleep(UntilDue(pending));
                    promptShown = true;
                    continue;
                }
                return EndOfInput();
            }
            if (line.Length > 0) Interlocked.Exchange(ref _idleInterrupts, 0);

            if (!_pending.HasPending)
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                if (DotCommand().Match(line.Trim()) is { Success: true } command && IsKnownCommand(command.Groups[1].Value))
                {
                    if (!RunCommand(command.Groups[1].Value)) return 0;
                    continue;
                }
            }

            string source = _pending.Add(line);
            TurnOutcome outcome = _runner.Run(source);
            if (outcome != TurnOutcome.Incomplete) _pending.Clear();
        }
    }

    private volatile bool _abandonRequested;
    private volatile bool _holdingForAwait;
    private int _abandonedAwaits;

    private static TimeSpan UntilDue(DateTimeOffset due)
    {
        TimeSpan wait = due - DateTimeOffset.UtcNow;
        // Never busy-wait; never oversleep by much (the clock can jump).
        return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1)
             : wait > TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }

    private void FireDueTimers(ref bool promptShown)
    {
        while (_runner.NextTimerDue is { } due && due <= DateTimeOffset.UtcNow)
        {
            if (_interactive && promptShown)
            {
                // Timer output goes on a line of its own, then a new prompt.
                _stdout.Write("\r\x1b[K");
                _stdout.Flush();
                promptShown = false;
            }
            if (_runner.RunTimer() == TurnOutcome.Idle) break;
        }
    }

    /// <summary>Runs one input as a turn (--eval). Returns the exit code.</summary>
    public int RunOnce(string source)
    {
        TurnOutcome outcome = _runner.Run(source);
        if (outcome == TurnOutcome.Incomplete)
        {
            _stderr.WriteLine("kenshell: the --eval input is incomplete (unexpected end of input); it was not run");
            return 1;
        }
        return outcome == TurnOutcome.Committed ? 0 : 1;
    }

    private int EndOfInput()
    {
        if (_pending.HasPending)
        {
            _stderr.WriteLine("kenshell: the input ended inside an incomplete statement; it was not run");
            _pending.Clear();
        }
        if (_interactive) _stdout.WriteLine();
        _stdout.Flush();
        return 0;
    }

    private static bool IsKnownCommand(string name) => name is "exit" or "help" or "checkpoint";

    private bool RunCommand(string name)
    {
        switch (name)
        {
            case "exit":
                return false;
            case "checkpoint":
                _stderr.WriteLine(_runner.Checkpoint()
                    ? "kenshell: writing a checkpoint in the background"
                    : "kenshell: a checkpoint is already being written");
                _stderr.Flush();
                return true;
            case "help":
                _stdout.WriteLine(".checkpoint  Write a checkpoint of the heap now (in the background)");
                _stdout.WriteLine(".exit     Exit the shell (the heap is saved after every input)");
                _stdout.WriteLine(".help     Print this help message");
                _stdout.WriteLine();
                _stdout.WriteLine("Everything reachable from the global scope persists. Press Ctrl+C to interrupt a running input (it is rolled back).");
                _stdout.Flush();
                return true;
            default:
                return true;
        }
    }

    [GeneratedRegex(@"^\.([a-z]+)\b")]
    private static partial Regex DotCommand();

    public void Dispose()
    {
        _sigint.Dispose();
        _input.Dispose();
    }
}
