using SlateFast.Cache;

namespace SlateFast.Tests.Cache;

public sealed class BlockCacheOptionsTests
{
    [Fact]
    public void Defaults_are_SlateDBs_budgets_and_sixteen_shards()
    {
        var options = new BlockCacheOptions();
        Assert.Equal(512L * 1024 * 1024, options.DataCapacityBytes);
        Assert.Equal(128L * 1024 * 1024, options.MetaCapacityBytes);
        Assert.Equal(16, options.ShardCount);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(2048)]
    [InlineData(-4)]
    public void Shard_count_that_is_not_a_power_of_two_up_to_1024_is_invalid(int shards)
    {
        var e = Assert.Throws<SlateFastException>(() => new BlockCache(new BlockCacheOptions { ShardCount = shards }));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public void Negative_capacity_is_invalid()
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => new BlockCache(new BlockCacheOptions { DataCapacityBytes = -1 })).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => new BlockCache(new BlockCacheOptions { MetaCapacityBytes = -1 })).Kind);
    }
}
