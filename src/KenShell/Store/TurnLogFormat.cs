using KenShell.Checksums;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace KenShell.Store;

/// <summary>
/// The turn log's on-disk format. The log is a sequence of segment files
/// <c>ken_&lt;addr&gt;_log_&lt;firstTurn&gt;</c>; each is a segment header followed
/// by records, one per committed turn, with consecutive turn numbers within
/// a segment and from one segment to the next. All integers little-endian.
///
/// Segment header, 48 bytes:
/// <code>
///   0  8  magic "KENTLOG\n"
///   8  4  u32 format version (1)
///  12  4  u32 header size (48)
///  16 16  store id (the same 16 bytes as in the store's checkpoints)
///  32  8  u64 first turn: the turn of the segment's first record (= the number in the file name)
///  40  4  u32 reserved, 0
///  44  4  u32 CRC32C of bytes 0..43
/// </code>
///
/// Record, a 24-byte header then P payload bytes:
/// <code>
///   0  4  magic "KREC"
///   4  4  u32 payload length P (16 &lt;= P &lt;= 256 MiB)
///   8  8  u64 turn
///  16  4  u32 header CRC32C of bytes 0..15 (magic, length, turn)
///  20  4  u32 record CRC32C of bytes 8..15 (the turn) followed by the P payload bytes
///  24  P  payload
/// </code>
/// The header has its own CRC so that a damaged length is recognised as
/// damage before it is trusted: without it, a bit flip that made a middle
/// record's length reach past the end of the file would look exactly like
/// a torn tail.
///
/// Payload, P = 16 + S + T (+ 8) bytes:
/// <code>
///   0  1  status (opaque to the log)
///   1  1  source encoding: 0 = UTF-8; 1 = UTF-16LE, used only for a source with
///         unpaired surrogates, which UTF-8 cannot carry (JavaScript strings can)
///   2  1  extensions: bit 0 = an 8-byte commit time follows the tape (records
///         written before the history existed have 0 here and no time)
///   3  1  reserved, 0
///   4  4  u32 output digest
///   8  4  u32 source byte count S
///  12  S  source
/// 12+S 4  u32 tape byte count T
/// 16+S T  tape
/// 16+S+T 8  i64 commit time, Unix milliseconds (only with extension bit 0)
/// </code>
/// </summary>
public static class TurnLogFormat
{
    public const uint FormatVersion = 1;
    public const int SegmentHeaderSize = 48;
    public const int RecordHeaderSize = 24;
    public const int MinPayloadLength = 16;
    public const int MaxPayloadLength = 256 << 20;
    public const int StoreIdSize = 16;

    public static ReadOnlySpan<byte> SegmentMagic => "KENTLOG\n"u8;
    public static ReadOnlySpan<byte> RecordMagic => "KREC"u8;

    private const byte HasTime = 1;
    private const int TimeSize = 8;

    private const byte SourceUtf8 = 0;
    private const byte SourceUtf16 = 1;

