namespace KenShell.Terminal;

/// <summary>What a key press means to the line editor, whatever bytes the terminal sent for it.</summary>
public enum KeyKind
{
    /// <summary>Text to insert (<see cref="KeyPress.Text"/>).</summary>
    Text,
    Enter,
    Tab,
    Backspace,
    Delete,
    Left,
    Right,
    Up,
    Down,
    Home,
    End,
    WordLeft,
    WordRight,
    /// <summary>Alt-Backspace: delete the word before the cursor.</summary>
    DeleteWordLeft,
    /// <summary>Alt-D: delete the word after the cursor.</summary>
    DeleteWordRight,
    /// <summary>Ctrl plus a letter (<see cref="KeyPress.Letter"/>), for the keys not mapped above.</summary>
    Control,
    Escape,
    /// <summary>Text the terminal marked as pasted (bracketed paste): it may hold line breaks.</summary>
    Paste,
    /// <summary>A sequence the editor has no use for (function keys, mouse, Insert).</summary>
    Ignored,
}
