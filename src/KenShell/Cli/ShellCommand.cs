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
            if (a is "--dir" or "--eval" or "-e") { i++; continue; }
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
            Description = "Keep the whole turn log from the first turn (never remove log segments covered by checkpoints)",
        };
        var rebuild = new Option<bool>("--rebuild")
        {
            Description = "If the checkpoints were written by another V8 build, rebuild the heap by replaying the whole log (needs a log kept with --keep-log)",
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
        };
        root.SetAction(result => Run(result.GetValue(address)!, result.GetValue(script), result.GetValue(dir), result.GetValue(eval),
            result.GetValue(keepLog), result.GetValue(rebuild), result.GetValue(wait), scriptArgs));
        return root;
    }

    private const string Usage = "usage: kenshell ADDRESS [FILE.js [ARGS...]] [--dir DIR] [--eval CODE] [--wait] [--keep-log] [--rebuild] (kenshell --help says more)";

    private static int Run(string address, string? scriptFile, string? directory, string? code, bool keepLog, bool rebuild, bool waitForTimers,
        string[] scriptArgs)
    {
        var stdout = new StreamWriter(Console.OpenStandardOutput(), new UTF8Encoding(false)) { AutoFlush = false };
        // Synchronized: background checkpoints report from a worker thread.
        TextWriter stderr = TextWriter.Synchronized(new StreamWriter(Console.OpenStandardError(), new UTF8Encoding(false)) { AutoFlush = true });
        // The parser hands an option it does not know to the ADDRESS or FILE
        // argument (`kenshell ADDR --foo` tried to read a file named --foo).
        // A file whose name starts with '-' can still be given as ./-name.
        foreach (string? value in new[] { address, scriptFile })
        {
            if (value is { Length: > 1 } && value[0] == '-')
            {
                stderr.WriteLine($"kenshell: unknown option {value}");
                stderr.WriteLine(Usage);
                return ExitError;
            }
        }
        if (StoreLayout.ValidateAddress(address) is { } problem)
        {
            stderr.WriteLine($"kenshell: {problem}");
            return ExitError;
        }
        directory ??= Environment.CurrentDirectory;
        if (!Directory.Exists(directory))
        {
            stderr.WriteLine($"kenshell: the directory {directory} does not exist");
            return ExitError;
        }

        var layout = new StoreLayout(directory, address);
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
            // The shell's identity as the network knows it (canonical form).
            string identity = KenShell.Messaging.PeerAddress.TryParse(address, out var peer) ? peer.ToString() : address;
            using var store = new PersistentStore(layout, stderr, CheckpointPolicy.FromEnvironment(keepLog),
                progressOnTerminal: !Console.IsErrorRedirected)
            {
                PrepareShell = heap => heap.QueryText(RuntimeHooks.SetIdentity, identity),
                Lock = storeLock,
            };
            JsShell shell;
            RecoveryReport report;
            try
            {
                (shell, report) = store.Open(Prelude.Source, rebuild);
            }
            catch (EngineMismatchException e)
            {
                stderr.WriteLine($"kenshell: {e.Message}");
                return ExitEngineMismatch;
            }
            catch (Exception e) when (e is CheckpointFailedException or EngineException or IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"kenshell: cannot open the store: {e.Message}");
                return ExitError;
            }

            if (interactive) PrintBanner(stdout, layout, report);
            else if (!report.Fresh) stderr.WriteLine($"kenshell: {report.Describe()}");
            bool colors = interactive && !Console.IsOutputRedirected;
            using var runner = new TurnRunner(store, shell, stdout, stderr, colors);
            var files = new FileWriteDriver(runner, stderr);
            runner.Files = files;
            runner.TurnCommitted += files.Acknowledge;
            using var fetches = new FetchDriver(runner);
            runner.Fetches = fetches;
            runner.TurnCommitted += fetches.AfterTurn;
            // --eval runs one turn and exits: no network for it.
            // KENSHELL_NO_NETWORK=1 runs without listening (tests that start
            // many shells on one address at once).
            bool network = code is null && Environment.GetEnvironmentVariable("KENSHELL_NO_NETWORK") != "1";
            using MessageDriver? messages = network ? MessageDriver.Start(identity, store.Checkpoints.StoreId, runner, stderr) : null;
            if (messages is not null)
            {
                messages.Load();
                runner.TurnCommitted += messages.AfterTurn;
            }
            LineEditor? editor = interactive ? OpenLineEditor(layout, runner, stdout, stderr) : null;
            using var session = new ReplSession(runner, Console.In, stdout, stderr, interactive, waitForTimers, messages, editor);
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
            catch (Exception e) when (e is CheckpointFailedException or EngineException or IOException)
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
    private static LineEditor? OpenLineEditor(StoreLayout layout, TurnRunner runner, TextWriter stdout, TextWriter stderr)
    {
        if (Console.IsOutputRedirected || Environment.GetEnvironmentVariable("TERM") is null or "" or "dumb") return null;
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
