using System.Buffers;
using System.Buffers.Binary;

namespace SlateFast.Format;

/// <summary>
/// Collects key hashes of one SST and writes its filter payload exactly as SlateDB 0.12 does
/// (spec §5.8), so filters are byte-identical to SlateDB's for the same keys. Reusable after
/// <see cref="Reset"/>.
/// </summary>
internal sealed class BloomFilterBuilder
{
    /// <summary>SlateDB's default <c>filter_bits_per_key</c>.</summary>
    public const int DefaultBitsPerKey = 10;

    /// <summary>SlateDB's default <c>min_filter_keys</c>.</summary>
    public const int DefaultMinFilterKeys = 1000;

    private ulong[] _hashes;
    private int _count;

    /// <summary>Creates a builder with room for <paramref name="expectedKeys"/> hashes before it grows.</summary>
    public BloomFilterBuilder(int expectedKeys = 1024)
    {
        _hashes = new ulong[Math.Max(16, expectedKeys)];
    }

    /// <summary>Keys added so far, duplicates included (SlateDB counts every row).</summary>
    public int Count => _count;

    /// <summary>Adds one row's key.</summary>
    public void Add(ReadOnlySpan<byte> key) => AddHash(SipHash13.Hash(key));

    /// <summary>Adds one row's key by its <see cref="SipHash13.Hash(ReadOnlySpan{byte})"/>.</summary>
    public void AddHash(ulong hash)
    {
        if (_count == _hashes.Length)
        {
            Array.Resize(ref _hashes, checked(_hashes.Length * 2));
        }

        _hashes[_count++] = hash;
    }

    /// <summary>Forgets the added keys, keeping the storage for the next SST.</summary>
    public void Reset() => _count = 0;

    /// <summary>Payload length for the keys added so far.</summary>
    public int GetEncodedLength(int bitsPerKey) => EncodedLength(_count, bitsPerKey);

    /// <summary>Writes the payload for the keys added so far into <paramref name="output"/>.</summary>
    public void Build(int bitsPerKey, IBufferWriter<byte> output)
    {
        int length = EncodedLength(_count, bitsPerKey);
        Span<byte> destination = output.GetSpan(length).Slice(0, length);
        Build(_hashes.AsSpan(0, _count), bitsPerKey, destination);
        output.Advance(length);
    }

    /// <summary>
    /// Whether an SST of <paramref name="rowCount"/> rows gets a filter: SlateDB writes one only
    /// for compacted SSTs with at least <c>min_filter_keys</c> rows (never for WAL SSTs).
    /// </summary>
    public static bool ShouldBuild(long rowCount, int minFilterKeys) => rowCount > 0 && rowCount >= minFilterKeys;

    /// <summary>Probes per key: <c>floor((float)bitsPerKey * 0.69f)</c>, computed in single precision like SlateDB.</summary>
    public static int ProbeCount(int bitsPerKey) => (int)(float)(bitsPerKey * 0.69f);

    /// <summary>Payload length: 2 + <c>ceil(rowCount * bitsPerKey / 8)</c>.</summary>
    public static int EncodedLength(long rowCount, int bitsPerKey)
    {
        int probes = ProbeCount(bitsPerKey);
        if (bitsPerKey <= 0 || probes is < 1 or > BloomFilter.MaxProbes)
        {
            ThrowHelper.Invalid($"bloom filter bits per key must give 1..{BloomFilter.MaxProbes} probes (2..371); got {bitsPerKey}");
        }

        if (rowCount <= 0)
        {
            ThrowHelper.Invalid($"a bloom filter needs at least one key; got {rowCount}");
        }

        long bytes = ((rowCount * bitsPerKey) + 7) / 8;
        if (bytes > Array.MaxLength - BloomFilter.HeaderLength)
        {
            ThrowHelper.Invalid($"a bloom filter for {rowCount} keys at {bitsPerKey} bits per key would exceed {Array.MaxLength} bytes");
        }

        return (int)bytes + BloomFilter.HeaderLength;
    }

    /// <summary>Writes the payload for <paramref name="hashes"/> into exactly <see cref="EncodedLength"/> bytes.</summary>
    public static void Build(ReadOnlySpan<ulong> hashes, int bitsPerKey, Span<byte> destination)
    {
        int length = EncodedLength(hashes.Length, bitsPerKey);
        if (destination.Length != length)
        {
            ThrowHelper.Invalid($"bloom filter destination is {destination.Length} bytes; the filter needs {length}");
        }

        int numProbes = ProbeCount(bitsPerKey);
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)numProbes);
        Span<byte> bits = destination.Slice(BloomFilter.HeaderLength);
        bits.Clear();
        ulong bitCount = (ulong)bits.Length * 8;

        foreach (ulong hash in hashes)
        {
            ulong h = BloomFilter.FirstProbe(hash, bitCount, out ulong delta);
            for (int i = 0; i < numProbes; i++)
            {
                delta = BloomFilter.AddMod(delta, (ulong)i, bitCount);
                bits[(int)(h >> 3)] |= (byte)(1 << (int)(h & 7));
                h = BloomFilter.AddMod(h, delta, bitCount);
            }
        }
    }
}
