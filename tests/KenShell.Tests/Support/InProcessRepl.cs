using System.Text.RegularExpressions;
using KenShell.Engine;
using KenShell.Runtime;
using KenShell.Shell;
using KenShell.Store;
using KenShell.Terminal;

namespace KenShell.Tests.Support;

/// <summary>
/// The REPL in this process: a real store in a temporary directory, a real V8 heap, the
/// shipping <see cref="TurnRunner"/>, <see cref="ReplSession"/> and <see cref="LineEditor"/>,
/// with the keyboard replaced by <see cref="MemoryKeys"/> and the screen by a
/// <see cref="StringWriter"/>. No terminal, no child process: what the tmux tests check
/// end to end, checked here key by key.
/// </summary>
public sealed partial class InProcessRepl : IDisposable
{
    private readonly StoreDirectory _dir = new();

    public LineHistory History { get; } = LineHistory.InMemory();

    public StringWriter Stdout { get; } = new();

    public StringWriter Stderr { get; } = new();

    /// <summary>Runs a session on <paramref name="keys"/> until they run out (the terminal closes) or it exits; returns its exit code.</summary>
    public int Run(MemoryKeys keys, int columns = 150)
    {
        var layout = new StoreLayout(_dir.Path, StoreDirectory.Address);
        using StoreLock storeLock = StoreLock.Acquire(layout);
        using var store = new PersistentStore(layout, Stderr, CheckpointPolicy.Default(), progressOnTerminal: false)
        {
            PrepareShell = heap => heap.QueryText(RuntimeHooks.SetIdentity, StoreDirectory.Address),
            Lock = storeLock,
        };
        (JsShell shell, _) = store.Open(Prelude.Source, false);
        using var runner = new TurnRunner(store, shell, Stdout, Stderr, colors: false);
        var completer = new Completer(path => runner.Shell.CompletionNames(path), ReplSession.DotCommands);
        var editor = new LineEditor(keys, null, Stdout, History, completer.Complete, () => columns);
        int exit;
        using (var session = new ReplSession(runner, TextReader.Null, Stdout, Stderr, interactive: true, editor: editor))
        {
            exit = session.Run();
        }
        store.Close(TimeSpan.Zero);
        return exit;
    }

    /// <summary>What was written, without the editor's escape sequences and carriage returns, as lines.</summary>
    public string[] Lines() => Escapes().Replace(Stdout.ToString(), "").Replace("\r", "").Split('\n');

    [GeneratedRegex(@"\x1b(\[[0-9;?]*[A-Za-z~]|[^\[])")]
    private static partial Regex Escapes();

    public void Dispose() => _dir.Dispose();
}
