using System.Buffers;
using SlateFast.Format;
using Xunit.Abstractions;

namespace SlateFast.Tests.Format;

/// <summary>
/// LZ4 and Zstd have two implementations, the managed port every machine has and the system
/// library where installed (RFC 0025). Both must write bytes the other reads, and both must treat
/// damaged input as <see cref="ErrorKind.Data"/>, so the choice can never change what a database
/// contains or what a reader accepts.
/// </summary>
public sealed class CodecBackendTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string> Pairs => new()
    {
        // codec, compressing side, decompressing side
        { "zstd", "managed", "managed" }, { "zstd", "managed", "native" }, { "zstd", "native", "managed" },
        { "lz4", "managed", "managed" }, { "lz4", "managed", "native" }, { "lz4", "native", "managed" },
    };

    public static TheoryData<string, string> Backends => new()
    {
        { "zstd", "managed" }, { "zstd", "native" }, { "lz4", "managed" }, { "lz4", "native" },
    };

    [Theory]
    [MemberData(nameof(Pairs))]
    public void What_one_implementation_compresses_the_other_decompresses(string codec, string writer, string reader)
    {
        int seed = TestSeed.Next(output);
        var random = new Random(seed);
        foreach (byte[] input in Inputs(random))
        {
            byte[] compressed = Compress(codec, writer, input);
            Assert.True(input.AsSpan().SequenceEqual(Decompress(codec, reader, compressed, input.Length)),
                $"{codec} {writer} -> {reader}, {input.Length} bytes, seed {seed}");
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void Truncated_or_corrupted_input_is_a_data_error_in_either_implementation(string codec, string backend)
    {
        int seed = TestSeed.Next(output);
        var random = new Random(seed);
        byte[] input = Inputs(random).ElementAt(3);
        byte[] compressed = Compress(codec, backend, input);

        for (int cut = 1; cut < Math.Min(64, compressed.Length); cut++)
        {
            var error = Assert.Throws<SlateFastException>(() => Decompress(codec, backend, compressed.AsSpan(0, compressed.Length - cut).ToArray(), input.Length));
            Assert.Equal(ErrorKind.Data, error.Kind);
        }

        for (int trial = 0; trial < 300; trial++)
        {
            byte[] corrupt = (byte[])compressed.Clone();
            corrupt[random.Next(corrupt.Length)] ^= (byte)(1 << random.Next(8));
            try
            {
                byte[] result = Decompress(codec, backend, corrupt, input.Length);
                Assert.True(result.Length <= input.Length, $"trial {trial}, seed {seed}");
            }
            catch (SlateFastException ex) when (ex.Kind == ErrorKind.Data)
            {
            }
        }
    }

    [Theory]
    [MemberData(nameof(Backends))]
    public void A_size_above_the_limit_is_a_data_error_in_either_implementation(string codec, string backend)
    {
        byte[] compressed = Compress(codec, backend, new byte[300_000]);

        var error = Assert.Throws<SlateFastException>(() => Decompress(codec, backend, compressed, 4096));
        Assert.Equal(ErrorKind.Data, error.Kind);
    }

    [Theory]
    [InlineData("managed")]
    [InlineData("native")]
    public void A_finished_threads_zstd_contexts_are_freed_not_leaked(string backend)
    {
        long freedBefore = ZstdBackend.FreedContexts;
        WeakReference contexts = null!;
        var thread = new Thread(() =>
        {
            byte[] compressed = Compress("zstd", backend, new byte[10_000]);
            Decompress("zstd", backend, compressed, 10_000);
            contexts = new WeakReference(Zstd(backend).CurrentThreadContexts());
        });
        thread.Start();
        thread.Join();

        for (int i = 0; i < 10 && contexts.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        Assert.False(contexts.IsAlive, "the ended thread's contexts are still reachable");
        Assert.True(ZstdBackend.FreedContexts - freedBefore >= 2, "its compression and decompression contexts were not freed");
    }

    [Fact]
    public void Managed_never_touches_the_system_library()
    {
        string chosen = CodecBackends.Choose(CodecBackends.Preference.Managed, nativeRequested: true, nativeIsFaster: true,
            () => throw new InvalidOperationException("loaded the system library"), "managed");

        Assert.Equal("managed", chosen);
    }

    [Fact]
    public void Auto_takes_the_system_library_only_when_it_is_faster_and_loads()
    {
        Assert.Equal("native", CodecBackends.Choose(CodecBackends.Preference.Auto, false, nativeIsFaster: true, () => "native", "managed"));
        Assert.Equal("managed", CodecBackends.Choose(CodecBackends.Preference.Auto, false, nativeIsFaster: true, MissingLibrary, "managed"));
        Assert.Equal("managed", CodecBackends.Choose(CodecBackends.Preference.Auto, false, nativeIsFaster: false,
            () => throw new InvalidOperationException("loaded a slower system library"), "managed"));
    }

    [Fact]
    public void A_library_the_user_asked_for_must_load()
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() =>
            CodecBackends.Choose(CodecBackends.Preference.Native, false, false, MissingLibrary, "managed")).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() =>
            CodecBackends.Choose(CodecBackends.Preference.Auto, nativeRequested: true, true, MissingLibrary, "managed")).Kind);
    }

    [Theory]
    [InlineData(null, "Auto")]
    [InlineData("", "Auto")]
    [InlineData("AUTO", "Auto")]
    [InlineData("managed", "Managed")]
    [InlineData(" native ", "Native")]
    public void The_preference_variable_takes_auto_managed_or_native(string? value, string expected) =>
        Assert.Equal(expected, CodecBackends.Parse(value).ToString());

    [Fact]
    public void An_unknown_preference_is_invalid_and_names_the_variable()
    {
        var error = Assert.Throws<SlateFastException>(() => CodecBackends.Parse("fastest"));
        Assert.Equal(ErrorKind.Invalid, error.Kind);
        Assert.Contains("SLATEFAST_CODECS", error.Message, StringComparison.Ordinal);
    }

    private static string MissingLibrary() => ThrowHelper.Invalid<string>("zstd compression needs libzstd.so.1, which could not be loaded");

    private static IEnumerable<byte[]> Inputs(Random random)
    {
        yield return [];
        yield return [(byte)random.Next(256)];
        byte[] noise = new byte[70_000];
        random.NextBytes(noise);
        yield return noise;
        var rows = new byte[20_000];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = i % 64 < 40 ? (byte)('a' + ((i / 64) % 7)) : (byte)random.Next(48, 58);
        }

        yield return rows;
        yield return new byte[100_000];
    }

    private static byte[] Compress(string codec, string backend, byte[] input)
    {
        var writer = new ArrayBufferWriter<byte>();
        if (codec == "zstd")
        {
            ZstdCodec.Compress(Zstd(backend), input, writer);
        }
        else
        {
            Lz4Codec.Compress(Lz4(backend), input, writer);
        }

        return writer.WrittenSpan.ToArray();
    }

    private static byte[] Decompress(string codec, string backend, byte[] input, int limit)
    {
        var writer = new ArrayBufferWriter<byte>();
        int written = codec == "zstd"
            ? ZstdCodec.Decompress(Zstd(backend), input, limit, writer)
            : Lz4Codec.Decompress(Lz4(backend), input, limit, writer);
        Assert.Equal(written, writer.WrittenCount);
        return writer.WrittenSpan.ToArray();
    }

    private static ZstdBackend Zstd(string backend) => backend == "managed" ? ManagedZstd.Instance : ZstdCodec.Native;

    private static Lz4Backend Lz4(string backend) => backend == "managed" ? ManagedLz4.Instance : Lz4Codec.Native;
}
