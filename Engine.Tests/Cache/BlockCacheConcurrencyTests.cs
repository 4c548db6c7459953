using SlateFast.Cache;
using Xunit.Abstractions;
using static SlateFast.Tests.Cache.BlockTestData;

namespace SlateFast.Tests.Cache;

public sealed class BlockCacheConcurrencyTests(ITestOutputHelper output)
{
    private const int Threads = 8;
    private const int OpsPerThread = 25_000;
    private const long DataCapacity = 32 * 1024;
    private const long MetaCapacity = 8 * 1024;

    [Fact]
    public void Eight_threads_of_random_gets_inserts_and_removes_keep_every_invariant()
    {
        const int seed = 4242;
        output.WriteLine($"seed {seed}");
        var allocator = new CountingBlockAllocator();
        var cache = new BlockCache(new BlockCacheOptions { DataCapacityBytes = DataCapacity, MetaCapacityBytes = MetaCapacity, ShardCount = 4 }, allocator);
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var start = new Barrier(Threads);

        var workers = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                Run(cache, new Random(seed + t), failures);
            }
            catch (Exception e)
            {
                failures.Enqueue(e.ToString());
            }
        })).ToList();
        workers.ForEach(w => w.Start());
        workers.ForEach(w => w.Join());

        Assert.Empty(failures);
        cache.CheckInvariants();
        var stats = cache.GetStats();
        output.WriteLine($"{stats}");
        Assert.True(stats.Data.Hits > 0 && stats.Data.Misses > 0 && stats.Data.Evictions > 0);

        cache.Dispose();
        Assert.Equal(0, allocator.Live);
        Assert.Equal(allocator.Allocations, allocator.Frees);
        Assert.Equal(0, allocator.BadFrees);
    }

    private static void Run(BlockCache cache, Random rng, System.Collections.Concurrent.ConcurrentQueue<string> failures)
    {
        // Some leases are held across later operations so evictions race with readers.
        var held = new Queue<(int Id, BlockLease Lease)>();
        for (var op = 0; op < OpsPerThread; op++)
        {
            var id = rng.Next(300);
            var kind = id % 5 == 0 ? BlockKind.Index : BlockKind.Data;
            var roll = rng.Next(100);
            BlockLease lease = default;
            if (roll < 55)
            {
                cache.TryGet(Key(id), kind, out lease);
            }
            else if (roll < 85)
            {
                lease = cache.InsertPattern(id, rng.Next(1, kind == BlockKind.Data ? 3000 : 1000), kind);
                if (cache.DataBytes > DataCapacity || cache.MetaBytes > MetaCapacity)
                {
                    failures.Enqueue($"over budget: data {cache.DataBytes}, meta {cache.MetaBytes}");
                }
            }
            else if (roll < 97)
            {
                cache.Remove(Key(id));
            }
            else if (roll < 99)
            {
                cache.CheckInvariants();
            }
            else if (rng.Next(20) == 0)
            {
                cache.Clear();
            }

            if (lease.HasValue)
            {
                held.Enqueue((id, lease));
            }

            while (held.Count > 4)
            {
                var (heldId, heldLease) = held.Dequeue();
                if (!HasPattern(heldId, heldLease.Span))
                {
                    failures.Enqueue($"block {heldId} changed while leased");
                }

                heldLease.Dispose();
            }
        }

        while (held.TryDequeue(out var item))
        {
            item.Lease.Dispose();
        }
    }
}
