using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using SlateFast.Format;
using Xunit.Abstractions;

namespace SlateFast.Tests.Format;

public sealed class CompressionTests(ITestOutputHelper output)
{
    public static TheoryData<CompressionCodec> Codecs => new()
    {
        CompressionCodec.None, CompressionCodec.Snappy, CompressionCodec.Zlib, CompressionCodec.Lz4, CompressionCodec.Zstd,
    };

    public static TheoryData<CompressionCodec> RealCodecs => new()
    {
        CompressionCodec.Snappy, CompressionCodec.Zlib, CompressionCodec.Lz4, CompressionCodec.Zstd,
    };

    [Fact]
    public void Codec_values_are_slatedb_compression_format_numbers()
    {
        Assert.Equal(0, (int)CompressionCodec.None);
        Assert.Equal(1, (int)CompressionCodec.Snappy);
        Assert.Equal(2, (int)CompressionCodec.Zlib);
        Assert.Equal(3, (int)CompressionCodec.Lz4);
        Assert.Equal(4, (int)CompressionCodec.Zstd);
        Assert.Equal(CompressionCodec.Zstd, Compression.FromStored(4));
        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => Compression.FromStored(5)).Kind);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Every_codec_round_trips_empty_tiny_compressible_and_incompressible_inputs(CompressionCodec codec)
    {
        int seed = TestSeed.Next(output);
        foreach (byte[] input in SampleInputs(new Random(seed)))
        {
            byte[] compressed = Compress(codec, input);
            Assert.True(input.AsSpan().SequenceEqual(Decompress(codec, compressed, input.Length)),
                $"{codec} round trip of {input.Length} bytes failed, seed {seed}");
        }
    }

    [Fact]
    public void Decompressing_into_a_reused_writer_appends_after_existing_bytes()
    {
        var writer = new ArrayBufferWriter<byte>();
        writer.Write<byte>([9, 9]);
        byte[] input = "hello hello hello"u8.ToArray();

        int written = Compression.Decompress(CompressionCodec.Zstd, Compress(CompressionCodec.Zstd, input), 100, writer);

        Assert.Equal(input.Length, written);
        Assert.Equal([9, 9, .. input], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Zlib_output_is_an_rfc1950_stream_that_zlibstream_decodes()
    {
        byte[] input = CompressibleBytes(new Random(1), 50_000);
        byte[] compressed = Compress(CompressionCodec.Zlib, input);

        Assert.Equal(0x78, compressed[0]);
        Assert.Equal(0, ((compressed[0] << 8) | compressed[1]) % 31);
        using var decoder = new ZLibStream(new MemoryStream(compressed), CompressionMode.Decompress);
        var result = new MemoryStream();
        decoder.CopyTo(result);
        Assert.Equal(input, result.ToArray());
    }

    [Fact]
    public void Zlib_of_nothing_is_still_a_valid_stream()
    {
        Assert.Equal("789C030000000001", Convert.ToHexString(Compress(CompressionCodec.Zlib, [])));
    }

    [Fact]
    public void Snappy_output_is_a_raw_block_that_starts_with_the_varint_length()
    {
        byte[] input = CompressibleBytes(new Random(2), 70_000);
        byte[] compressed = Compress(CompressionCodec.Snappy, input);

        int position = 0;
        Assert.Equal((uint)input.Length, SnappyCodec.ReadLength(compressed, ref position));
        Assert.Equal(3, position); // 70,000 needs three varint bytes; no stream header precedes it
        Assert.Equal(input, Decompress(CompressionCodec.Snappy, compressed, input.Length));
    }

    [Fact]
    public void Lz4_output_starts_with_the_little_endian_uncompressed_length()
    {
        byte[] input = CompressibleBytes(new Random(3), 65_536);
        byte[] compressed = Compress(CompressionCodec.Lz4, input);

        Assert.Equal((uint)input.Length, BinaryPrimitives.ReadUInt32LittleEndian(compressed));
        Assert.Equal("0000000000", Convert.ToHexString(Compress(CompressionCodec.Lz4, [])));
    }

    [Fact]
    public void Zstd_output_is_one_frame_declaring_its_content_size()
    {
        byte[] input = CompressibleBytes(new Random(4), 65_536);
        byte[] compressed = Compress(CompressionCodec.Zstd, input);

        Assert.Equal("28B52FFD", Convert.ToHexString(compressed.AsSpan(0, 4)));
        Assert.Equal(input, Decompress(CompressionCodec.Zstd, compressed, input.Length));
        var error = Assert.Throws<SlateFastException>(() => Decompress(CompressionCodec.Zstd, compressed, input.Length - 1));
        Assert.Equal(ErrorKind.Data, error.Kind);
    }

    [Theory]
    [MemberData(nameof(Codecs))]
    public void Output_larger_than_the_limit_is_a_data_error(CompressionCodec codec)
    {
        byte[] input = CompressibleBytes(new Random(5), 10_000);
        byte[] compressed = Compress(codec, input);

        var error = Assert.Throws<SlateFastException>(() => Decompress(codec, compressed, input.Length - 1));
        Assert.Equal(ErrorKind.Data, error.Kind);
    }

    [Theory]
    [InlineData(CompressionCodec.Snappy, "FFFFFFFF0F00")]
    [InlineData(CompressionCodec.Snappy, "FFFFFFFFFF01")]
    [InlineData(CompressionCodec.Lz4, "FFFFFFFF00")]
    [InlineData(CompressionCodec.Lz4, "00001000" + "F0")]
    public void Huge_declared_length_is_a_data_error_without_allocating_it(CompressionCodec codec, string hex)
    {
        var writer = new LimitCheckingWriter(1 << 20);

        var error = Assert.Throws<SlateFastException>(() => Compression.Decompress(codec, Convert.FromHexString(hex), 1 << 20, writer));
        Assert.Equal(ErrorKind.Data, error.Kind);
    }

    [Fact]
    public void Zstd_frame_declaring_a_huge_size_is_a_data_error()
    {
        byte[] frame = Compress(CompressionCodec.Zstd, new byte[300_000]);

        var error = Assert.Throws<SlateFastException>(() => Compression.Decompress(CompressionCodec.Zstd, frame, 4096, new LimitCheckingWriter(4096)));
        Assert.Equal(ErrorKind.Data, error.Kind);
    }

    [Theory]
    [MemberData(nameof(RealCodecs))]
    public void Truncated_input_is_a_data_error(CompressionCodec codec)
    {
        byte[] input = CompressibleBytes(new Random(6), 20_000);
        byte[] compressed = Compress(codec, input);

        for (int cut = 1; cut < Math.Min(64, compressed.Length); cut++)
        {
            var error = Assert.Throws<SlateFastException>(() => Decompress(codec, compressed.AsSpan(0, compressed.Length - cut).ToArray(), input.Length));
            Assert.Equal(ErrorKind.Data, error.Kind);
        }
    }

    [Theory]
    [MemberData(nameof(RealCodecs))]
    public void Corrupted_input_decodes_or_is_a_data_error_and_never_exceeds_the_limit(CompressionCodec codec)
    {
        int seed = TestSeed.Next(output);
        var random = new Random(seed);
        byte[] input = CompressibleBytes(random, 8_000);
        byte[] compressed = Compress(codec, input);

        for (int trial = 0; trial < 500; trial++)
        {
            byte[] corrupt = (byte[])compressed.Clone();
            int flips = random.Next(1, 4);
            for (int i = 0; i < flips; i++)
            {
                corrupt[random.Next(corrupt.Length)] ^= (byte)(1 << random.Next(8));
            }

            var writer = new LimitCheckingWriter(input.Length);
            try
            {
                int written = Compression.Decompress(codec, corrupt, input.Length, writer);
                Assert.True(written <= input.Length, $"trial {trial}, seed {seed}");
            }
            catch (SlateFastException ex) when (ex.Kind == ErrorKind.Data)
            {
            }
        }
    }

    [Theory]
    [InlineData("78BB07000100030000000101")]
    [InlineData("7F9C030000000001")]
    [InlineData("789D030000000001")]
    public void Zlib_header_with_preset_dictionary_or_wrong_method_is_a_data_error(string hex)
    {
        // The first input was found by Engine.Fuzz: zlib asked for a dictionary and ZLibStream threw ZLibException.
        byte[] bad = Convert.FromHexString(hex);

        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => Decompress(CompressionCodec.Zlib, bad, 100)).Kind);
    }

    [Fact]
    public void Corrupt_zlib_checksum_is_a_data_error()
    {
        byte[] compressed = Compress(CompressionCodec.Zlib, CompressibleBytes(new Random(7), 1000));
        compressed[^1] ^= 1;

        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => Decompress(CompressionCodec.Zlib, compressed, 1000)).Kind);
    }

    [Fact]
    public void Snappy_copy_before_the_start_of_output_is_a_data_error()
    {
        // Length 4, then a 1-byte-offset copy of 4 bytes at offset 1 with nothing decoded yet.
        byte[] bad = Convert.FromHexString("04" + "01" + "01");

        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => Decompress(CompressionCodec.Snappy, bad, 100)).Kind);
    }

    [Fact]
    public void Snappy_decoder_handles_overlapping_copies_and_long_literals()
    {
        // "ab" literal, then copy length 10 at offset 2: "abababababab".
        byte[] repeating = Convert.FromHexString("0C" + "04" + "6162" + "19" + "02");
        Assert.Equal("abababababab"u8.ToArray(), Decompress(CompressionCodec.Snappy, repeating, 100));

        // A 100-byte literal uses the one-extra-byte length form (tag 60 << 2, then length - 1).
        byte[] literal = [100, 60 << 2, 99, .. Enumerable.Range(0, 100).Select(i => (byte)i)];
        Assert.Equal(Enumerable.Range(0, 100).Select(i => (byte)i).ToArray(), Decompress(CompressionCodec.Snappy, literal, 100));
    }

    [Fact]
    public void Missing_native_library_is_a_clear_error_naming_it()
    {
        var library = new NativeCodecLibrary("LZ4", "SLATEFAST_TEST_VARIABLE_NEVER_SET", "libslatefast-missing-test.so.1");

        var error = Assert.Throws<SlateFastException>(() => library.GetExport("LZ4_compressBound"));
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Contains("LZ4 compression needs libslatefast-missing-test.so.1, which could not be loaded", error.Message, StringComparison.Ordinal);
        Assert.Equal(error.Message, Assert.Throws<SlateFastException>(() => library.GetExport("LZ4_compressBound")).Message);
    }

    [Fact]
    public void Negative_limit_is_invalid()
    {
        var error = Assert.Throws<SlateFastException>(() => Compression.Decompress(CompressionCodec.None, [], -1, new ArrayBufferWriter<byte>()));
        Assert.Equal(ErrorKind.Invalid, error.Kind);
    }

    private static IEnumerable<byte[]> SampleInputs(Random random)
    {
        yield return [];
        yield return [(byte)random.Next(256)];
        yield return CompressibleBytes(random, 64 * 1024);
        byte[] noise = new byte[64 * 1024];
        random.NextBytes(noise);
        yield return noise;
        yield return new byte[100_000];
    }

    private static byte[] CompressibleBytes(Random random, int length)
    {
        // Rows of a key-value store look like this: shared prefixes, small alphabets, repeats.
        var bytes = new byte[length];
        for (int i = 0; i < length; i++)
        {
            bytes[i] = i % 64 < 40 ? (byte)('a' + ((i / 64) % 7)) : (byte)random.Next(48, 58);
        }

        return bytes;
    }

    private static byte[] Compress(CompressionCodec codec, byte[] input)
    {
        var writer = new ArrayBufferWriter<byte>();
        Compression.Compress(codec, input, writer);
        return writer.WrittenSpan.ToArray();
    }

    private static byte[] Decompress(CompressionCodec codec, byte[] input, int limit)
    {
        var writer = new LimitCheckingWriter(limit);
        int written = Compression.Decompress(codec, input, limit, writer);
        Assert.Equal(written, writer.WrittenCount);
        return writer.WrittenSpan.ToArray();
    }

    /// <summary>Fails the test if the decompressor ever asks for more room than the limit allows.</summary>
    private sealed class LimitCheckingWriter(int limit) : IBufferWriter<byte>
    {
        private readonly ArrayBufferWriter<byte> _inner = new();

        public int WrittenCount => _inner.WrittenCount;

        public ReadOnlySpan<byte> WrittenSpan => _inner.WrittenSpan;

        public void Advance(int count)
        {
            Assert.True(_inner.WrittenCount + count <= limit, $"wrote past the limit of {limit}");
            _inner.Advance(count);
        }

        public Memory<byte> GetMemory(int sizeHint = 0)
        {
            CheckHint(sizeHint);
            return _inner.GetMemory(sizeHint);
        }

        public Span<byte> GetSpan(int sizeHint = 0)
        {
            CheckHint(sizeHint);
            return _inner.GetSpan(sizeHint);
        }

        private void CheckHint(int sizeHint) =>
            Assert.True(_inner.WrittenCount + sizeHint <= Math.Max(limit, 1), $"asked for {sizeHint} bytes with a limit of {limit}");
    }
}
