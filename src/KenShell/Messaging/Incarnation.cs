using System.Buffers.Binary;
using System.Security.Cryptography;

namespace KenShell.Messaging;

/// <summary>
/// A store's incarnation id: 16 random bytes chosen when the store is
/// created (the same bytes as the store id in its checkpoints and turn log).
/// A shell whose store was reset (<c>rm ken_*</c>) comes back at the same
/// address with a new incarnation, which is how its peers know that its
/// sequence numbers and acknowledgements start afresh. All zeros means
/// "unknown" on the wire and is never a real incarnation.
/// </summary>
public readonly struct Incarnation : IEquatable<Incarnation>
{
    public const int Size = 16;

    // The 16 bytes, in wire order: bytes 0..7 little-endian in _a, 8..15 in _b.
    private readonly ulong _a;
    private readonly ulong _b;

    private Incarnation(ulong a, ulong b)
    {
        _a = a;
        _b = b;
    }

    public static Incarnation Zero => default;

    public bool IsZero => (_a | _b) == 0;

    /// <summary>A fresh random incarnation (never zero).</summary>
    public static Incarnation NewRandom()
    {
        Span<byte> bytes = stackalloc byte[Size];
        Incarnation result;
        do
        {
            RandomNumberGenerator.Fill(bytes);
            result = FromBytes(bytes);
        } while (result.IsZero);
        return result;
    }

    /// <summary>The incarnation whose bytes are the first 16 of <paramref name="bytes"/>.</summary>
    public static Incarnation FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < Size) throw new ArgumentException($"an incarnation id is {Size} bytes", nameof(bytes));
        return new Incarnation(BinaryPrimitives.ReadUInt64LittleEndian(bytes), BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..]));
    }

    /// <summary>Parses the 32 hex digits that <see cref="ToString"/> writes.</summary>
    public static Incarnation Parse(string hex)
    {
        ArgumentNullException.ThrowIfNull(hex);
        if (hex.Length != Size * 2) throw new FormatException($"an incarnation id is {Size * 2} hex digits, not '{hex}'");
        return FromBytes(Convert.FromHexString(hex));
    }

    public void WriteTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(destination, _a);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[8..], _b);
    }

    public byte[] ToByteArray()
    {
        byte[] bytes = new byte[Size];
        WriteTo(bytes);
        return bytes;
    }

    public bool Equals(Incarnation other) => _a == other._a && _b == other._b;
    public override bool Equals(object? obj) => obj is Incarnation other && Equals(other);
    public override int GetHashCode() => HashCode.Combine(_a, _b);
    public static bool operator ==(Incarnation left, Incarnation right) => left.Equals(right);
    public static bool operator !=(Incarnation left, Incarnation right) => !left.Equals(right);

    /// <summary>The 16 bytes as 32 lowercase hex digits, in wire order.</summary>
    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        WriteTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }
}
