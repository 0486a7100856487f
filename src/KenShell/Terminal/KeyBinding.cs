namespace KenShell.Terminal;

/// <summary>
/// One entry of the line editor's key table (<see cref="LineEditor.KeyBindings"/>): the
/// keys as the user reads them, what they do, the decoded key presses that trigger it,
/// and the action. The one source for dispatch, the key list of <c>.help</c> and the
/// README's table (a test checks the README against it). An action returns the event
/// that ends <see cref="LineEditor.TryReadLine"/>, or null to go on editing.
/// </summary>
public sealed record KeyBinding(string Keys, string Help, IReadOnlyList<KeyPress> Presses, Func<LineEditor, EditorEvent?> Action)
{
    /// <summary>Whether the key browses the history (every other key starts browsing afresh).</summary>
    public bool BrowsesHistory { get; init; }
}
