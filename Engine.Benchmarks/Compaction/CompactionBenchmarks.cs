using System.Buffers;
using BenchmarkDotNet.Attributes;
using SlateFast.Compacting;
using SlateFast.ObjectStore;

namespace SlateFast.Benchmarks.Compaction;

/// <summary>Shared data for the compaction benchmarks: random 16-byte keys, 100-byte values, in memory.</summary>
internal static class CompactionData
{
    public const int KeySize = 16;
    public const int ValueSize = 100;

    public static byte[][] Keys(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ =>
        {
            var k = new byte[KeySize];
            random.NextBytes(k);
            return k;
        })];
    }

    /// <summary>Writes <paramref name="keys"/> (in order) and flushes, with the in-process compactor as given.</summary>
    public static async Task<DbHandle> FillAsync(IObjectStore store, byte[][] keys, long l0Size, bool compactor)
    {
        var db = await DbHandle.OpenAsync("bench", store, new DbOptions
        {
            L0SstSizeBytes = l0Size,
            L0MaxSsts = compactor ? 8 : 100_000,
            Compactor = new CompactorOptions { Enabled = compactor, PollInterval = TimeSpan.FromMilliseconds(100) },
        });
        var value = new byte[ValueSize];
        foreach (var key in keys)
        {
            await db.PutAsync(key, value, writeOptions: WriteOptions.NoWait);
        }

        await db.FlushAsync(FlushType.MemTable);
        return db;
    }

    public static async Task<long> StoredBytesAsync(IObjectStore store)
    {
        long total = 0;
        foreach (var meta in await store.ListAllAsync("bench/"))
        {
            total += meta.Size;
        }

        return total;
    }
}

/// <summary>
/// Compaction throughput: eight L0 SSTs of ~1 MiB (random keys, so every SST spans the key space)
/// merged into one sorted run by the standalone compactor, on the in-memory store. Reported per
/// MiB of source SSTs, so MB/s = 1 / mean.
/// </summary>
[MemoryDiagnoser]
public class CompactionThroughputBenchmarks
{
    private const int Rows = 8 * 1024 * 1024 / (CompactionData.KeySize + CompactionData.ValueSize + 14);
    private readonly byte[][] _keys = CompactionData.Keys(Rows, 11);
    private InMemoryObjectStore _store = null!;

    [IterationSetup]
    public void Setup()
    {
        _store = new InMemoryObjectStore();
        CompactionData.FillAsync(_store, _keys, 1L << 20, compactor: false).GetAwaiter().GetResult().CloseAsync().GetAwaiter().GetResult();
    }

    [Benchmark(OperationsPerInvoke = 8, Description = "compact 8 L0 SSTs of ~1 MiB into one run (per MiB)")]
    public async Task<bool> CompactAll()
    {
        await using var compactor = await Compactor.OpenAsync(_store, "bench", new DbOptions());
        return await compactor.CompactAllAsync();
    }
}

/// <summary>
/// fillrandom of 8x the L0 size (L0 SSTs of 1 MiB) with the in-process compactor on and
/// <c>L0MaxSsts</c> 8, so writes stall until compaction drains L0. Write amplification (every byte
/// stored: WAL, L0, sorted runs, manifests, over the user's key and value bytes) is printed to the
/// log after each iteration.
/// </summary>
public class FillRandomCompactionBenchmarks
{
    private const int Rows = 8 * 1024 * 1024 / (CompactionData.KeySize + CompactionData.ValueSize);
    private readonly byte[][] _keys = CompactionData.Keys(Rows, 13);
    private InMemoryObjectStore _store = null!;

    [IterationSetup]
    public void Setup() => _store = new InMemoryObjectStore();

    [Benchmark(OperationsPerInvoke = Rows, Description = "fillrandom 8 MiB with compaction (per put)")]
    public async Task FillRandom()
    {
        await using var db = await CompactionData.FillAsync(_store, _keys, 1L << 20, compactor: true);
        await db.CompactAsync();
    }

    [IterationCleanup]
    public void Report()
    {
        var stored = CompactionData.StoredBytesAsync(_store).GetAwaiter().GetResult();
        var user = (long)Rows * (CompactionData.KeySize + CompactionData.ValueSize);
        Console.WriteLine($"// write amplification: {stored} bytes stored for {user} user bytes = {(double)stored / user:F2}");
    }
}

/// <summary>readrandom over 100,000 rows spread over ~12 L0 SSTs, before and after a full compaction into one sorted run (warm block cache).</summary>
[MemoryDiagnoser]
public class ReadAfterCompactionBenchmarks
{
    private const int Rows = 100_000;
    private const int Reads = 10_000;
    private readonly ArrayBufferWriter<byte> _value = new(256);
    private byte[][] _keys = [];
    private DbHandle _db = null!;

    [Params("l0", "compacted")]
    public string Layout { get; set; } = "l0";

    [GlobalSetup]
    public void Setup()
    {
        _keys = CompactionData.Keys(Rows, 17);
        _db = CompactionData.FillAsync(new InMemoryObjectStore(), _keys, 1L << 20, compactor: Layout == "compacted").GetAwaiter().GetResult();
        if (Layout == "compacted")
        {
            _db.CompactAsync().GetAwaiter().GetResult();
        }

        foreach (var key in _keys)
        {
            _value.ResetWrittenCount();
            _db.TryGetAsync(key, _value).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _db.CloseAsync().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Reads, Description = "readrandom hit (per read)")]
    public async Task<int> ReadRandom()
    {
        var found = 0;
        for (var i = 0; i < Reads; i++)
        {
            _value.ResetWrittenCount();
            if (await _db.TryGetAsync(_keys[(i * 7919) % Rows], _value))
            {
                found++;
            }
        }

        return found;
    }
}
