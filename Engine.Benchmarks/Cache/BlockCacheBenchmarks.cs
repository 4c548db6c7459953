using BenchmarkDotNet.Attributes;
using SlateFast.Cache;

namespace SlateFast.Benchmarks.Cache;

/// <summary>
/// Block cache hit, miss and insert-with-eviction on 4 KiB blocks, on one thread and on two
/// threads hammering the same blocks. Times are per operation on each thread; a hit and a miss
/// must allocate nothing.
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Cache)]
public class BlockCacheBenchmarks
{
    private const int Ops = 4096;
    private const int BlockSize = 4096;
    private const int HotBlocks = 1024;

    private readonly byte[] _block = new byte[BlockSize];
    private BlockCache _cache = null!;
    private BlockCache _small = null!;
    private BlockCacheKey[] _hot = [];
    private BlockCacheKey[] _absent = [];
    private BlockCacheKey[][] _fresh = [];
    private int _round;

    [Params(1, 2)]
    public int Threads { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _cache = new BlockCache(new BlockCacheOptions { DataCapacityBytes = 64L << 20 });
        _hot = Enumerable.Range(0, HotBlocks).Select(i => BlockCacheKey.Compacted(1, 77, i * (long)BlockSize)).ToArray();
        _absent = Enumerable.Range(0, HotBlocks).Select(i => BlockCacheKey.Compacted(1, 78, i * (long)BlockSize)).ToArray();
        foreach (var key in _hot)
        {
            _cache.Insert(key, BlockKind.Data, _block).Dispose();
        }

        // 1 MiB holds 256 blocks; every insert of a new key evicts one.
        _small = new BlockCache(new BlockCacheOptions { DataCapacityBytes = 1 << 20 });
        _fresh = Enumerable.Range(0, 2).Select(t => Enumerable.Range(0, 64 * Ops)
            .Select(i => BlockCacheKey.Wal(2, (ulong)t, i * (long)BlockSize)).ToArray()).ToArray();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cache.Dispose();
        _small.Dispose();
    }

    [Benchmark(OperationsPerInvoke = Ops)]
    public long TryGetHit() => Run(static (b, _) => b.Hits());

    [Benchmark(OperationsPerInvoke = Ops)]
    public long TryGetMiss() => Run(static (b, _) => b.Misses());

    [Benchmark(OperationsPerInvoke = Ops)]
    public long InsertWithEviction()
    {
        var round = _round++ & 63;
        return Run((b, thread) => b.InsertFresh(thread, round));
    }

    private long Hits()
    {
        long sum = 0;
        for (var i = 0; i < Ops; i++)
        {
            if (_cache.TryGet(_hot[i & (HotBlocks - 1)], BlockKind.Data, out var lease))
            {
                sum += lease.Length;
                lease.Dispose();
            }
        }

        return sum;
    }

    private long Misses()
    {
        long sum = 0;
        for (var i = 0; i < Ops; i++)
        {
            sum += _cache.TryGet(_absent[i & (HotBlocks - 1)], BlockKind.Data, out _) ? 1 : 0;
        }

        return sum;
    }

    private long InsertFresh(int thread, int round)
    {
        long sum = 0;
        var keys = _fresh[thread];
        for (var i = 0; i < Ops; i++)
        {
            using var buffer = _small.Rent(BlockSize);
            using var lease = _small.Insert(keys[(round * Ops) + i], BlockKind.Data, buffer);
            sum += lease.Length;
        }

        return sum;
    }

    private long Run(Func<BlockCacheBenchmarks, int, long> body)
    {
        if (Threads == 1)
        {
            return body(this, 0);
        }

        long total = 0;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t => Interlocked.Add(ref total, body(this, t)));
        return total;
    }
}
