using SlateFast.Cache;
using Xunit.Abstractions;
using static SlateFast.Tests.Cache.BlockTestData;

namespace SlateFast.Tests.Cache;

public sealed class BlockCacheTests(ITestOutputHelper output)
{
    private static BlockCache OneShard(long dataCapacity, CountingBlockAllocator? allocator = null, long metaCapacity = 1024) =>
        new(new BlockCacheOptions { DataCapacityBytes = dataCapacity, MetaCapacityBytes = metaCapacity, ShardCount = 1 }, allocator ?? new CountingBlockAllocator());

    [Fact]
    public void Inserted_block_is_found_with_its_bytes()
    {
        using var cache = OneShard(4096);
        cache.InsertPattern(1, 300).Dispose();

        Assert.True(cache.TryGet(Key(1), BlockKind.Data, out var lease));
        using (lease)
        {
            Assert.Equal(Pattern(1, 300), lease.Span.ToArray());
            Assert.Equal(Pattern(1, 300), lease.Memory.ToArray());
            Assert.True(lease.IsCached);
        }

        Assert.False(cache.TryGet(Key(2), BlockKind.Data, out var miss));
        Assert.False(miss.HasValue);
        Assert.True(miss.Span.IsEmpty);
        miss.Dispose();
    }

    [Fact]
    public void Budget_is_never_exceeded_after_any_insert()
    {
        foreach (var seed in new[] { 1, 2, 3, 20240601 })
        {
            output.WriteLine($"seed {seed}");
            var rng = new Random(seed);
            var allocator = new CountingBlockAllocator();
            const long data = 64 * 1024, meta = 16 * 1024;
            using (var cache = new BlockCache(new BlockCacheOptions { DataCapacityBytes = data, MetaCapacityBytes = meta, ShardCount = 4 }, allocator))
            {
                for (var i = 0; i < 3000; i++)
                {
                    var kind = (BlockKind)rng.Next(4);
                    var size = rng.Next(1, kind == BlockKind.Data ? 20_000 : 5_000);
                    cache.InsertPattern(rng.Next(500), size, kind).Dispose();

                    var stats = cache.GetStats();
                    Assert.True(stats.Data.SizeBytes <= data, $"data {stats.Data.SizeBytes} > {data} after insert {i}");
                    Assert.True(stats.Meta.SizeBytes <= meta, $"meta {stats.Meta.SizeBytes} > {meta} after insert {i}");
                    cache.CheckInvariants();
                }
            }

            Assert.Equal(0, allocator.Live);
            Assert.Equal(0, allocator.BadFrees);
        }
    }

    [Fact]
    public void New_blocks_are_evicted_first_unless_hit_and_a_ghost_key_returns_to_main()
    {
        // One shard of 1000 bytes: the probation queue's share is 100 bytes, one block.
        using var cache = OneShard(1000);
        var evicted = new List<int>();
        var resident = new SortedSet<int>();
        void Insert(int id)
        {
            cache.InsertPattern(id, 100).Dispose();
            resident.Add(id);
            foreach (var gone in resident.Where(r => !Present(cache, r)).ToList())
            {
                evicted.Add(gone);
                resident.Remove(gone);
            }
        }

        for (var id = 1; id <= 11; id++)
        {
            Insert(id);
        }

        cache.Hit(3);
        cache.Hit(5);
        Insert(12);
        Insert(13);
        Insert(14);

        // 1 was evicted unread, so its key is a ghost: reading it again admits it to main.
        Insert(1);

        Assert.Equal([1, 2, 4, 6, 7], evicted);
        Assert.Equal([1, 3, 5, 8, 9, 10, 11, 12, 13, 14], resident);

        // A scan of blocks read once churns through probation and leaves main (1, 3, 5) alone.
        for (var id = 100; id < 200; id++)
        {
            Insert(id);
        }

        Assert.True(Present(cache, 1) && Present(cache, 3) && Present(cache, 5));
        Assert.Equal(evicted.Count, cache.GetStats().Data.Evictions);
    }

    [Fact]
    public void Main_queue_reinserts_hit_blocks_and_evicts_the_first_with_no_hits_left()
    {
        // 300 bytes, three blocks; the probation share is 30 bytes, so any block there is over it.
        using var cache = OneShard(300);
        foreach (var id in new[] { 1, 2, 3 })
        {
            cache.InsertPattern(id, 100).Dispose();
            cache.Hit(id);
        }

        // 1, 2, 3 were hit on probation and move to main; main's oldest with no hits left is 1.
        cache.InsertPattern(4, 100).Dispose();
        Assert.Equal([false, true, true, true], new[] { 1, 2, 3, 4 }.Select(id => Present(cache, id)));

        // Unread, 4 and then 5 leave probation as ghosts; 4 read again goes to main directly.
        cache.Hit(2);
        cache.Hit(2);
        cache.Hit(3);
        cache.InsertPattern(5, 100).Dispose();
        cache.InsertPattern(6, 100).Dispose();
        cache.InsertPattern(4, 100).Dispose();
        Assert.Equal([true, true, true, false, false], new[] { 2, 3, 4, 5, 6 }.Select(id => Present(cache, id)));

        // Main sweeps 2 (two hits) and 3 (one) round again and evicts 4, which has none.
        cache.InsertPattern(7, 100).Dispose();
        Assert.Equal([true, true, false, true], new[] { 2, 3, 4, 7 }.Select(id => Present(cache, id)));
        cache.CheckInvariants();
    }

