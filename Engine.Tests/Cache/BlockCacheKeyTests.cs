using SlateFast.Cache;

namespace SlateFast.Tests.Cache;

public sealed class BlockCacheKeyTests
{
    [Fact]
    public void Keys_with_equal_fields_are_equal_and_hash_alike()
    {
        var a = BlockCacheKey.Compacted(1, UInt128.MaxValue - 5, 4096);
        var b = BlockCacheKey.Compacted(1, UInt128.MaxValue - 5, 4096);
        Assert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(4096, a.Offset);
        Assert.False(a.IsWal);
    }

    [Fact]
    public void A_wal_sst_never_equals_a_compacted_sst_with_the_same_number()
    {
        var wal = BlockCacheKey.Wal(1, 5, 0);
        var compacted = BlockCacheKey.Compacted(1, 5, 0);
        Assert.NotEqual(wal, compacted);
        Assert.True(wal.IsWal);
        Assert.Equal((UInt128)5, wal.SstId);
        Assert.Equal(0, wal.Offset);
    }

    [Fact]
    public void Scope_separates_databases_sharing_a_cache()
    {
        Assert.NotEqual(BlockCacheKey.Wal(1, 9, 100), BlockCacheKey.Wal(2, 9, 100));
    }

    [Fact]
    public void Negative_offset_is_invalid()
    {
        var e = Assert.Throws<SlateFastException>(() => BlockCacheKey.Wal(1, 1, -1));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public void Hashes_of_neighbouring_blocks_spread_over_sixteen_shards()
    {
        var perShard = new int[16];
        for (var i = 0; i < 16_000; i++)
        {
            perShard[(int)(BlockCacheKey.Compacted(1, 42, i * 4096L).Hash64() >> 40) & 15]++;
        }

        Assert.All(perShard, n => Assert.InRange(n, 800, 1200));
    }
}
