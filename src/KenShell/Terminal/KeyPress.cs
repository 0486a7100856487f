namespace KenShell.Terminal;

/// <summary>One decoded key: its kind, the text it inserts, or the letter held with Ctrl.</summary>
public readonly record struct KeyPress(KeyKind Kind, string Text = "", char Letter = '\0')
{
    public static KeyPress Of(KeyKind kind) => new(kind);

    public static KeyPress Ctrl(char letter) => new(KeyKind.Control, Letter: letter);

    public override string ToString() => Kind switch
    {
        KeyKind.Text => $"Text({Text})",
        KeyKind.Control => $"Ctrl-{char.ToUpperInvariant(Letter)}",
        _ => Kind.ToString(),
    };
}
