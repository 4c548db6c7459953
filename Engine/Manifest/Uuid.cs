using System.Buffers.Binary;
using System.Globalization;

namespace SlateFast.Manifest;

/// <summary>
/// A UUID (checkpoint ids). <see cref="High"/> is bytes 0..7 and <see cref="Low"/> bytes 8..15,
/// each read big-endian, so the canonical text is the hex of High then Low.
/// </summary>
internal readonly record struct Uuid(ulong High, ulong Low)
{
    /// <summary>A random version-4 UUID (version nibble 4, variant bits 10).</summary>
    public static Uuid NewV4(Random random)
    {
        Span<byte> b = stackalloc byte[16];
        random.NextBytes(b);
        b[6] = (byte)((b[6] & 0x0F) | 0x40);
        b[8] = (byte)((b[8] & 0x3F) | 0x80);
        return FromBytes(b);
    }

    public static Uuid FromBytes(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));

    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    /// <summary>Lower-case <c>8-4-4-4-12</c> form.</summary>
    public override string ToString()
    {
        string h = High.ToString("x16", CultureInfo.InvariantCulture);
        string l = Low.ToString("x16", CultureInfo.InvariantCulture);
        return $"{h[..8]}-{h[8..12]}-{h[12..]}-{l[..4]}-{l[4..]}";
    }

    public static Uuid Parse(string text) =>
        TryParse(text, out var uuid) ? uuid : ThrowHelper.Invalid<Uuid>($"not a UUID: '{text}'");

    /// <summary>Accepts the hyphenated form or 32 bare hex digits, either case.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Uuid uuid)
    {
        uuid = default;
        Span<char> hex = stackalloc char[32];
        int n = 0;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '-' && text.Length == 36 && i is 8 or 13 or 18 or 23)
            {
                continue;
            }

            if (n == 32 || !char.IsAsciiHexDigit(c))
            {
                return false;
            }

            hex[n++] = c;
        }

        if (n != 32 || (text.Length != 32 && text.Length != 36))
        {
            return false;
        }

        uuid = new Uuid(
            ulong.Parse(hex[..16], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture),
            ulong.Parse(hex[16..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
        return true;
    }
}
