using SlateFast.Cache;
using static SlateFast.Tests.Cache.BlockTestData;

namespace SlateFast.Tests.Cache;

[Collection(nameof(BlockCacheCollection))]
public sealed class BlockCacheAllocationTests
{
    [Fact]
    public void Ten_thousand_hits_allocate_nothing()
    {
        using var cache = new BlockCache(new BlockCacheOptions { DataCapacityBytes = 1 << 20, MetaCapacityBytes = 1 << 20 });
        for (var id = 0; id < 16; id++)
        {
            cache.InsertPattern(id, 4096, id % 2 == 0 ? BlockKind.Data : BlockKind.Filter).Dispose();
        }

        var keys = Enumerable.Range(0, 16).Select(Key).ToArray();
        long sum = HitAll(cache, keys, 1000);
        var before = GC.GetAllocatedBytesForCurrentThread();
        sum += HitAll(cache, keys, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(sum > 0);
    }

    private static long HitAll(BlockCache cache, BlockCacheKey[] keys, int hits)
    {
        long sum = 0;
        for (var i = 0; i < hits; i++)
        {
            var id = i & 15;
            if (cache.TryGet(keys[id], id % 2 == 0 ? BlockKind.Data : BlockKind.Filter, out var lease))
            {
                sum += lease.Span[100];
                lease.Dispose();
            }
        }

        return sum;
    }
}
