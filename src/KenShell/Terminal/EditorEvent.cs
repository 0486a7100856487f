namespace KenShell.Terminal;

/// <summary>Why <see cref="LineEditor.TryReadLine"/> returned.</summary>
public enum EditorEvent
{
    /// <summary>Enter: a line was submitted.</summary>
    Line,
    /// <summary>The timeout passed; the edit stays and goes on at the next call.</summary>
    Timeout,
    /// <summary>Another thread called <see cref="LineEditor.Wake"/>; the edit goes on at the next call.</summary>
    Woken,
    /// <summary>Ctrl-C: the line was dropped (the dropped text is returned).</summary>
    Interrupt,
    /// <summary>Ctrl-D on an empty line, or the terminal went away.</summary>
    EndOfInput,
}
