namespace KenShell.Terminal;

/// <summary>
/// Where the line editor's keys come from: the terminal (<see cref="KeyboardInput"/>),
/// or, in tests, bytes in memory decoded by the same <see cref="KeyDecoder"/> (as
/// Node's REPL tests drive the REPL through an in-memory stream), so that the editor
/// and the REPL around it run in-process.
/// </summary>
public interface IKeySource : IDisposable
{
    /// <summary>Waits up to <paramref name="timeout"/> (forever when null) for the next key.</summary>
    InputEvent Next(TimeSpan? timeout, out KeyPress key);

    /// <summary>True when keys already read are waiting to be decoded (a paste).</summary>
    bool HasBufferedKeys { get; }

    /// <summary>Makes a waiting <see cref="Next"/> return <see cref="InputEvent.Woken"/> (any thread).</summary>
    void Wake();
}
