using System.Buffers;
using System.Buffers.Binary;
using SlateFast.Format;
using SlateFast.Fuzz.Seeds;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using Xunit.Abstractions;

namespace SlateFast.Tests.Security;

/// <summary>
/// Decoders never trust a length or offset before checking it against the bytes they have: every
/// 2-, 4- and 8-byte field of real manifests and SSTs, overwritten with values claiming gigabytes
/// (or pointing back at the start, which makes flatbuffer offsets cyclic), decodes or fails with
/// <see cref="ErrorKind.Data"/>, and no attempt allocates more than a small multiple of the input.
/// </summary>
public sealed class HostileInputTests(ITestOutputHelper output)
{
    // Large claims, cycles back to the start of the buffer, and negative soffsets (flatbuffer vtables).
    private static readonly ulong[] Claims = [0, 4, 0x7FFF_FFFF, 0xFFFF_FFFF, 0x8000_0000, 0xFFFF_FFFC, 0x3FFF_FFFF_FFFF_FFFF, ulong.MaxValue, 1UL << 40];

    private static IEnumerable<byte[]> Mutations(byte[] input)
    {
        for (var at = 0; at < input.Length; at++)
        {
            foreach (var width in new[] { 2, 4, 8 })
            {
                if (at + width > input.Length)
                {
                    continue;
                }

                foreach (var claim in Claims)
                {
                    foreach (var bigEndian in new[] { true, false })
                    {
                        var copy = (byte[])input.Clone();
                        var span = copy.AsSpan(at, width);
                        switch (width)
                        {
                            case 2 when bigEndian: BinaryPrimitives.WriteUInt16BigEndian(span, (ushort)claim); break;
                            case 2: BinaryPrimitives.WriteUInt16LittleEndian(span, (ushort)claim); break;
                            case 4 when bigEndian: BinaryPrimitives.WriteUInt32BigEndian(span, (uint)claim); break;
                            case 4: BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)claim); break;
                            case 8 when bigEndian: BinaryPrimitives.WriteUInt64BigEndian(span, claim); break;
                            default: BinaryPrimitives.WriteUInt64LittleEndian(span, claim); break;
                        }

                        yield return copy;
                    }
                }
            }
        }
    }

    /// <summary>Runs <paramref name="decode"/> on every mutation; returns (inputs, rejected, peak bytes allocated by one).</summary>
    private static (int Inputs, int Rejected, long PeakAllocated) Attack(byte[] input, Action<byte[]> decode, long bound)
    {
        int inputs = 0, rejected = 0;
        long peak = 0;
        foreach (var hostile in Mutations(input))
        {
            inputs++;
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                decode(hostile);
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
            {
                rejected++;
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            peak = Math.Max(peak, allocated);
            Assert.True(allocated <= bound, $"decoding a {hostile.Length}-byte input allocated {allocated} bytes (bound {bound})");
        }

        return (inputs, rejected, peak);
    }

    [Fact]
    public void Manifests_with_any_field_claiming_gigabytes_or_cyclic_offsets_are_data_errors_in_bounded_memory()
    {
        var manifest = ManifestCodec.Encode(ManifestSamples.Rich());
        var (inputs, rejected, peak) = Attack(manifest, bytes => ManifestCodec.Decode(bytes), bound: 64 * manifest.Length + (256 * 1024));
        output.WriteLine($"manifest of {manifest.Length} bytes: {inputs} hostile inputs, {rejected} rejected as Data, peak {peak} bytes allocated by one decode");
        Assert.True(rejected > 0);
    }

    [Fact]
    public void Ssts_whose_footer_info_index_or_blocks_claim_gigabytes_are_data_errors_in_bounded_memory()
    {
        var sst = SstSamples.Ssts().First(s => s.Length is > 500 and < 4000);
        var store = new InMemoryObjectStore();
        var (inputs, rejected, peak) = Attack(sst, bytes =>
        {
            store.PutAsync("x.sst", bytes).AsTask().GetAwaiter().GetResult();
            var file = SstFile.OpenAsync(store, "x.sst").AsTask().GetAwaiter().GetResult();
            for (var b = 0; b < file.BlockCount; b++)
            {
                file.ReadBlockAsync(b).AsTask().GetAwaiter().GetResult();
            }
        }, bound: 64 * sst.Length + (1024 * 1024));
        output.WriteLine($"SST of {sst.Length} bytes: {inputs} hostile inputs, {rejected} rejected as Data, peak {peak} bytes allocated by one open");
        Assert.True(rejected > 0);
    }

    [Theory]
    [InlineData(CompressionCodec.Snappy)]
    [InlineData(CompressionCodec.Zlib)]
    [InlineData(CompressionCodec.Lz4)]
    [InlineData(CompressionCodec.Zstd)]
    public void A_compressed_block_inflating_past_its_limit_is_a_data_error_without_inflating_it(CompressionCodec codec)
    {
        // 16 MiB of zeros compresses to a few KiB: a decompression bomb against a 64 KiB block limit.
        var bomb = new ArrayBufferWriter<byte>();
        Compression.Compress(codec, new byte[16 * 1024 * 1024], bomb);
        var input = bomb.WrittenMemory.ToArray();
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<SlateFastException>(() => Compression.Decompress(codec, input, 64 * 1024, new ArrayBufferWriter<byte>()));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        output.WriteLine($"{codec}: {input.Length} compressed bytes claiming 16 MiB: {e.Message}; {allocated} bytes allocated");
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.True(allocated < 1024 * 1024, $"{allocated} bytes allocated");
    }

    [Fact]
    public async Task An_sst_footer_pointing_a_terabyte_past_the_object_is_refused_without_a_huge_buffer()
    {
        // An SST whose footer points its metadata beyond the object: the reader asks only for what exists.
        var store = new InMemoryObjectStore();
        var sst = SstSamples.Ssts().First();
        var hostile = (byte[])sst.Clone();
        BinaryPrimitives.WriteUInt64BigEndian(hostile.AsSpan(hostile.Length - 10), 1UL << 40);
        await store.PutAsync("big.sst", hostile);
        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await SstFile.OpenAsync(store, "big.sst"));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024);
    }
}
