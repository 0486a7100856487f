namespace KenShell.Terminal;

/// <summary>
/// Puts the controlling terminal in the mode the line editor needs and
/// always puts it back. While the shell runs, the terminal neither echoes
/// nor collects lines (the editor draws every character itself, and keys
/// typed during a turn wait unechoed until the prompt comes back, as in
/// Node). Ctrl-C raises SIGINT while a turn runs, so that it can interrupt
/// the turn, and is an ordinary key while the editor reads (Node's rules for
/// Ctrl-C on a line are the editor's to apply).
/// </summary>
public sealed unsafe class TerminalMode : IDisposable
{
    private readonly int _fd;
    private readonly byte[] _original = new byte[NativeTerminal.TermiosSize];
    private readonly byte[] _raw = new byte[NativeTerminal.TermiosSize];
    private bool _active;
    private bool _signals = true;

    private TerminalMode(int fd) => _fd = fd;

    /// <summary>Raw mode on <paramref name="fd"/>; null when it is not a terminal.</summary>
    public static TerminalMode? Enter(int fd = 0)
    {
        var mode = new TerminalMode(fd);
        fixed (byte* original = mode._original)
        {
            if (NativeTerminal.TcGetAttr(fd, original) != 0) return null;
        }
        mode._original.CopyTo(mode._raw, 0);
        ClearFlags(mode._raw, NativeTerminal.LflagOffset, NativeTerminal.Icanon | NativeTerminal.Echo | NativeTerminal.Iexten);
        // Enter must arrive as \r (not translated), and Ctrl-S/Ctrl-Q are keys,
        // not flow control.
        ClearFlags(mode._raw, NativeTerminal.IflagOffset, NativeTerminal.Icrnl | NativeTerminal.Ixon);
        mode._raw[NativeTerminal.CcOffset + NativeTerminal.VMin] = 1;
        mode._raw[NativeTerminal.CcOffset + NativeTerminal.VTime] = 0;
        if (!mode.Apply(mode._raw)) return null;
        mode._active = true;
        // Leave the terminal usable however the process ends normally
        // (Environment.Exit on a second Ctrl-C included). kill -9 cannot be
        // caught; a shell's `reset` or `stty sane` then repairs it.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => mode.Dispose();
        return mode;
    }

    /// <summary>Whether Ctrl-C (and Ctrl-Z, Ctrl-\) raise signals: on during turns, off while editing.</summary>
    public void SetSignals(bool on)
    {
        if (!_active || on == _signals) return;
        if (on) SetFlags(_raw, NativeTerminal.LflagOffset, NativeTerminal.Isig);
        else ClearFlags(_raw, NativeTerminal.LflagOffset, NativeTerminal.Isig);
        if (Apply(_raw)) _signals = on;
    }

    /// <summary>Back to the mode the shell started with (before suspending with Ctrl-Z).</summary>
    public void Suspend()
    {
        if (_active) Apply(_original);
    }

    /// <summary>Raw again after <see cref="Suspend"/>.</summary>
    public void Resume()
    {
        if (_active) Apply(_raw);
    }

    private bool Apply(byte[] termios)
    {
        fixed (byte* t = termios) return NativeTerminal.TcSetAttr(_fd, NativeTerminal.TcsaNow, t) == 0;
    }

    private static void ClearFlags(byte[] termios, int offset, uint flags)
    {
        uint value = BitConverter.ToUInt32(termios, offset) & ~flags;
        BitConverter.TryWriteBytes(termios.AsSpan(offset, 4), value);
    }

    private static void SetFlags(byte[] termios, int offset, uint flags)
    {
        uint value = BitConverter.ToUInt32(termios, offset) | flags;
        BitConverter.TryWriteBytes(termios.AsSpan(offset, 4), value);
    }

    public void Dispose()
    {
        if (!_active) return;
        _active = false;
        Apply(_original);
    }
}
