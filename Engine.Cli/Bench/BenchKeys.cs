using System.Buffers.Binary;

namespace SlateFast.Cli.Bench;

/// <summary>
/// Keys of the workloads, a pure function of (index, seed). Random keys start with an 8-byte
/// big-endian bijective hash of the index, so distinct indexes give distinct keys spread
/// uniformly over the key space, and the sort order of keys is the order of those hashes (which
/// lets a plan know the expected result of a scan without sorting byte arrays). Sequential keys
/// start with the big-endian index itself.
/// </summary>
internal static class BenchKeys
{
    public const int MinKeySize = 8;

    /// <summary>SplitMix64's finaliser: a bijection on 64-bit values with good avalanche.</summary>
    public static ulong Mix64(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9UL;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EBUL;
        return x ^ (x >> 31);
    }

    /// <summary>The leading 8 bytes of random key <paramref name="index"/> as a number (the sort key).</summary>
    public static ulong RandomPrefix(long index, ulong seed) => Mix64((ulong)index ^ seed);

    /// <summary>Writes random key <paramref name="index"/> into <paramref name="key"/> (its whole length).</summary>
    public static void Random(Span<byte> key, long index, ulong seed) => Write(key, RandomPrefix(index, seed), index);

    /// <summary>Writes sequential key <paramref name="index"/>: ascending indexes give ascending keys.</summary>
    public static void Sequential(Span<byte> key, long index) => Write(key, (ulong)index, index);

    private static void Write(Span<byte> key, ulong prefix, long index)
    {
        if (key.Length < MinKeySize)
        {
            throw new ArgumentException($"keys need at least {MinKeySize} bytes", nameof(key));
        }

        BinaryPrimitives.WriteUInt64BigEndian(key, prefix);
        var rest = key[MinKeySize..];
        rest.Clear();

        // The tail repeats the index so a key is readable in a dump; the prefix alone is unique.
        if (rest.Length >= 8)
        {
            BinaryPrimitives.WriteInt64BigEndian(rest[^8..], index);
        }
    }
}