    public static void WriteSegmentHeader(Span<byte> destination, ReadOnlySpan<byte> storeId, ulong firstTurn)
    {
        if (storeId.Length != StoreIdSize) throw new ArgumentException($"a store id is {StoreIdSize} bytes", nameof(storeId));
        Span<byte> h = destination[..SegmentHeaderSize];
        h.Clear();
        SegmentMagic.CopyTo(h);
        BinaryPrimitives.WriteUInt32LittleEndian(h[8..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(h[12..], SegmentHeaderSize);
        storeId.CopyTo(h[16..]);
        BinaryPrimitives.WriteUInt64LittleEndian(h[32..], firstTurn);
        BinaryPrimitives.WriteUInt32LittleEndian(h[44..], Crc32C.Compute(h[..44]));
    }

    /// <summary>Checks a segment header. Returns why it is bad, or null.</summary>
    public static string? CheckSegmentHeader(ReadOnlySpan<byte> header, out ulong firstTurn, out byte[] storeId)
    {
        firstTurn = 0;
        storeId = [];
        if (header.Length < SegmentHeaderSize) return $"segment header incomplete ({header.Length} of {SegmentHeaderSize} bytes)";
        if (!header[..8].SequenceEqual(SegmentMagic)) return "not a turn-log segment (bad magic in the segment header)";
        if (Crc32C.Compute(header[..44]) != BinaryPrimitives.ReadUInt32LittleEndian(header[44..]))
            return "segment header checksum mismatch";
        uint version = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
        if (version != FormatVersion) return $"unknown turn-log format version {version} (this kenshell reads version {FormatVersion})";
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(header[12..]);
        if (size != SegmentHeaderSize) return $"unexpected segment header size {size}";
        storeId = header.Slice(16, StoreIdSize).ToArray();
        firstTurn = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        return null;
    }

    /// <summary>Bytes <paramref name="record"/> takes on disk, header included; the source's encoding is decided here too.</summary>
    public static long EncodedSize(TurnRecord record, out int sourceBytes, out bool utf16)
    {
        utf16 = !IsWellFormed(record.Source);
        sourceBytes = utf16 ? checked(record.Source.Length * 2) : Encoding.UTF8.GetByteCount(record.Source);
        return RecordHeaderSize + (long)MinPayloadLength + sourceBytes + record.Tape.LongLength + (record.TimeMs != 0 ? TimeSize : 0);
    }

    /// <summary>Writes a record (size from <see cref="EncodedSize"/>) to the start of <paramref name="destination"/>.</summary>
    public static void WriteRecord(Span<byte> destination, TurnRecord record, int sourceBytes, bool utf16)
    {
        int payloadLength = MinPayloadLength + sourceBytes + record.Tape.Length + (record.TimeMs != 0 ? TimeSize : 0);
        Span<byte> r = destination[..(RecordHeaderSize + payloadLength)];
        Span<byte> p = r[RecordHeaderSize..];
        p[0] = record.Status;
        p[1] = utf16 ? SourceUtf16 : SourceUtf8;
        p[2] = record.TimeMs != 0 ? HasTime : (byte)0;
        p[3] = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(p[4..], record.OutputDigest);
        BinaryPrimitives.WriteUInt32LittleEndian(p[8..], (uint)sourceBytes);
        Span<byte> source = p.Slice(12, sourceBytes);
        if (utf16) WriteUtf16(record.Source, source);
        else Encoding.UTF8.GetBytes(record.Source, source);
        BinaryPrimitives.WriteUInt32LittleEndian(p[(12 + sourceBytes)..], (uint)record.Tape.Length);
        record.Tape.CopyTo(p[(16 + sourceBytes)..]);
        if (record.TimeMs != 0) BinaryPrimitives.WriteInt64LittleEndian(p[(16 + sourceBytes + record.Tape.Length)..], record.TimeMs);

        RecordMagic.CopyTo(r);
        BinaryPrimitives.WriteUInt32LittleEndian(r[4..], (uint)payloadLength);
        BinaryPrimitives.WriteUInt64LittleEndian(r[8..], record.Turn);
        BinaryPrimitives.WriteUInt32LittleEndian(r[16..], Crc32C.Compute(r[..16]));
        BinaryPrimitives.WriteUInt32LittleEndian(r[20..], BodyCrc(r.Slice(8, 8), p));
    }

    /// <summary>
    /// Checks a record header (the first <see cref="RecordHeaderSize"/> bytes
    /// of <paramref name="header"/>). Returns why it is bad, or null.
    /// </summary>
    public static string? CheckRecordHeader(ReadOnlySpan<byte> header, out int payloadLength, out ulong turn, out uint bodyCrc)
    {
        payloadLength = 0;
        turn = 0;
        bodyCrc = 0;
        if (header.Length < RecordHeaderSize) return $"record header incomplete ({header.Length} of {RecordHeaderSize} bytes)";
        if (!header[..4].SequenceEqual(RecordMagic)) return "bad record magic";
        if (Crc32C.Compute(header[..16]) != BinaryPrimitives.ReadUInt32LittleEndian(header[16..]))
            return "record header checksum mismatch";
        uint length = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        turn = BinaryPrimitives.ReadUInt64LittleEndian(header[8..]);
        if (length is < MinPayloadLength or > MaxPayloadLength)
            return $"record payload length {length} out of bounds ({MinPayloadLength}..{MaxPayloadLength})";
        payloadLength = (int)length;
        bodyCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[20..]);
        return null;
    }

    /// <summary>The record CRC: the turn's 8 bytes, then the payload.</summary>
    public static uint BodyCrc(ReadOnlySpan<byte> turnBytes, ReadOnlySpan<byte> payload) =>
        ~Crc32C.Append(Crc32C.Append(~0u, turnBytes), payload);

    /// <summary>
    /// Decodes a payload whose CRC already matched. Returns null with a reason
    /// when its inner structure is inconsistent (a writer bug or a format
    /// mismatch, since the bytes are the ones that were written).
    /// </summary>
    public static TurnRecord? DecodePayload(ulong turn, ReadOnlySpan<byte> payload, out string? problem)
    {
        problem = null;
        if (payload.Length < MinPayloadLength) { problem = "payload too short"; return null; }
        byte encoding = payload[1];
        if (encoding is not (SourceUtf8 or SourceUtf16)) { problem = $"unknown source encoding {encoding}"; return null; }
        uint sourceBytes = BinaryPrimitives.ReadUInt32LittleEndian(payload[8..]);
        if (sourceBytes > (uint)(payload.Length - MinPayloadLength)) { problem = $"source length {sourceBytes} exceeds the payload"; return null; }
        int s = (int)sourceBytes;
        uint tapeBytes = BinaryPrimitives.ReadUInt32LittleEndian(payload[(12 + s)..]);
        bool hasTime = (payload[2] & HasTime) != 0;
        if ((long)MinPayloadLength + s + tapeBytes + (hasTime ? TimeSize : 0) != payload.Length)
        {
            problem = $"source ({s}) and tape ({tapeBytes}) lengths do not add up to the payload length {payload.Length}";
            return null;
        }
        ReadOnlySpan<byte> sourceSpan = payload.Slice(12, s);
        string source;
        if (encoding == SourceUtf16)
        {
            if (s % 2 != 0) { problem = "odd byte count for a UTF-16 source"; return null; }
            source = ReadUtf16(sourceSpan);
        }
        else
        {
            if (!Utf8.IsValid(sourceSpan)) { problem = "source is not valid UTF-8"; return null; }
            source = Encoding.UTF8.GetString(sourceSpan);
        }
        long time = hasTime ? BinaryPrimitives.ReadInt64LittleEndian(payload[(16 + s + (int)tapeBytes)..]) : 0;
        return new TurnRecord(turn, source, payload.Slice(16 + s, (int)tapeBytes).ToArray(),
            BinaryPrimitives.ReadUInt32LittleEndian(payload[4..]), payload[0], time);
    }

    /// <summary>True when the string has no unpaired surrogate, i.e. UTF-8 round-trips it.</summary>
    private static bool IsWellFormed(ReadOnlySpan<char> s)
    {
        int i = s.IndexOfAnyInRange('\uD800', '\uDFFF');
        if (i < 0) return true;
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (!char.IsSurrogate(c)) continue;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) { i++; continue; }
            return false;
        }
        return true;
    }

    private static void WriteUtf16(string source, Span<byte> destination)
    {
        if (BitConverter.IsLittleEndian)
        {
            MemoryMarshal.AsBytes(source.AsSpan()).CopyTo(destination);
            return;
        }
        for (int i = 0; i < source.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(destination[(2 * i)..], source[i]);
    }

    private static string ReadUtf16(ReadOnlySpan<byte> bytes)
    {
        if (BitConverter.IsLittleEndian) return new string(MemoryMarshal.Cast<byte, char>(bytes));
        var chars = new char[bytes.Length / 2];
        for (int i = 0; i < chars.Length; i++) chars[i] = (char)BinaryPrimitives.ReadUInt16LittleEndian(bytes[(2 * i)..]);
        return new string(chars);
    }
}
