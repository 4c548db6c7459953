using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SlateFast.Format;

/// <summary>
/// SipHash-1-3 (one compression round, three finalization rounds), the key hash of SlateDB's bloom
/// filters: Rust siphasher 1.0 <c>SipHasher13::new().hash(bytes)</c>, i.e. key (0, 0) over the raw
/// bytes with no length prefix.
/// </summary>
internal static class SipHash13
{
    /// <summary>The hash with key (0, 0), as SlateDB's filters use it.</summary>
    public static ulong Hash(ReadOnlySpan<byte> data) => Hash(0, 0, data);

    /// <summary>The hash with key (<paramref name="k0"/>, <paramref name="k1"/>).</summary>
    public static ulong Hash(ulong k0, ulong k1, ReadOnlySpan<byte> data)
    {
        ulong v0 = k0 ^ 0x736F6D6570736575UL;
        ulong v1 = k1 ^ 0x646F72616E646F6DUL;
        ulong v2 = k0 ^ 0x6C7967656E657261UL;
        ulong v3 = k1 ^ 0x7465646279746573UL;

        int whole = data.Length & ~7;
        for (int i = 0; i < whole; i += 8)
        {
            ulong m = BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(i, 8));
            v3 ^= m;
            Round(ref v0, ref v1, ref v2, ref v3);
            v0 ^= m;
        }

        // The last word carries the leftover bytes and the length's low byte in its top byte.
        ulong last = (ulong)data.Length << 56;
        ReadOnlySpan<byte> tail = data.Slice(whole);
        for (int i = 0; i < tail.Length; i++)
        {
            last |= (ulong)tail[i] << (8 * i);
        }

        v3 ^= last;
        Round(ref v0, ref v1, ref v2, ref v3);
        v0 ^= last;

        v2 ^= 0xFF;
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        Round(ref v0, ref v1, ref v2, ref v3);
        return v0 ^ v1 ^ v2 ^ v3;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref ulong v0, ref ulong v1, ref ulong v2, ref ulong v3)
    {
        v0 += v1;
        v1 = BitOperations.RotateLeft(v1, 13);
        v1 ^= v0;
        v0 = BitOperations.RotateLeft(v0, 32);
        v2 += v3;
        v3 = BitOperations.RotateLeft(v3, 16);
        v3 ^= v2;
        v0 += v3;
        v3 = BitOperations.RotateLeft(v3, 21);
        v3 ^= v0;
        v2 += v1;
        v1 = BitOperations.RotateLeft(v1, 17);
        v1 ^= v2;
        v2 = BitOperations.RotateLeft(v2, 32);
    }
}