    [Fact]
    public void A_lease_keeps_its_bytes_after_eviction_and_frees_them_exactly_once()
    {
        var allocator = new CountingBlockAllocator();
        using var cache = OneShard(1000, allocator);
        var lease = cache.InsertPattern(1, 500);
        cache.InsertPattern(2, 500).Dispose();
        cache.InsertPattern(3, 500).Dispose();

        Assert.False(Present(cache, 1));
        Assert.False(lease.IsCached);
        Assert.True(allocator.IsLive(lease.Span));
        Assert.True(HasPattern(1, lease.Span));
        var freesBefore = allocator.Frees;

        lease.Dispose();
        Assert.Equal(freesBefore + 1, allocator.Frees);
        Assert.Equal(0, allocator.BadFrees);
    }

    [Fact]
    public void Leases_survive_Clear_and_Remove_and_free_only_when_released()
    {
        var allocator = new CountingBlockAllocator();
        var cache = OneShard(4096, allocator);
        var a = cache.InsertPattern(1, 700);
        Assert.True(cache.TryGet(Key(1), BlockKind.Data, out var a2));
        var b = cache.InsertPattern(2, 900);

        Assert.True(cache.Remove(Key(2)));
        Assert.False(cache.Remove(Key(2)));
        cache.Clear();
        Assert.Equal(0, cache.GetStats().Data.Count);
        Assert.Equal(0, cache.DataBytes);
        Assert.Equal(2, allocator.Live);

        Assert.True(HasPattern(1, a.Span) && HasPattern(1, a2.Span) && HasPattern(2, b.Span));
        a.Dispose();
        Assert.Equal(2, allocator.Live);
        a2.Dispose();
        b.Dispose();
        cache.Dispose();
        Assert.Equal(0, allocator.Live);
        Assert.Equal(allocator.Allocations, allocator.Frees);
        Assert.Equal(0, allocator.BadFrees);
    }

    [Fact]
    public void Inserting_a_cached_key_returns_the_existing_block_and_frees_the_copy()
    {
        var allocator = new CountingBlockAllocator();
        using var cache = OneShard(4096, allocator);
        using var first = cache.InsertPattern(1, 100);
        using var second = cache.Insert(Key(1), BlockKind.Data, new byte[100]);

        Assert.True(HasPattern(1, second.Span));
        Assert.Equal(1, allocator.Live);
        Assert.Equal(1, cache.GetStats().Data.Count);
    }

    [Fact]
    public void A_block_larger_than_a_shards_budget_is_leased_but_never_cached()
    {
        var allocator = new CountingBlockAllocator();
        using var cache = new BlockCache(new BlockCacheOptions { DataCapacityBytes = 4000, ShardCount = 4 }, allocator);
        cache.InsertPattern(1, 900).Dispose();

        var big = cache.InsertPattern(2, 1001);
        Assert.True(big.HasValue);
        Assert.False(big.IsCached);
        Assert.True(HasPattern(2, big.Span));
        Assert.False(Present(cache, 2));
        Assert.True(Present(cache, 1));
        Assert.Equal(900, cache.DataBytes);
        big.Dispose();
        Assert.Equal(1, allocator.Live);
    }

    [Fact]
    public void Zero_capacity_caches_nothing_and_empty_blocks_are_not_cached()
    {
        var allocator = new CountingBlockAllocator();
        using var cache = new BlockCache(new BlockCacheOptions { DataCapacityBytes = 0, MetaCapacityBytes = 0 }, allocator);
        using (var lease = cache.InsertPattern(1, 10))
        {
            Assert.False(lease.IsCached);
            Assert.True(HasPattern(1, lease.Span));
        }

        using (var empty = cache.Insert(Key(2), BlockKind.Index, ReadOnlySpan<byte>.Empty))
        {
            Assert.True(empty.HasValue);
            Assert.Equal(0, empty.Length);
        }

        Assert.Equal(0, allocator.Live);
    }

