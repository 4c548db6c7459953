using System.Buffers;
using BenchmarkDotNet.Attributes;
using SlateFast.ObjectStore;

namespace SlateFast.Benchmarks.Db;

/// <summary>
/// Point reads and short scans over 100,000 rows (16-byte keys, 100-byte values) held either in
/// the memtable or in L0 SSTs with a warm block cache (sorted runs need the compactor of issue 8).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Db)]
public class ReadBenchmarks
{
    private const int Rows = 100_000;
    private const int Reads = 10_000;
    private DbHandle _db = null!;
    private byte[][] _keys = [];
    private byte[][] _missing = [];
    private readonly ArrayBufferWriter<byte> _value = new(256);

    [Params("memtable", "l0")]
    public string Source { get; set; } = "memtable";

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(7);
        byte[] Key()
        {
            var k = new byte[16];
            random.NextBytes(k);
            return k;
        }

        _keys = Enumerable.Range(0, Rows).Select(_ => Key()).ToArray();
        _missing = Enumerable.Range(0, Reads).Select(_ => Key()).ToArray();
        _db = DbHandle.OpenAsync("bench", new InMemoryObjectStore(), new DbOptions { L0SstSizeBytes = 4L << 20, L0MaxSsts = 1000 }).GetAwaiter().GetResult();
        var value = new byte[100];
        foreach (var key in _keys)
        {
            _db.PutAsync(key, value, writeOptions: WriteOptions.NoWait).AsTask().GetAwaiter().GetResult();
        }

        if (Source == "l0")
        {
            _db.FlushAsync(FlushType.MemTable).GetAwaiter().GetResult();
        }

        // Warm the block cache.
        foreach (var key in _keys)
        {
            _value.ResetWrittenCount();
            _db.TryGetAsync(key, _value).AsTask().GetAwaiter().GetResult();
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _db.CloseAsync().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Reads, Description = "readrandom: TryGetAsync hit (per read)")]
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

    [Benchmark(OperationsPerInvoke = Reads, Description = "readmissing: absent key (per read)")]
    public async Task<int> ReadMissing()
    {
        var found = 0;
        foreach (var key in _missing)
        {
            _value.ResetWrittenCount();
            if (await _db.TryGetAsync(key, _value))
            {
                found++;
            }
        }

        return found;
    }

    [Benchmark(OperationsPerInvoke = 100, Description = "seekrandom + 100-row scan (per seek)")]
    public async Task<int> SeekAndScan()
    {
        var rows = 0;
        for (var i = 0; i < 100; i++)
        {
            await using var it = _db.ScanAsync(KeyRange.All, new ScanOptions { CacheBlocks = true, ReadAheadBytes = 64 * 1024 });
            await it.SeekAsync(_keys[(i * 104_729) % Rows]);
            for (var n = 0; n < 100 && await it.NextAsync() is not null; n++)
            {
                rows++;
            }
        }

        return rows;
    }
}
