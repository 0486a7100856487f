using System.Numerics;
using System.Runtime.InteropServices;

namespace KenShell.Checksums;

/// <summary>
/// CRC32C (Castagnoli) over a buffer, computed the same way as native/src/crc32c.cc
/// (initial value ~0, final inversion). Every store record carries one.
/// </summary>
public static class Crc32C
{
    public static uint Compute(ReadOnlySpan<byte> data) => ~Append(~0u, data);

    /// <summary>Continues a running (non-inverted) CRC.</summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (ulong word in words) crc = BitOperations.Crc32C(crc, word);
        foreach (byte b in data.Slice(words.Length * sizeof(ulong))) crc = BitOperations.Crc32C(crc, b);
        return crc;
    }
}