    [Fact]
    public void Data_blocks_use_the_data_budget_and_metadata_the_meta_budget()
    {
        using var cache = OneShard(dataCapacity: 10_000, metaCapacity: 10_000);
        cache.InsertPattern(1, 1000, BlockKind.Data).Dispose();
        cache.InsertPattern(2, 200, BlockKind.Index).Dispose();
        cache.InsertPattern(3, 30, BlockKind.Filter).Dispose();
        cache.InsertPattern(4, 4, BlockKind.Stats).Dispose();

        var stats = cache.GetStats();
        Assert.Equal((1, 1000), (stats.Data.Count, stats.Data.SizeBytes));
        Assert.Equal((3, 234), (stats.Meta.Count, stats.Meta.SizeBytes));
        Assert.Equal(10_000, stats.Meta.CapacityBytes);
        Assert.Equal(1000, cache.DataBytes);
        Assert.Equal(234, cache.MetaBytes);

        // A metadata lookup never finds a data block and the other way round.
        Assert.False(Present(cache, 1, BlockKind.Index));
        Assert.False(Present(cache, 2, BlockKind.Data));
        Assert.True(Present(cache, 2, BlockKind.Filter));
    }

    [Fact]
    public void Data_inserts_never_evict_metadata()
    {
        using var cache = OneShard(dataCapacity: 1000, metaCapacity: 1000);
        cache.InsertPattern(1, 800, BlockKind.Index).Dispose();
        for (var id = 10; id < 100; id++)
        {
            cache.InsertPattern(id, 300).Dispose();
        }

        Assert.True(Present(cache, 1, BlockKind.Index));
    }

    [Fact]
    public void A_rented_buffer_is_filled_in_place_and_then_inserted()
    {
        var allocator = new CountingBlockAllocator();
        using var cache = OneShard(4096, allocator);
        using var buffer = cache.Rent(1000);
        Pattern(5, 600).CopyTo(buffer.Span);
        buffer.Truncate(600);
        using var lease = cache.Insert(Key(5), BlockKind.Data, buffer);

        Assert.True(lease.IsCached);
        Assert.Equal(600, lease.Length);
        Assert.True(HasPattern(5, lease.Span));
        Assert.Equal(1000, cache.DataBytes);
        Assert.Equal(1, allocator.Live);
    }

    [Fact]
    public void A_detached_buffer_bypasses_the_cache_for_reads_that_do_not_fill_it()
    {
        var allocator = new CountingBlockAllocator();
        using var cache = OneShard(4096, allocator);
        var buffer = cache.Rent(64);
        Pattern(9, 64).CopyTo(buffer.Span);
        var lease = buffer.Detach();
        buffer.Dispose();

        Assert.False(lease.IsCached);
        Assert.False(Present(cache, 9));
        Assert.True(HasPattern(9, lease.Span));
        lease.Dispose();
        Assert.Equal(0, allocator.Live);
    }

    [Fact]
    public void A_buffer_is_consumed_once()
    {
        var allocator = new CountingBlockAllocator();
        using var cache = OneShard(4096, allocator);
        var buffer = cache.Rent(10);
        cache.Insert(Key(1), BlockKind.Data, buffer).Dispose();

        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => cache.Insert(Key(2), BlockKind.Data, buffer)).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => buffer.Detach()).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => buffer.Truncate(5)).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => cache.Rent(-1)).Kind);

        buffer.Dispose();
        cache.Clear();
        Assert.Equal(0, allocator.Live);
    }

    [Fact]
    public void An_abandoned_buffer_is_freed()
    {
        var allocator = new CountingBlockAllocator();
        using var cache = OneShard(4096, allocator);
        cache.Rent(100).Dispose();
        Assert.Equal(0, allocator.Live);
        Assert.Equal(1, allocator.Frees);
    }

    [Fact]
    public void A_disposed_cache_stops_caching()
    {
        var allocator = new CountingBlockAllocator();
        var cache = OneShard(4096, allocator);
        cache.InsertPattern(1, 10).Dispose();
        cache.Dispose();
        using var lease = cache.InsertPattern(2, 10);

        Assert.False(lease.IsCached);
        Assert.False(Present(cache, 1));
        Assert.Equal(1, allocator.Live);
    }

    [Fact]
    public void Stats_count_hits_misses_and_evictions_per_budget()
    {
        using var cache = OneShard(dataCapacity: 200, metaCapacity: 1000);
        cache.InsertPattern(1, 100).Dispose();
        cache.InsertPattern(2, 100, BlockKind.Filter).Dispose();
        cache.Hit(1);
        cache.Hit(1);
        Assert.False(cache.TryGet(Key(3), BlockKind.Data, out _));
        cache.Hit(2, BlockKind.Filter);
        cache.InsertPattern(4, 150).Dispose();

        var stats = cache.GetStats();
        Assert.Equal(new BudgetStats(Count: 1, SizeBytes: 150, CapacityBytes: 200, Hits: 2, Misses: 1, Evictions: 1), stats.Data);
        Assert.Equal(new BudgetStats(Count: 1, SizeBytes: 100, CapacityBytes: 1000, Hits: 1, Misses: 0, Evictions: 0), stats.Meta);
    }

    private static bool Present(BlockCache cache, int id, BlockKind kind = BlockKind.Data) => cache.Contains(id, kind);
}
