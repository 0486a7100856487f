using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using KenShell.Engine;
using KenShell.Terminal;

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
    // Lines come from the line editor on a terminal, else from a reader thread.
    private readonly LineEditor? _editor;
    private readonly InputLines? _input;
    private readonly bool _waitForTimers;
    private readonly MessageDriver? _messages;
    private readonly TextWriter _stdout;
    private readonly TextWriter _stderr;
    private readonly bool _interactive;
    private readonly InputAccumulator _pending = new();
    private readonly PosixSignalRegistration _sigint;
    private int _idleInterrupts;

    public ReplSession(TurnRunner runner, TextReader input, TextWriter stdout, TextWriter stderr, bool interactive,
        bool waitForTimers = false, MessageDriver? messages = null, LineEditor? editor = null)
    {
        _runner = runner;
        _messages = messages;
        _editor = editor;
        if (editor is null) _input = new InputLines(input);
        _messages?.WatchIncoming(editor is not null ? editor.Wake : _input!.Wake);
        // Output of timers and messages goes on lines of its own; the prompt
        // and the line being typed come back under it.
        if (editor is not null) _runner.BeforeOutput = editor.Hide;
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
        // With the line editor, Ctrl-C at the prompt is a key, not a signal;
        // one that lands between two reads (a timer just ran) is dropped.
        if (_editor is not null && !_holdingForAwait) return;
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
            PollMessages(ref promptShown);
            PollFetches(ref promptShown);

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
                if (FetchesInFlight)
                {
                    // A response on its way can settle it.
                    Thread.Sleep(FetchPoll);
                    continue;
                }
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

            if (_interactive && !promptShown && _editor is null)
            {
                _stdout.Write(_pending.HasPending ? "... " : "> ");
                _stdout.Flush();
                promptShown = true;
            }
            DateTimeOffset? next = _runner.NextTimerDue;
            TimeSpan? wait = next is { } d ? UntilDue(d) : null;
            if (_messages is not null)
            {
                // Datagrams arrive on another thread; look at them often.
                TimeSpan network = _messages.NextWakeup < MessagePoll ? _messages.NextWakeup : MessagePoll;
                if (network < TimeSpan.FromMilliseconds(1)) network = TimeSpan.FromMilliseconds(1);
                wait = wait is { } w && w < network ? w : network;
            }
            if (FetchesInFlight && (wait is not { } f || f > FetchPoll)) wait = FetchPoll;
            string? line;
            if (_editor is not null)
            {
                bool got = ReadFromEditor(wait, out line, out bool exit);
                if (exit) return _quietExit ? 0 : EndOfInput();
                if (!got) continue;
            }
            else if (!_input!.TryRead(wait, out line))
            {
                continue; // a timer or the network has work
            }
            promptShown = false;
            if (line is null)
            {
                if (FetchesInFlight)
                {
                    // As Node, a request in flight keeps the shell until its response is in.
                    Thread.Sleep(FetchPoll);
                    promptShown = true;
                    continue;
                }
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
            if (!HandleLine(line)) return 0;
        }
    }

    /// <summary>
    /// One step of the line editor. False when there is no line yet (a timer
    /// or datagram needs the shell, or Ctrl-C was handled); <paramref name="exit"/>
    /// when the shell should end (Ctrl-D).
    /// </summary>
    private bool ReadFromEditor(TimeSpan? wait, out string? line, out bool exit)
    {
        exit = false;
        string prompt = _editorLines is not null ? "" : _pending.HasPending ? "... " : "> ";
        switch (_editor!.TryReadLine(prompt, wait, startOfInput: _editorLines is null && !_pending.HasPending, out line,
                    blockMode: _editorLines is not null))
        {
            case EditorEvent.Line:
                return true;
            case EditorEvent.Interrupt:
                exit = OnEditorInterrupt(line ?? "");
                _quietExit = exit;
                line = null;
                return exit;
            case EditorEvent.EndOfInput:
                if (_editorLines is not null)
                {
                    // Ctrl-D ends .editor mode and runs the block, the line
                    // being typed included, as in Node.
                    if (!string.IsNullOrEmpty(line)) _editorLines.Add(line);
                    line = null;
                    FinishEditor();
                    return false;
                }
                exit = true;
                return false;
            default:
                return false;
        }
    }

    // Ctrl-C at the prompt, as in Node's REPL: it drops the line being typed
    // (and a pending multi-line input, or .editor mode); on an empty prompt it
    // says how to exit, and a second one in a row exits.
    private bool OnEditorInterrupt(string dropped)
    {
        if (dropped.Length > 0 || _pending.HasPending || _editorLines is not null)
        {
            _pending.Clear();
            _editorLines = null;
            _idleInterrupts = 0;
            return false;
        }
        if (++_idleInterrupts >= 2) return true;
        _stdout.WriteLine(ExitHint);
        _stdout.Flush();
        return false;
    }

    private bool _quietExit;

    /// <summary>One line of input: a dot command, or part of a turn. False to exit.</summary>
    private bool HandleLine(string line)
    {
        if (_editorLines is not null)
        {
            // .editor mode: everything up to ".end" (or end of input) is one turn.
            if (line.Trim() == ".end") FinishEditor();
            else if (line.Trim() == ".break") _editorLines = null;
            else _editorLines.Add(line);
            return true;
        }
        if (!_pending.HasPending && string.IsNullOrWhiteSpace(line)) return true;
        // As Node: a line that starts with one `.` and is not a number is a
        // command. An unknown one is an error on a fresh line; inside a
        // multi-line input it is JavaScript (`.then(...)` continuing a chain).
        string trimmed = line.Trim();
        if (!line.Contains('\n') && trimmed.Length > 1 && trimmed[0] == '.' && trimmed[1] != '.' && !LooksLikeNumber(trimmed) &&
            DotCommandSyntax().Match(trimmed) is { Success: true } command)
        {
            string name = command.Groups[1].Value;
            if (IsKnownCommand(name)) return RunCommand(name, command.Groups[2].Value.Trim());
            if (!_pending.HasPending)
            {
                _stdout.WriteLine("Invalid REPL keyword");
                _stdout.Flush();
                return true;
            }
        }
        RunSource(_pending.Add(line));
        return true;
    }

    // Node: `.5` and `.5e3` are numbers, not commands.
    private static bool LooksLikeNumber(string text) =>
        text.Length > 1 && char.IsAsciiDigit(text[1]);

    private void RunSource(string source)
    {
        TurnOutcome outcome = _runner.Run(source);
        if (outcome == TurnOutcome.Incomplete) return;
        _pending.Clear();
    }

    private void FinishEditor()
    {
        string source = string.Join("\n", _editorLines!);
        _editorLines = null;
        if (string.IsNullOrWhiteSpace(source)) return;
        // The whole block is one input; one that stops early is a syntax error.
        _runner.Run(source, EvalMode.Whole);
        _stdout.Flush();
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

    // Datagrams wake the loop at once (MessageDriver.WatchIncoming); this is
    // only a safety net.
    private static readonly TimeSpan MessagePoll = TimeSpan.FromMilliseconds(100);

    private void PollMessages(ref bool promptShown)
    {
        if (_messages is null) return;
        ulong before = _runner.Turn;
        _messages.Poll();
        if (_runner.Turn != before && _interactive && promptShown && _editor is null)
        {
            _stdout.Write("\r\x1b[K");
            _stdout.Flush();
            promptShown = false;
        }
    }

    private static readonly TimeSpan FetchPoll = TimeSpan.FromMilliseconds(10);

    private bool FetchesInFlight => _runner.Fetches is { InFlight: > 0 };

    private void PollFetches(ref bool promptShown)
    {
        if (_runner.Fetches is null) return;
        ulong before = _runner.Turn;
        _runner.Fetches.Poll();
        if (_runner.Turn != before && _interactive && promptShown && _editor is null)
        {
            _stdout.Write("\r\x1b[K");
            _stdout.Flush();
            promptShown = false;
        }
    }

    // A program or --eval input that fetched: as Node, the process stays
    // until the responses are in (and, with --wait, the timers have run).
    private void RunUntilSettled(ref bool promptShown)
    {
        while (true)
        {
            if (FetchesInFlight)
            {
                Thread.Sleep(FetchPoll);
                PollFetches(ref promptShown);
                FireDueTimers(ref promptShown);
                continue;
            }
            if (_waitForTimers && _runner.NextTimerDue is { } due)
            {
                Thread.Sleep(UntilDue(due));
                FireDueTimers(ref promptShown);
                continue;
            }
            return;
        }
    }

    private void FireDueTimers(ref bool promptShown)
    {
        while (_runner.NextTimerDue is { } due && due <= DateTimeOffset.UtcNow)
        {
            if (_interactive && promptShown && _editor is null)
            {
                // Timer output goes on a line of its own, then a new prompt.
                _stdout.Write("\r\x1b[K");
                _stdout.Flush();
                promptShown = false;
            }
            if (_runner.RunTimer() == TurnOutcome.Idle) break;
        }
    }

    /// <summary>
    /// Runs a script file as one program, as `node FILE.js` does: one turn
    /// that prints only what the program prints; an uncaught error goes to
    /// stderr and the exit code is 1. Then (with --wait) its timers run.
    /// </summary>
    public int RunScript(string path, string text)
    {
        // An .mjs file is an ES module, as for `node FILE.mjs`: the program
        // imports it (the loader reads its source through the turn's tape).
        if (path.EndsWith(".mjs", StringComparison.Ordinal) || IsModuleScoped(path))
            text = $"await import({System.Text.Json.JsonSerializer.Serialize(Path.GetFullPath(path))});";
        int exit = _runner.Run(StripShebang(text), EvalMode.Program, path) == TurnOutcome.Committed &&
                   _runner.LastStatus == TurnStatus.Ok ? 0 : 1;
        bool promptShown = true;
        RunUntilSettled(ref promptShown);
        _stdout.Flush();
        return exit;
    }

    // A .js file whose nearest package.json says "type": "module" is an ES
    // module to `node FILE.js`. Reading package.json here is not an input of
    // the heap: it only chooses the turn's source, which the log records.
    private static bool IsModuleScoped(string path)
    {
        if (!path.EndsWith(".js", StringComparison.Ordinal)) return false;
        for (string? dir = Path.GetDirectoryName(Path.GetFullPath(path)); dir is not null; dir = Path.GetDirectoryName(dir))
        {
            string package = Path.Combine(dir, "package.json");
            if (!File.Exists(package)) continue;
            try
            {
                using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(package));
                return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object &&
                       doc.RootElement.TryGetProperty("type", out var type) &&
                       type.ValueKind == System.Text.Json.JsonValueKind.String && type.GetString() == "module";
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
            {
                // Node stops at the nearest package.json, readable or not.
                return false;
            }
        }
        return false;
    }

    // A `#!` line is a comment to Node; V8 takes it only at the very start
    // of a script, which the turn's source is, but keep it out of the way
    // of REPL mode's wrapping all the same. The line stays (as a blank) so
    // that line numbers in stack traces match the file.
    private static string StripShebang(string text) =>
        text.StartsWith("#!", StringComparison.Ordinal) && text.IndexOf('\n') is var end
            ? (end < 0 ? "" : text[end..])
            : text;

    /// <summary>
    /// Runs one input as a turn (--eval), then, with --wait, its timers.
    /// Returns the exit code: 1 when the input did not compile (an incomplete
    /// one included: nothing more can follow it), threw, or was rolled back,
    /// as `node -e` exits 1 on an uncaught error.
    /// </summary>
    public int RunOnce(string source)
    {
        TurnOutcome outcome = _runner.Run(source, EvalMode.Whole);
        bool failed = outcome != TurnOutcome.Committed || _runner.LastStatus != Engine.TurnStatus.Ok;
        bool promptShown = true;
        RunUntilSettled(ref promptShown);
        _stdout.Flush();
        return failed ? 1 : 0;
    }

    private int EndOfInput()
    {
        if (_editorLines is not null) FinishEditor(); // Ctrl-D ends .editor, as in Node
        if (_pending.HasPending)
        {
            _stderr.WriteLine("kenshell: the input ended inside an incomplete statement; it was not run");
            _pending.Clear();
        }
        if (_interactive) _stdout.WriteLine();
        _stdout.Flush();
        return 0;
    }

    /// <summary>
    /// The dot commands, in the manner of Node's lib/repl.js defineCommand:
    /// one table (name, help, action) serves dispatch, .help and Tab
    /// completion. An action returns false to end the session.
    /// </summary>
    private sealed record DotCommand(string Name, string Usage, string Help, Func<ReplSession, string, bool> Action);

    private static readonly DotCommand[] Commands =
    [
        new("break", ".break", "Sometimes you get stuck, this gets you out (drops the pending multi-line input)", (s, _) =>
        {
            s._pending.Clear();
            return true;
        }),
        new("checkpoint", ".checkpoint", "Write a checkpoint of the heap now (in the background)", (s, _) =>
        {
            s._stderr.WriteLine(s._runner.Checkpoint()
                ? "kenshell: writing a checkpoint in the background"
                : "kenshell: a checkpoint is already being written");
            s._stderr.Flush();
            return true;
        }),
        // Node's .clear resets the REPL context. Here the context is the
        // persistent heap, and wiping it from inside the shell by accident
        // would be the worst outcome: .clear only drops the pending
        // multi-line input, like .break. To start over, exit and remove the
        // store's files (rm ken_<address>_*).
        new("clear", ".clear", "Like .break: the heap is persistent and is never cleared from here", (s, _) =>
        {
            s._pending.Clear();
            s.Say("Cleared the pending input. The heap is persistent and was not cleared; to start over, exit and remove the store files (rm ken_<address>_*).");
            return true;
        }),
        new("editor", ".editor", "Enter editor mode: lines up to .end run as one input", (s, _) =>
        {
            s.Say("// Entering editor mode (.end on a line of its own or Ctrl+D to run, .break to cancel)");
            s._editorLines = new List<string>();
            return true;
        }),
        new("exit", ".exit", "Exit the shell (every completed input is already saved)", (_, _) => false),
        new("help", ".help", "Print this help message", (s, _) =>
        {
            s.PrintHelp();
            return true;
        }),
        new("info", ".info", "Turns, heap, store, checkpoints, pending timers", (s, _) =>
        {
            s._stdout.WriteLine(s._runner.Describe());
            s._stdout.WriteLine(TimeTravel.Describe(s._runner.Store));
            s.Say(s._messages is null ? "network:          off" : $"network:          {s._messages.Counters}");
            return true;
        }),
        new("load", ".load FILE", "Run FILE as one input (one turn; Ctrl+C stops it and rolls it back)", (s, file) =>
        {
            if (s.RequireFile(file)) s.Load(file);
            return true;
        }),
        new("save", ".save FILE", "Save every input that built the current state, from turn 1, to FILE", (s, file) =>
        {
            if (s.RequireFile(file)) TimeTravel.Save(s._runner, file, s._stdout);
            s._stdout.Flush();
            return true;
        }),
        new("history", ".history [N]", "List the last N turns (default 20): number, time, kind, first line; undone ones as a branch", (s, n) =>
        {
            TimeTravel.History(s._runner, n, s._stdout);
            s._stdout.Flush();
            return true;
        }),
        new("undo", ".undo [N]", "Go back to the state before the last N inputs (durable; the undone turns stay as a branch)", (s, n) =>
        {
            TimeTravel.Undo(s._runner, n, s._stdout, () => s._messages?.Load());
            s._stdout.Flush();
            return true;
        }),
        new("redo", ".redo", "Right after .undo: return to the state before it", (s, _) =>
        {
            TimeTravel.Redo(s._runner, s._stdout, () => s._messages?.Load());
            s._stdout.Flush();
            return true;
        }),
        new("rewind", ".rewind TURN", "Go to the state right after TURN (any turn .history lists, branches included)", (s, turn) =>
        {
            TimeTravel.Rewind(s._runner, turn, s._stdout, () => s._messages?.Load());
            s._stdout.Flush();
            return true;
        }),
        new("forget", ".forget TURN", "Drop the history before TURN to get the space back (asks for a confirmation)", (s, turn) =>
        {
            TimeTravel.Forget(s._runner, turn, s._stdout);
            s._stdout.Flush();
            return true;
        }),
    ];

    /// <summary>The dot commands' names with their dot, for Tab completion.</summary>
    public static readonly IReadOnlyList<string> DotCommands = Commands.Select(c => "." + c.Name).ToArray();

    private static bool IsKnownCommand(string name) => Commands.Any(c => c.Name == name);

    private bool RunCommand(string name, string argument) =>
        Commands.First(c => c.Name == name).Action(this, argument);

    private void Say(string line)
    {
        _stdout.WriteLine(line);
        _stdout.Flush();
    }

    // Node's words for a missing file name (.load, .save).
    private bool RequireFile(string file)
    {
        if (file.Length > 0) return true;
        Say("The \"file\" argument must be specified");
        return false;
    }

    private void PrintHelp()
    {
        int width = Commands.Max(c => c.Usage.Length) + 2;
        foreach (DotCommand command in Commands) _stdout.WriteLine(command.Usage.PadRight(width) + command.Help);
        _stdout.WriteLine();
        _stdout.WriteLine("Everything reachable from the global scope persists. Press Ctrl+C to interrupt a running input (it is rolled back).");
        if (_editor is not null)
        {
            // The editor's own key table, the one its dispatch uses.
            _stdout.WriteLine();
            _stdout.WriteLine("Keys (Tab runs no code to find names; the history is kept in ken_<address>_history):");
            int keyWidth = LineEditor.KeyBindings.Max(b => b.Keys.Length) + 2;
            foreach (KeyBinding binding in LineEditor.KeyBindings) _stdout.WriteLine("  " + binding.Keys.PadRight(keyWidth) + binding.Help);
        }
        _stdout.Flush();
    }

    /// <summary>
    /// .load FILE: the whole file is one input (one turn), as Node's .load
    /// runs it in editor mode. Ctrl-C stops it and rolls it back.
    /// </summary>
    private void Load(string file)
    {
        string text;
        try
        {
            text = File.ReadAllText(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            _stdout.WriteLine($"Failed to load: {file}: {e.Message}");
            _stdout.Flush();
            return;
        }
        if (string.IsNullOrWhiteSpace(text)) return;
        _runner.Run(text, EvalMode.Whole);
        _stdout.Flush();
    }

    private List<string>? _editorLines;

    [GeneratedRegex(@"^\.(\S+)\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex DotCommandSyntax();

    public void Dispose()
    {
        _runner.BeforeOutput = null;
        _sigint.Dispose();
        _input?.Dispose();
        _editor?.Dispose();
    }
}
