using BenchmarkDotNet.Attributes;
using SlateFast.Cache;
using SlateFast.Format;
using SlateFast.Iterators;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Rows;

namespace SlateFast.Benchmarks.Sst;

/// <summary>
/// Scans of 100,000 rows (16-byte keys, 100-byte values) from a memtable and from an SST (4 KiB
/// blocks, in memory; cold = every block read and CRC-checked, cached = warm block cache), both
/// raw and through the merge iterator; and a seek followed by a 100-row scan.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Sst)]
public class IteratorBenchmarks
{
    private const int Rows = 100_000;
    private SlateFast.Memtables.Memtable _memtable = null!;
    private InMemoryObjectStore _store = null!;
    private SstFile _sst = null!;
    private BlockCache _cache = null!;
    private byte[][] _seekKeys = [];
    private int _seek;

    [GlobalSetup]
    public async Task Setup()
    {
        var value = new byte[100];
        _memtable = new SlateFast.Memtables.Memtable(64L << 20);
        using var builder = new SstBuilder(new SstBuildSettings(4096, CompressionCodec.None, 10, 1000, SstType.Compacted));
        for (var i = 0; i < Rows; i++)
        {
            var key = System.Text.Encoding.ASCII.GetBytes($"key-{i:d12}");
            _memtable.Insert(key, (ulong)i + 1, RowFlags.Encode(RowKind.Value, false, true), value, 1, 0);
            builder.Add(RowEntry.Put(key, value, (ulong)i + 1, 1));
        }

        builder.Finish();
        _store = new InMemoryObjectStore();
        await _store.PutAsync("bench.sst", builder.Pending.ToArray());
        _sst = await SstFile.OpenAsync(_store, "bench.sst");
        _cache = new BlockCache(new BlockCacheOptions());
        await CountAsync(RowSources.Sst(_store, _sst, 1, ScanDirection.Ascending, provider: new CachedBlockProvider(_cache, 1, insert: true)));
        var random = new Random(1);
        _seekKeys = Enumerable.Range(0, 1024).Select(_ => System.Text.Encoding.ASCII.GetBytes($"key-{random.Next(Rows - 200):d12}")).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _memtable.Release();
        _cache.Dispose();
    }

    [Params(false, true)]
    public bool Descending { get; set; }

    private ScanDirection Direction => Descending ? ScanDirection.Descending : ScanDirection.Ascending;

    [Benchmark(OperationsPerInvoke = Rows, Description = "memtable source (per row)")]
    public Task<long> Memtable() => CountAsync(MemtableRowSource.TryCreate(_memtable, Direction)!);

    [Benchmark(OperationsPerInvoke = Rows, Description = "SST source, cold (per row)")]
    public Task<long> SstCold() => CountAsync(RowSources.Sst(_store, _sst, 1, Direction, options: new RowScanOptions { ReadAheadBytes = 256 * 1024, MaxFetchTasks = 2 }));

    [Benchmark(OperationsPerInvoke = Rows, Description = "SST source, cached (per row)")]
    public Task<long> SstCached() => CountAsync(RowSources.Sst(_store, _sst, 1, Direction, provider: new CachedBlockProvider(_cache, 1, insert: false)));

    [Benchmark(OperationsPerInvoke = Rows, Description = "merge of memtable + cached SST (per output row)")]
    public async Task<long> Merge()
    {
        var sources = new IRowSource[]
        {
            MemtableRowSource.TryCreate(_memtable, Direction)!,
            RowSources.Sst(_store, _sst, 1, Direction, provider: new CachedBlockProvider(_cache, 1, insert: false)),
        };
        await using var merge = new MergeIterator(sources, ulong.MaxValue, Direction);
        long count = 0;
        while (await merge.MoveNextAsync())
        {
            count += merge.Value.Length;
        }

        return count;
    }

    [Benchmark(Description = "merge: seek + 100 rows (memtable + cached SST)")]
    public async Task<long> SeekScan100()
    {
        var sources = new IRowSource[]
        {
            MemtableRowSource.TryCreate(_memtable, Direction)!,
            RowSources.Sst(_store, _sst, 1, Direction, provider: new CachedBlockProvider(_cache, 1, insert: false)),
        };
        await using var merge = new MergeIterator(sources, ulong.MaxValue, Direction);
        long count = 0;
        var more = await merge.SeekAsync(_seekKeys[_seek++ & 1023]);
        for (var i = 0; more && i < 100; i++, more = await merge.MoveNextAsync())
        {
            count += merge.Key.Length;
        }

        return count;
    }

    private static async Task<long> CountAsync(IRowSource source)
    {
        await using (source)
        {
            long count = 0;
            while (await source.MoveNextAsync())
            {
                count += source.Value.Length;
            }

            return count;
        }
    }
}
