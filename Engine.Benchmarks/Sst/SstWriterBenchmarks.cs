using BenchmarkDotNet.Attributes;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Rows;

namespace SlateFast.Benchmarks.Sst;

/// <summary>
/// Streaming SST writes: 100,000 rows of 16-byte keys and 100-byte values (about 12 MB of
/// output) per operation, through the public <see cref="SstWriter"/> to the in-memory store,
/// and through the internal builder alone to see the store's share.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Sst)]
public class SstWriterBenchmarks
{
    private const int Rows = 100_000;
    private byte[][] _keys = [];
    private byte[] _value = [];

    [Params(CompressionCodec.None, CompressionCodec.Lz4)]
    public CompressionCodec Codec { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keys = Enumerable.Range(0, Rows).Select(i =>
        {
            var key = new byte[16];
            BitConverter.TryWriteBytes(key.AsSpan(8), (long)i);
            key.AsSpan(8).Reverse();
            return key;
        }).ToArray();
        _value = new byte[100];
        new Random(1).NextBytes(_value.AsSpan(0, 50));
    }

    [Benchmark(Description = "SstWriter, 100k rows to memory store")]
    public async Task<long> WriteSst()
    {
        var store = new InMemoryObjectStore();
        await using var writer = await SstWriter.CreateAsync(store, "bench.sst", new SstWriterOptions { Compression = Codec });
        foreach (var key in _keys)
        {
            await writer.PutAsync(key, _value);
        }

        await writer.CloseAsync();
        return writer.Metadata.SizeBytes;
    }

    [Benchmark(Description = "SstBuilder, 100k rows, drained")]
    public long Build()
    {
        using var builder = new SstBuilder(new SstBuildSettings(4096, Codec, 10, 1000, SstType.Compacted));
        var seq = (ulong)Rows;
        foreach (var key in _keys)
        {
            builder.Add(new RowEntry(key, _value, seq--, RowKind.Value, null, 1));
            if (builder.Pending.Length > 256 * 1024)
            {
                builder.Drained();
            }
        }

        builder.Finish();
        return builder.Position;
    }
}
