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

    public static RootCommand Build()
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
        root.SetAction(result => Run(new ShellOptions
        {
            Address = result.GetValue(address)!,
            ScriptFile = result.GetValue(script),
            Directory = result.GetValue(dir),
            Eval = result.GetValue(eval),
            KeepLog = result.GetValue(keepLog),
            Rebuild = result.GetValue(rebuild),
            WaitForTimers = result.GetValue(wait),
        }));
        return root;
    }

    private const string Usage = "usage: kenshell ADDRESS [FILE.js] [--dir DIR] [--eval CODE] [--wait] [--keep-log] [--rebuild] (kenshell --help says more)";

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
            // The shell's identity as the network knows it (canonical form).
            string identity = KenShell.Messaging.PeerAddress.TryParse(address, out var peer) ? peer.ToString() : address;
            var policy = CheckpointPolicy.Default(options.KeepLog, options.CheckpointEveryTurns) with { CheckpointTimeout = options.CheckpointTimeout };
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
            catch (Exception e) when (e is CheckpointFailedException or EngineException or IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"kenshell: cannot open the store: {e.Message}");
                return ExitError;
            }

            if (interactive) PrintBanner(stdout, layout, report);
            else if (!report.Fresh) stderr.WriteLine($"kenshell: {report.Describe()}");
            bool colors = interactive && !Console.IsOutputRedirected;
            using var runner = new TurnRunner(store, shell, stdout, stderr, colors);
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
                int exit = code is not null ? session.RunOnce(code)
                         : scriptText is not null ? session.RunScript(Path.GetFullPath(scriptFile!), scriptText)
                         : session.Run();
                stdout.Flush();
                // A checkpoint being written gets a moment to finish (the next
                // start then has less log to replay), then is abandoned.
                store.Close(PersistentStore.ExitGrace);
                return exit;
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
