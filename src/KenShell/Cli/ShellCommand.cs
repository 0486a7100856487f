using System.CommandLine;
using System.Text;
using KenShell.Engine;
using KenShell.Runtime;
using KenShell.Shell;
using KenShell.Store;
using KenShell.Terminal;

namespace KenShell.Cli;

/// <summary>The kenshell command line.</summary>
public static class ShellCommand
{
    /// <summary>Exit codes (documented in README.md).</summary>
    public const int ExitOk = 0, ExitError = 1, ExitStoreLocked = 3, ExitEngineMismatch = 4;

    /// <summary>
    /// The arguments kenshell parses, and (<paramref name="scriptArgs"/>)
    /// those after the script file, which are the script's own (Node's
    /// `node FILE.js ARGS...`): the second argument that is not an option or
    /// an option's value is the file.
    /// </summary>
    public static string[] SplitScriptArguments(string[] args, out string[] scriptArgs)
    {
        int positionals = 0;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            if (a is "--dir" or "--eval" or "-e" or "--at" or "--forget") { i++; continue; }
            if (a.Length > 1 && a[0] == '-') continue;
            if (++positionals == 2)
            {
                scriptArgs = args[(i + 1)..];
                return args[..(i + 1)];
            }
        }
        scriptArgs = [];
        return args;
    }

    public static RootCommand Build() => Build([]);

    public static RootCommand Build(string[] scriptArgs)
    {
        var address = new Argument<string>("address")
        {
            Description = "This shell's address and identity, HOST:PORT (e.g. 127.0.0.1:6666). Its store is the files ken_<address>_* .",
        };
        var script = new Argument<string?>("file")
        {
            Description = "A script to run as one program (one turn, printing only what it prints), then exit, as `node file.js` does",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var dir = new Option<string?>("--dir")
        {
            Description = "Directory holding the store (default: the current directory)",
        };
        var eval = new Option<string?>("--eval", "-e")
        {
            Description = "Run CODE as one turn, print its result, and exit",
            HelpName = "CODE",
        };
        var keepLog = new Option<bool>("--keep-log")
        {
            Description = "Accepted for old scripts: the whole history is now kept by default (see --forget)",
        };
        var rebuild = new Option<bool>("--rebuild")
        {
            Description = "Accepted for old scripts: a store whose checkpoints come from another V8 build is now rebuilt from its history automatically",
        };
        var at = new Option<ulong?>("--at")
        {
            Description = "Open the state after TURN read-only (nothing is committed, sent or written); with --eval, run CODE there and exit",
            HelpName = "TURN",
        };
        var forget = new Option<ulong?>("--forget")
        {
            Description = "Drop the history before TURN (its log segments; never those recovery needs), then go on as usual",
            HelpName = "TURN",
        };
        var wait = new Option<bool>("--wait")
        {
            Description = "At end of input, keep running until no timer is pending (without it, pending timers stay in the store for the next start)",
        };
        var root = new RootCommand("kenshell: a JavaScript shell whose whole heap survives crashes and restarts.")
        {
            address,
            script,
            dir,
            eval,
            keepLog,
            rebuild,
            wait,
            at,
            forget,
        };
        root.SetAction(result => Run(new ShellOptions
        {
            Address = result.GetValue(address)!,
            ScriptFile = result.GetValue(script),
            Directory = result.GetValue(dir),
            Eval = result.GetValue(eval),
            KeepLog = result.GetValue(keepLog),
            Rebuild = result.GetValue(rebuild),
            WaitForTimers = result.GetValue(wait),
            AtTurn = result.GetValue(at),
            ForgetTurn = result.GetValue(forget),
            ScriptArgs = scriptArgs,
        }));
        return root;
    }

    private const string Usage = "usage: kenshell ADDRESS [FILE.js [ARGS...]] [--dir DIR] [--eval CODE] [--wait] [--at TURN] [--forget TURN] (kenshell --help says more)";

    private static int Run(ShellOptions commandLine)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        // Synchronized: background checkpoints report from a worker thread.
        TextWriter stderr = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true });
        // The parser hands an option it does not know to the ADDRESS or FILE
        // argument (`kenshell ADDR --foo` tried to read a file named --foo).
        // A file whose name starts with '-' can still be given as ./-name.
        foreach (string? value in new[] { commandLine.Address, commandLine.ScriptFile })
        {
            if (value is { Length: > 1 } && value[0] == '-')
            {
                stderr.WriteLine($"kenshell: unknown option {value}");
                stderr.WriteLine(Usage);
                return ExitError;
            }
        }
        // The environment is read here, once; everything below gets values.
        ShellOptions options;
        try
        {
            options = ShellOptions.Read(commandLine, Environment.GetEnvironmentVariable);
            FaultInjection.Configure(options.CrashAt, options.Faults);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            stderr.WriteLine($"kenshell: {e.Message}");
            return ExitError;
        }
        JsShell.NativeDirectory = options.NativeDirectory;
        // The engine's settings, handed over before its first use. Called only
        // where the engine is about to be used (after the store lock for a
        // shell): loading libnode first would make a second shell on the same
        // store take longer to be refused.
        bool ConfigureEngine()
        {
            try
            {
                JsShell.Configure(options.V8Flags, options.EngineCompat, options.HeapChunks, options.ForkTrace);
                return true;
            }
            catch (Exception e) when (e is EngineException or DllNotFoundException)
            {
                stderr.WriteLine($"kenshell: cannot load the engine: {e.Message}");
                return false;
            }
        }
        string address = options.Address;
        string? scriptFile = options.ScriptFile;
        string? code = options.Eval;
        if (StoreLayout.ValidateAddress(address) is { } problem)
        {
            stderr.WriteLine($"kenshell: {problem}");
            return ExitError;
        }
        string directory = options.Directory ?? Environment.CurrentDirectory;
        if (!Directory.Exists(directory))
        {
            stderr.WriteLine($"kenshell: the directory {directory} does not exist");
            return ExitError;
        }

        ulong? forgetTurn = options.ForgetTurn;
        string[] scriptArgs = options.ScriptArgs;
        var layout = new StoreLayout(directory, address);
        if (options.AtTurn is { } turn)
        {
            if (scriptFile is not null || forgetTurn is not null)
            {
                stderr.WriteLine("kenshell: --at opens a state read-only: it takes no FILE and no --forget");
                return ExitError;
            }
            string peerIdentity = KenShell.Messaging.PeerAddress.TryParse(address, out var atPeer) ? atPeer.ToString() : address;
            if (!ConfigureEngine()) return ExitError;
            int atExit = AtCommand.Run(layout, CheckpointPolicy.Default(options.CheckpointEveryTurns), turn, code, peerIdentity, stdout, stderr);
            stdout.Flush();
            return atExit;
        }
        string? scriptText = null;
        if (scriptFile is not null)
        {
            try
            {
                scriptText = File.ReadAllText(scriptFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"kenshell: cannot read {scriptFile}: {e.Message}");
                return ExitError;
            }
        }
        bool interactive = code is null && scriptText is null && !Console.IsInputRedirected;
        StoreLock storeLock;
        try
        {
            storeLock = StoreLock.Acquire(layout);
        }
        catch (StoreLockedException e)
        {
            stderr.WriteLine($"kenshell: {e.Message}");
            return ExitStoreLocked;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"kenshell: cannot lock the store in {layout.Directory}: {e.Message}");
            return ExitError;
        }

        using (storeLock)
        {
            if (!ConfigureEngine()) return ExitError;
            // process.argv as Node's: [execPath, script, args...] for a script,
            // [execPath] at the prompt and for --eval. Set after the lock:
            // loading the engine before it would make a second shell on the
            // store take longer to be refused.
            string execPath = Environment.ProcessPath ?? "kenshell";
            var argv = new List<string> { execPath };
            if (scriptFile is not null)
            {
                argv.Add(Path.GetFullPath(scriptFile));
                argv.AddRange(scriptArgs);
            }
            JsShell.SetProcessText("argv", System.Text.Json.JsonSerializer.Serialize(argv));
            JsShell.SetProcessText("execPath", execPath);
            // The program's path: `require` in it resolves from its folder.
            JsShell.SetProcessText("main", scriptFile is not null ? Path.GetFullPath(scriptFile) : "");
            // The shell's identity as the network knows it (canonical form).
            string identity = KenShell.Messaging.PeerAddress.TryParse(address, out var peer) ? peer.ToString() : address;
            var policy = CheckpointPolicy.Default(options.CheckpointEveryTurns) with { CheckpointTimeout = options.CheckpointTimeout };
            using var store = new PersistentStore(layout, stderr, policy, progressOnTerminal: !Console.IsErrorRedirected)
            {
                Trace = options.Trace,
                ProgressAfter = options.ProgressAfter,
                PrepareShell = heap => heap.QueryText(RuntimeHooks.SetIdentity, identity),
                Lock = storeLock,
            };
            JsShell shell;
            RecoveryReport report;
            try
            {
                (shell, report) = store.Open(Prelude.Source, options.Rebuild);
            }
            catch (EngineMismatchException e)
            {
                stderr.WriteLine($"kenshell: {e.Message}");
                return ExitEngineMismatch;
            }
            catch (Exception e) when (e is CheckpointFailedException or EngineException or HistoryException or IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"kenshell: cannot open the store: {e.Message}");
                return ExitError;
            }

            if (interactive) PrintBanner(stdout, layout, report);
            else if (!report.Fresh) stderr.WriteLine($"kenshell: {report.Describe()}");
            if (forgetTurn is { } before)
            {
                // The flag is the confirmation .forget asks for.
                try
                {
                    ulong through = store.Forget(before);
                    stderr.WriteLine(through == 0
                        ? $"kenshell: --forget {before}: no history before turn {before} can be dropped (recovery still needs what is kept)"
                        : $"kenshell: --forget {before}: dropped the history of turns up to {through}");
                }
                catch (TurnLogException e)
                {
                    stderr.WriteLine($"kenshell: --forget {before}: {e.Message}");
                }
            }
            bool colors = interactive && !Console.IsOutputRedirected;
            using var runner = new TurnRunner(store, shell, stdout, stderr, colors);
            var files = new FileWriteDriver(runner, stderr);
            runner.Files = files;
            runner.TurnCommitted += files.Acknowledge;
            using var fetches = new FetchDriver(runner);
            runner.Fetches = fetches;
            runner.TurnCommitted += fetches.AfterTurn;
            // --eval runs one turn and exits: no network for it.
            bool network = code is null && !options.NoNetwork;
            using MessageDriver? messages = network ? MessageDriver.Start(identity, store.Checkpoints.StoreId, runner, stderr, options.NetworkFaults) : null;
            if (messages is not null)
            {
                messages.Load();
                runner.TurnCommitted += messages.AfterTurn;
            }
            LineEditor? editor = interactive ? OpenLineEditor(layout, runner, stdout, stderr, options.Term) : null;
            using var session = new ReplSession(runner, Console.In, stdout, stderr, interactive, options.WaitForTimers, messages, editor);
            try
            {
                // Writes of turns committed before a crash that were not
                // confirmed done: done now (again, idempotently).
                files.PerformCommitted(0);
                files.Acknowledge();
                // Requests committed before a kill and never answered: sent again.
                fetches.AfterTurn();
                int exit = code is not null ? session.RunOnce(code)
                         : scriptText is not null ? session.RunScript(Path.GetFullPath(scriptFile!), scriptText)
                         : session.Run();
                // process.exitCode set in this process, as Node exits with it.
                if (exit == 0 && runner.RequestedExitCode is { } requested) exit = requested;
                // As Node's process on a normal end: 'exit' listeners run (a
                // turn of its own); they may still set the exit code.
                if (runner.Query(RuntimeHooks.ExitListeners) is > 0)
                {
                    runner.RunHook(RuntimeHooks.ProcessExitEvent, exit.ToString(System.Globalization.CultureInfo.InvariantCulture), out _);
                    if (runner.RequestedExitCode is { } changed) exit = changed;
                }
                stdout.Flush();
                // A checkpoint being written gets a moment to finish (the next
                // start then has less log to replay), then is abandoned.
                store.Close(PersistentStore.ExitGrace);
                return exit;
            }
            catch (ProcessExitException e)
            {
                // process.exit(code) in a committed turn.
                stdout.Flush();
                store.Close(PersistentStore.ExitGrace);
                return e.Code;
            }
            catch (StoreRemovedException e)
            {
                // rm ken_* while the shell ran: noticed at the next commit.
                stdout.Flush();
                stderr.WriteLine($"kenshell: {e.Message}");
                return ExitError;
            }
            catch (Exception e) when (e is CheckpointFailedException or EngineException or HistoryException or IOException)
            {
                // Only reachable when a rollback finds no intact checkpoint
                // left (files damaged while the shell ran). Everything durable
                // is still on disk; stop rather than guess.
                stdout.Flush();
                stderr.WriteLine($"kenshell: fatal: {e.Message}");
                return ExitError;
            }
        }
    }

    /// <summary>
    /// The line editor, when both ends are a terminal that can take cursor
    /// movement (not TERM=dumb); else input stays plain lines.
    /// </summary>
    private static LineEditor? OpenLineEditor(StoreLayout layout, TurnRunner runner, TextWriter stdout, TextWriter stderr, string? term)
    {
        if (Console.IsOutputRedirected || term is null or "" or "dumb") return null;
        TerminalMode? mode = TerminalMode.Enter();
        if (mode is null) return null;
        var completer = new Completer(path => runner.Shell.CompletionNames(path), ReplSession.DotCommands);
        return new LineEditor(new KeyboardInput(), mode, stdout, LineHistory.Open(layout.HistoryPath, stderr),
            completer.Complete);
    }

    private static void PrintBanner(TextWriter stdout, StoreLayout layout, RecoveryReport report)
    {
        string state = report.Fresh
            ? $"new store ken_{layout.Address}_* in {layout.Directory}"
            : report.Describe();
        stdout.WriteLine($"Welcome to kenshell ({JsShell.EngineId}): {state}.");
        stdout.WriteLine("Type \".help\" for more information.");
        stdout.Flush();
    }
}
