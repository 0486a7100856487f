using System.Text;
using System.Text.RegularExpressions;
using KenShell.Checksums;

namespace KenShell.Engine;

/// <summary>
/// A short digest of a turn's output (streams and text), kept in the turn's
/// log record: replaying the turn must print exactly the same, or the
/// replay has diverged from what the user saw.
///
/// Colour is presentation, not output: a turn typed at a terminal prints
/// its values with ANSI colour codes, and the same turn replayed (after a
/// crash, by a rollback, or by a later session with stdout redirected)
/// prints them without. So SGR sequences (ESC [ ... m) are left out of the
/// digest, on both sides alike.
/// </summary>
public static partial class TurnDigest
{
    public static uint Compute(IReadOnlyList<OutputRecord> output)
    {
        uint crc = ~0u;
        Span<byte> stream = stackalloc byte[1];
        foreach (OutputRecord record in output)
        {
            stream[0] = (byte)record.Stream;
            crc = Crc32C.Append(crc, stream);
            string text = record.Text.Contains('\x1b') ? ColourCode().Replace(record.Text, "") : record.Text;
            crc = Crc32C.Append(crc, Encoding.UTF8.GetBytes(text));
        }
        return ~crc;
    }

    [GeneratedRegex("\x1b\\[[0-9;]*m")]
    private static partial Regex ColourCode();
}
