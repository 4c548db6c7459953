using BenchmarkDotNet.Attributes;
using SlateFast.Memory;
using SlateFast.Memtables;

namespace SlateFast.Benchmarks.Memtable;

/// <summary>Arena skiplist: 100,000 inserts of 16-byte keys with 100-byte values, on 1 and 2 threads; point lookups.</summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Memtable)]
public class SkipListBenchmarks
{
    private const int Rows = 100_000;
    private byte[][] _keys = [];
    private readonly byte[] _value = new byte[100];
    private ArenaSkipList _filled = null!;
    private NativeArena _filledArena = null!;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        _keys = Enumerable.Range(0, Rows).Select(_ =>
        {
            var k = new byte[16];
            random.NextBytes(k);
            return k;
        }).ToArray();
        _filledArena = new NativeArena(64L << 20);
        _filled = new ArenaSkipList(_filledArena);
        for (var i = 0; i < Rows; i++)
        {
            _filled.Insert(_keys[i], (ulong)i + 1, 0x04, _value, 0, 0);
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _filledArena.Dispose();

    [Params(1, 2)]
    public int Threads { get; set; }

    [Benchmark(OperationsPerInvoke = Rows, Description = "insert (per row)")]
    public long Insert()
    {
        using var arena = new NativeArena(64L << 20);
        var list = new ArenaSkipList(arena);
        var per = Rows / Threads;
        Parallel.For(0, Threads, t =>
        {
            for (var i = t * per; i < (t + 1) * per; i++)
            {
                list.Insert(_keys[i], (ulong)i + 1, 0x04, _value, 0, 0);
            }
        });
        return list.Count;
    }

    [Benchmark(OperationsPerInvoke = Rows, Description = "lookup hit (per row)")]
    public long Lookup()
    {
        long found = 0;
        var per = Rows / Threads;
        Parallel.For(0, Threads, t =>
        {
            long local = 0;
            for (var i = t * per; i < (t + 1) * per; i++)
            {
                if (_filled.FindLatest(_keys[i], ulong.MaxValue) != 0)
                {
                    local++;
                }
            }

            Interlocked.Add(ref found, local);
        });
        return found;
    }
}
