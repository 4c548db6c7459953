using System.Buffers.Binary;

namespace SlateFast.Manifest;

/// <summary>
/// A ULID: 128 bits, the top 48 the creation time in Unix milliseconds, the rest random. Names
/// compacted SSTs, views and compactions. Text form: 26 Crockford base32 characters, most
/// significant group first; flatbuffer form: <c>Ulid{high, low}</c>.
/// </summary>
internal readonly record struct Ulid(ulong High, ulong Low) : IComparable<Ulid>
{
    public const int TextLength = 26;
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    private const long MaxTimestamp = (1L << 48) - 1;

    /// <summary>Creation time in milliseconds since the Unix epoch.</summary>
    public long TimestampMs => (long)(High >> 16);

    public DateTimeOffset Timestamp => DateTimeOffset.FromUnixTimeMilliseconds(TimestampMs);

    /// <summary>A new ULID whose time part is <paramref name="time"/>'s now and whose other 80 bits come from <paramref name="random"/>.</summary>
    public static Ulid NewUlid(TimeProvider time, Random random) =>
        FromTimestamp(time.GetUtcNow().ToUnixTimeMilliseconds(), random);

    public static Ulid FromTimestamp(long unixMs, Random random)
    {
        if (unixMs is < 0 or > MaxTimestamp)
        {
            ThrowHelper.Invalid($"ULID timestamp {unixMs} ms is outside 0..2^48-1");
        }

        Span<byte> r = stackalloc byte[10];
        random.NextBytes(r);
        ulong high = ((ulong)unixMs << 16) | BinaryPrimitives.ReadUInt16BigEndian(r);
        return new Ulid(high, BinaryPrimitives.ReadUInt64BigEndian(r[2..]));
    }

    /// <summary>Big-endian 16-byte form.</summary>
    public void WriteBytes(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, High);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], Low);
    }

    public static Ulid FromBytes(ReadOnlySpan<byte> source) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(source), BinaryPrimitives.ReadUInt64BigEndian(source[8..]));

    public int CompareTo(Ulid other) => High != other.High ? High.CompareTo(other.High) : Low.CompareTo(other.Low);

    public static bool operator <(Ulid a, Ulid b) => a.CompareTo(b) < 0;

    public static bool operator >(Ulid a, Ulid b) => a.CompareTo(b) > 0;

    public static bool operator <=(Ulid a, Ulid b) => a.CompareTo(b) <= 0;

    public static bool operator >=(Ulid a, Ulid b) => a.CompareTo(b) >= 0;

    public override string ToString() => string.Create(TextLength, this, static (chars, u) =>
    {
        // 130 bits of text for 128 bits of value: the first character carries the top 3 bits.
        for (int i = TextLength - 1; i >= 0; i--)
        {
            int shift = 5 * (TextLength - 1 - i);
            chars[i] = Alphabet[(int)Bits5(u, shift)];
        }
    });

    public static Ulid Parse(string text) =>
        TryParse(text, out var ulid) ? ulid : ThrowHelper.Invalid<Ulid>($"not a ULID: '{text}'");

    /// <summary>Parses the 26-character form, either case; false on any other length, character or overflow.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ulid ulid)
    {
        ulid = default;
        if (text.Length != TextLength)
        {
            return false;
        }

        ulong high = 0;
        ulong low = 0;
        for (int i = 0; i < TextLength; i++)
        {
            int v = Decode(text[i]);
            if (v < 0 || (i == 0 && v > 7))
            {
                return false;
            }

            high = (high << 5) | (low >> 59);
            low = (low << 5) | (uint)v;
        }

        ulid = new Ulid(high, low);
        return true;
    }

    private static ulong Bits5(Ulid u, int shift)
    {
        if (shift >= 64)
        {
            return (u.High >> (shift - 64)) & 31;
        }

        ulong value = u.Low >> shift;
        if (shift > 59)
        {
            value |= u.High << (64 - shift);
        }

        return value & 31;
    }

    private static int Decode(char c)
    {
        if (c is >= 'a' and <= 'z')
        {
            c = (char)(c - 32);
        }

        return c < 128 ? Alphabet.IndexOf(c, StringComparison.Ordinal) : -1;
    }
}
