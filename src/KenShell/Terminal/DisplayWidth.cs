using System.Globalization;
using System.Text;

namespace KenShell.Terminal;

/// <summary>
/// How many terminal columns text takes: 2 for East Asian wide characters
/// and emoji, 0 for combining marks and zero-width characters, 1 otherwise.
/// Good enough to keep the cursor where the user sees it.
/// </summary>
public static class DisplayWidth
{
    public static int Of(string text) => Of(text.AsSpan());

    public static int Of(ReadOnlySpan<char> text)
    {
        int width = 0;
        foreach (Rune rune in text.EnumerateRunes()) width += Of(rune);
        return width;
    }

    public static int Of(Rune rune)
    {
        int v = rune.Value;
        if (v < 0x20 || v == 0x7F) return 0;
        if (v < 0x300) return 1;
        UnicodeCategory category = Rune.GetUnicodeCategory(rune);
        if (category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format) return 0;
        bool wide =
            (v >= 0x1100 && v <= 0x115F) || (v >= 0x2E80 && v <= 0xA4CF && v != 0x303F) ||
            (v >= 0xAC00 && v <= 0xD7A3) || (v >= 0xF900 && v <= 0xFAFF) || (v >= 0xFE30 && v <= 0xFE4F) ||
            (v >= 0xFF00 && v <= 0xFF60) || (v >= 0xFFE0 && v <= 0xFFE6) ||
            (v >= 0x1F300 && v <= 0x1F64F) || (v >= 0x1F900 && v <= 0x1F9FF) || (v >= 0x20000 && v <= 0x3FFFD);
        return wide ? 2 : 1;
    }
}
