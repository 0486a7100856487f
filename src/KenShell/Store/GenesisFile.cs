using KenShell.Checksums;
using System.Buffers.Binary;

namespace KenShell.Store;

/// <summary>
/// <c>ken_&lt;addr&gt;_genesis</c>: what it takes to rebuild a store's very
/// first state on any engine build — the store id and the outside values
/// (PRNG seed, clock) the runtime prelude took when the store was created.
/// With it and a log kept from turn 1 (<c>--keep-log</c>), <c>--rebuild</c>
/// re-creates the heap by replay when the checkpoints were written by
/// another V8 build.
/// <code>
///  0  magic "KENGENS\n"   8  format version (u32)   12 tape length T (u32)
/// 16  store id (16)      32  tape (T bytes)          32+T  CRC32C of all before
/// </code>
/// </summary>
public sealed record GenesisFile(byte[] StoreId, byte[] Tape)
{
    private const uint FormatVersion = 1;
    private static ReadOnlySpan<byte> Magic => "KENGENS\n"u8;

    /// <summary>Writes the file durably: temp name, fsync, rename, fsync of the directory.</summary>
    public void Write(StoreLayout layout)
    {
        var bytes = new byte[32 + Tape.Length + 4];
        Magic.CopyTo(bytes);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(12), (uint)Tape.Length);
        StoreId.CopyTo(bytes, 16);
        Tape.CopyTo(bytes, 32);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(32 + Tape.Length), Crc32C.Compute(bytes.AsSpan(0, 32 + Tape.Length)));
        string tmp = layout.GenesisPath + ".tmp";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            if (FaultInjection.WriteFault(layout.GenesisPath, bytes.Length, out int prefix) is { } fault)
            {
                stream.Write(bytes.AsSpan(0, prefix));
                throw fault;
            }
            stream.Write(bytes);
            // fsync before the rename: the name must never point at data
            // that is not on disk.
            FaultInjection.BeforeSync(layout.GenesisPath);
            stream.Flush(flushToDisk: true);
        }
        Durability.RenameDurably(tmp, layout.GenesisPath);
    }

    /// <summary>Reads and checks the file. Null with a reason when it is missing or damaged.</summary>
    public static GenesisFile? Read(StoreLayout layout, out string? problem)
    {
        problem = null;
        if (!File.Exists(layout.GenesisPath)) { problem = "there is no genesis file"; return null; }
        byte[] bytes = File.ReadAllBytes(layout.GenesisPath);
        if (bytes.Length < 36 || !bytes.AsSpan(0, 8).SequenceEqual(Magic)) { problem = "the genesis file is not one"; return null; }
        int tape = (int)Math.Min(int.MaxValue, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(12)));
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)) != FormatVersion || bytes.Length != 36L + tape)
        {
            problem = "the genesis file has an unknown version or the wrong length";
            return null;
        }
        if (Crc32C.Compute(bytes.AsSpan(0, 32 + tape)) != BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(32 + tape)))
        {
            problem = "the genesis file is damaged (checksum mismatch)";
            return null;
        }
        return new GenesisFile(bytes.AsSpan(16, 16).ToArray(), bytes.AsSpan(32, tape).ToArray());
    }
}
