using System.Runtime.CompilerServices;

namespace SlateFast.Format;

/// <summary>
/// Unsigned LEB128 for u32 values (spec §1): 7 bits per byte, least significant group first, high
/// bit set on every byte but the last. Used by V2 rows for shared/unshared/value lengths.
/// </summary>
internal static class Varint
{
    /// <summary>The longest encoding of a u32.</summary>
    public const int MaxLength = 5;

    /// <summary>Bytes needed to encode <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Size(uint value)
    {
        // 1 + floor(bits / 7) without a loop; (value | 1) keeps Log2 defined for 0.
        int bits = 32 - System.Numerics.BitOperations.LeadingZeroCount(value | 1);
        return (bits + 6) / 7;
    }

    /// <summary>Writes <paramref name="value"/> at the start of <paramref name="dest"/>; returns the bytes written.</summary>
    /// <exception cref="SlateFastException">Invalid when <paramref name="dest"/> is too short.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Write(Span<byte> dest, uint value)
    {
        if (value < 0x80 && dest.Length > 0)
        {
            dest[0] = (byte)value;
            return 1;
        }

        return WriteSlow(dest, value);
    }

    private static int WriteSlow(Span<byte> dest, uint value)
    {
        if (dest.Length < Size(value))
        {
            ThrowHelper.Invalid("destination too short for varint");
        }

        int i = 0;
        while (value >= 0x80)
        {
            dest[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        dest[i++] = (byte)value;
        return i;
    }

    /// <summary>
    /// Reads a varint at <paramref name="pos"/> and advances it. Truncated input, more than five bytes
    /// or a value above <see cref="uint.MaxValue"/> is an <see cref="ErrorKind.Data"/> error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Read(ReadOnlySpan<byte> src, ref int pos)
    {
        if ((uint)pos < (uint)src.Length)
        {
            byte b = src[pos];
            if (b < 0x80)
            {
                pos++;
                return b;
            }
        }

        return ReadSlow(src, ref pos);
    }

    private static uint ReadSlow(ReadOnlySpan<byte> src, ref int pos)
    {
        if (!TryRead(src[Math.Min(pos, src.Length)..], out uint value, out int length))
        {
            ThrowHelper.Data(length == 0 ? "varint truncated" : "varint overflows u32");
        }

        pos += length;
        return value;
    }

    /// <summary>
    /// Reads a varint at the start of <paramref name="src"/>. Returns false on corrupt input with
    /// <paramref name="length"/> 0 for truncation and -1 for overflow.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> src, out uint value, out int length)
    {
        uint result = 0;
        int limit = Math.Min(src.Length, MaxLength);
        for (int i = 0; i < limit; i++)
        {
            byte b = src[i];
            if (i == MaxLength - 1 && b > 0x0F)
            {
                // The fifth byte may carry only the top 4 bits and must end the varint.
                value = 0;
                length = -1;
                return false;
            }

            result |= (uint)(b & 0x7F) << (7 * i);
            if (b < 0x80)
            {
                value = result;
                length = i + 1;
                return true;
            }
        }

        value = 0;
        length = 0;
        return false;
    }
}
