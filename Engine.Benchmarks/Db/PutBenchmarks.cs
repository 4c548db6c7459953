using BenchmarkDotNet.Attributes;
using SlateFast.ObjectStore;

namespace SlateFast.Benchmarks.Db;

/// <summary>
/// Non-durable puts through <see cref="DbHandle"/> on the in-memory store: 16-byte keys, 100-byte
/// values. The allocation column is the per-put allocation (target: 0 B).
/// </summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Db)]
public class PutBenchmarks
{
    private const int Puts = 20_000;
    private DbHandle _db = null!;
    private byte[][] _keys = [];
    private readonly byte[] _value = new byte[100];

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(2);
        _keys = Enumerable.Range(0, Puts).Select(_ =>
        {
            var k = new byte[16];
            random.NextBytes(k);
            return k;
        }).ToArray();
        _db = DbHandle.OpenAsync("bench", new InMemoryObjectStore(), new DbOptions { L0MaxSsts = 1_000_000 }).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup() => _db.CloseAsync().GetAwaiter().GetResult();

    [Benchmark(OperationsPerInvoke = Puts, Description = "put, AwaitDurable=false (per put)")]
    public async Task PutNoWait()
    {
        foreach (var key in _keys)
        {
            await _db.PutAsync(key, _value, writeOptions: WriteOptions.NoWait);
        }
    }
}
