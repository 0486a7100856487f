using KenShell.Checksums;
using System.Buffers.Binary;
using System.Text;

namespace KenShell.Store;

/// <summary>
/// The fixed 256-byte header of a checkpoint file, as written by the native
/// checkpoint child (native/src/checkpoint_format.h, which is authoritative):
/// <code>
///   0  magic "KENCKPT\n"        8  format version (u32)   12 header size (u32)
///  16  turn (u64)              24  blob size (u64)        32 blob CRC32C (u32)
///  36  host-function count     40  store id (16 bytes)    56 engine id (128 bytes, NUL-padded)
/// 252  header CRC32C over bytes 0..251
/// </code>
/// </summary>
public sealed record CheckpointHeader(
    uint FormatVersion,
    ulong Turn,
    ulong BlobSize,
    uint BlobCrc,
    uint HostFunctionCount,
    byte[] StoreId,
    string Engine)
{
    public const int Size = 256;
    public const uint CurrentFormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "KENCKPT\n"u8;

    /// <summary>Parses and checks a header. Returns null with a reason when it is not a good one.</summary>
    public static CheckpointHeader? TryParse(ReadOnlySpan<byte> bytes, out string? problem)
    {
        problem = null;
        if (bytes.Length < Size) { problem = $"file too short for a checkpoint header ({bytes.Length} bytes)"; return null; }
        if (!bytes[..8].SequenceEqual(Magic)) { problem = "not a checkpoint file (bad magic)"; return null; }
        uint storedCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(252, 4));
        if (Crc32C.Compute(bytes[..252]) != storedCrc) { problem = "header checksum mismatch"; return null; }
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(8, 4));
        if (version != CurrentFormatVersion) { problem = $"unknown checkpoint format version {version}"; return null; }
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(12, 4)) != Size) { problem = "unexpected header size"; return null; }
        ReadOnlySpan<byte> engine = bytes.Slice(56, 128);
        int nul = engine.IndexOf((byte)0);
        return new CheckpointHeader(
            version,
            BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(16, 8)),
            BinaryPrimitives.ReadUInt64LittleEndian(bytes.Slice(24, 8)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(32, 4)),
            BinaryPrimitives.ReadUInt32LittleEndian(bytes.Slice(36, 4)),
            bytes.Slice(40, 16).ToArray(),
            Encoding.UTF8.GetString(nul < 0 ? engine : engine[..nul]));
    }

    /// <summary>Serializes a header (used by tests that forge files; the shell never writes one itself).</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[Size];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), Size);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(16), Turn);
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(24), BlobSize);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32), BlobCrc);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(36), HostFunctionCount);
        StoreId.CopyTo(bytes.AsSpan(40, 16));
        Encoding.UTF8.GetBytes(Engine).AsSpan(0, Math.Min(127, Encoding.UTF8.GetByteCount(Engine))).CopyTo(bytes.AsSpan(56));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(252), Crc32C.Compute(bytes.AsSpan(0, 252)));
        return bytes;
    }
}
