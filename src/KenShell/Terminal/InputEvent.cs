namespace KenShell.Terminal;

/// <summary>Why <see cref="KeyboardInput.Next"/> returned.</summary>
public enum InputEvent
{
    Key,
    /// <summary>The timeout passed (a timer is due).</summary>
    Timeout,
    /// <summary><see cref="KeyboardInput.Wake"/> was called (a datagram arrived).</summary>
    Woken,
    /// <summary>The terminal is gone (hang-up, read error).</summary>
    Closed,
}
