using System.Buffers.Binary;
using System.Runtime.CompilerServices;

namespace SlateFast.Format;

/// <summary>
/// Reader of a SlateDB bloom filter section payload (spec §5.8): <c>u16 BE num_probes</c> then the
/// bit array. Probing allocates nothing; the struct only wraps the caller's memory.
/// </summary>
/// <remarks>
/// Probe positions use enhanced double hashing on SipHash-1-3 of the key: with <c>n</c> bits,
/// <c>h = low32 mod n</c>, <c>delta = high32 mod n</c>, and for probe <c>i</c>:
/// <c>delta = (delta + i) mod n</c>, test bit <c>h</c>, then <c>h = (h + delta) mod n</c>.
/// Bit <c>b</c> is bit <c>b % 8</c> (LSB first) of byte <c>b / 8</c>.
/// </remarks>
internal readonly struct BloomFilter
{
    /// <summary>Bytes before the bit array.</summary>
    public const int HeaderLength = 2;

    /// <summary>
    /// Largest probe count accepted. SlateDB derives it as 0.69 per bit per key, so this allows
    /// 371 bits per key, far beyond any sane setting, while bounding the work per probe of a
    /// corrupt filter.
    /// </summary>
    public const int MaxProbes = 256;

    private readonly ReadOnlyMemory<byte> _bits;
    private readonly ulong _bitCount;

    private BloomFilter(ReadOnlyMemory<byte> bits, int numProbes)
    {
        _bits = bits;
        _bitCount = (ulong)bits.Length * 8;
        NumProbes = numProbes;
    }

    /// <summary>Probes per key.</summary>
    public int NumProbes { get; }

    /// <summary>Size of the bit array in bits.</summary>
    public ulong BitCount => _bitCount;

    /// <summary>
    /// Wraps a filter payload (decompressed, CRC already checked and stripped). Throws
    /// <see cref="ErrorKind.Data"/> when the payload cannot be a filter.
    /// </summary>
    public static BloomFilter Parse(ReadOnlyMemory<byte> payload)
    {
        int numProbes = Validate(payload.Span);
        return new BloomFilter(payload.Slice(HeaderLength), numProbes);
    }

    /// <summary>True unless the key is certainly absent.</summary>
    public bool MightContain(ReadOnlySpan<byte> key) => MightContain(SipHash13.Hash(key));

    /// <summary>True unless the key whose <see cref="SipHash13.Hash(ReadOnlySpan{byte})"/> is <paramref name="hash"/> is certainly absent.</summary>
    public bool MightContain(ulong hash) =>
        // A default instance wraps nothing; it must not rule anything out.
        _bitCount == 0 || Probe(_bits.Span, _bitCount, NumProbes, hash);

    /// <summary>Checks and probes a raw payload in one step, for callers that keep no parsed filter.</summary>
    public static bool MightContain(ReadOnlySpan<byte> payload, ulong hash)
    {
        int numProbes = Validate(payload);
        ReadOnlySpan<byte> bits = payload.Slice(HeaderLength);
        return Probe(bits, (ulong)bits.Length * 8, numProbes, hash);
    }

    /// <summary>The probe count of a well-formed payload; <see cref="ErrorKind.Data"/> otherwise.</summary>
    public static int Validate(ReadOnlySpan<byte> payload)
    {
        if (payload.Length <= HeaderLength)
        {
            ThrowHelper.Data($"bloom filter is {payload.Length} bytes; it needs a 2-byte probe count and at least one byte of bits");
        }

        int numProbes = BinaryPrimitives.ReadUInt16BigEndian(payload);
        if (numProbes is 0 or > MaxProbes)
        {
            ThrowHelper.Data($"bloom filter has {numProbes} probes per key; expected 1..{MaxProbes}");
        }

        return numProbes;
    }

    /// <summary>First probe bit and initial delta of a hash; shared by reader and builder so both walk the same bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong FirstProbe(ulong hash, ulong bitCount, out ulong delta)
    {
        delta = (hash >> 32) % bitCount;
        return (hash & 0xFFFFFFFFUL) % bitCount;
    }

    /// <summary>
    /// <c>(a + b) mod m</c> for <c>a &lt; m</c> and <c>b &lt; max(m, MaxProbes)</c>, by subtraction: a 64-bit
    /// division per probe would cost more than the rest of the probe.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ulong AddMod(ulong a, ulong b, ulong m)
    {
        ulong sum = a + b;
        while (sum >= m)
        {
            sum -= m;
        }

        return sum;
    }

    private static bool Probe(ReadOnlySpan<byte> bits, ulong bitCount, int numProbes, ulong hash)
    {
        ulong h = FirstProbe(hash, bitCount, out ulong delta);
        for (int i = 0; i < numProbes; i++)
        {
            delta = AddMod(delta, (ulong)i, bitCount);
            if ((bits[(int)(h >> 3)] & (1 << (int)(h & 7))) == 0)
            {
                return false;
            }

            h = AddMod(h, delta, bitCount);
        }

        return true;
    }
}
