using System.Text;
using KenShell.Store;

namespace KenShell.Engine;

/// <summary>
/// A short digest of a turn's output (streams and text), kept in the turn's
/// log record: replaying the turn must print exactly the same, or the
/// replay has diverged from what the user saw.
/// </summary>
public static class TurnDigest
{
    public static uint Compute(IReadOnlyList<OutputRecord> output)
    {
        uint crc = ~0u;
        Span<byte> stream = stackalloc byte[1];
        foreach (OutputRecord record in output)
        {
            stream[0] = (byte)record.Stream;
            crc = Crc32C.Append(crc, stream);
            crc = Crc32C.Append(crc, Encoding.UTF8.GetBytes(record.Text));
        }
        return ~crc;
    }
}
