using KenShell.Engine;
using KenShell.Runtime;
using KenShell.Store;

namespace KenShell.Cli;

/// <summary>
/// <c>kenshell ADDR --at TURN [--eval CODE]</c>: the state after an earlier
/// turn, read-only. The heap is reached as time travel reaches it (nearest
/// checkpoint on the way + replay) but nothing is committed, sent or written:
/// no lock is taken (taking it writes the pid), no file is created, changed or
/// removed, timers do not fire and the network is off. Inputs run on a
/// scratch copy of the heap and are forgotten at exit.
/// </summary>
public static class AtCommand
{
    public static int Run(StoreLayout layout, CheckpointPolicy policy, ulong turn, string? code, string identity, TextWriter stdout, TextWriter stderr)
    {
        using var store = new PersistentStore(layout, stderr, policy, progressOnTerminal: !Console.IsErrorRedirected)
        {
            PrepareShell = heap => heap.QueryText(RuntimeHooks.SetIdentity, identity),
        };
        JsShell shell;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            shell = store.OpenAt(Prelude.Source, turn);
        }
        catch (Exception e) when (e is HistoryException or CheckpointFailedException or EngineException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"kenshell: cannot open turn {turn}: {e.Message}");
            return ShellCommand.ExitError;
        }
        using (shell)
        {
            stderr.WriteLine($"kenshell: read-only view of the state after turn {turn} (from " +
                             (store.LastReachBase == 0 && !File.Exists(layout.CheckpointPath(0)) ? "the genesis record" : $"checkpoint {store.LastReachBase}") +
                             $" + {store.LastReachReplayed} turns replayed, {clock.Elapsed.TotalMilliseconds:F0} ms); nothing here is saved");
            shell.SetOption("colors", 0);
            if (code is not null)
            {
                TurnResult result = shell.Eval(code, "at", EvalMode.Whole);
                Write(result, stdout, stderr);
                return result.Status == TurnStatus.Ok ? ShellCommand.ExitOk : ShellCommand.ExitError;
            }
            string pending = "";
            while (Console.In.ReadLine() is { } line)
            {
                pending = pending.Length == 0 ? line : pending + "\n" + line;
                if (string.IsNullOrWhiteSpace(pending))
                {
                    pending = "";
                    continue;
                }
                TurnResult result = shell.Eval(pending, "at", EvalMode.Input);
                if (result.Status == TurnStatus.Incomplete) continue;
                pending = "";
                Write(result, stdout, stderr);
            }
            return ShellCommand.ExitOk;
        }
    }

    private static void Write(TurnResult result, TextWriter stdout, TextWriter stderr)
    {
        foreach (OutputRecord record in result.Output)
        {
            TextWriter writer = record.Stream == OutputStream.Stderr ? stderr : stdout;
            writer.Write(record.Text);
            writer.Flush();
        }
        if (result.NeedsRollback) stderr.WriteLine($"kenshell: the input did not complete: {result.Error ?? result.Status.ToString()}");
        stdout.Flush();
    }
}
