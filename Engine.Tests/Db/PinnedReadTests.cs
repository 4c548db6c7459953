using System.Text;
using SlateFast.Cache;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Db;

/// <summary>
/// A pinned point read (the C ABI's sf_db_get_pinned) holds a value found in a cached SST block
/// by a reference to the block instead of a copy, and copies any other value.
/// </summary>
public sealed class PinnedReadTests
{
    [Fact]
    public async Task A_value_in_a_cached_block_is_pinned_and_outlives_the_close_until_reset()
    {
        var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), new DbOptions { GarbageCollector = null });
        for (var i = 0; i < 100; i++)
        {
            await db.PutAsync(B($"key-{i:d3}"), B($"value-{i:d3}"), writeOptions: WriteOptions.NoWait);
        }

        await db.FlushAsync(FlushType.MemTable);
        await db.PutAsync(B("fresh"), B("in the memtable"), writeOptions: WriteOptions.NoWait);
        using var fromSst = new PinnedValue();
        using var fromMemtable = new PinnedValue();
        using var uncached = new PinnedValue();

        Assert.True(await db.TryGetPinnedAsync(B("key-042"), fromSst));
        Assert.True(await db.TryGetPinnedAsync(B("fresh"), fromMemtable));
        Assert.True(await db.TryGetPinnedAsync(B("key-007"), uncached, new ReadOptions { CacheBlocks = false }));
        Assert.False(await db.TryGetPinnedAsync(B("key-999"), uncached));

        Assert.True(fromSst.IsPinned);
        Assert.False(fromMemtable.IsPinned);
        Assert.Equal(B("in the memtable"), fromMemtable.Span.ToArray());
        Assert.Equal(0, uncached.Length); // a miss leaves the pin empty
        await db.CloseAsync();

        // The block cache is gone with the database; the pinned block lives on until the reset.
        Assert.Equal(B("value-042"), fromSst.Span.ToArray());
        fromSst.Reset();
        Assert.False(fromSst.IsPinned);
    }

    [Fact]
    public async Task A_read_that_does_not_cache_blocks_copies_its_value()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), new DbOptions { GarbageCollector = null });
        await db.PutAsync(B("k"), B("v"), writeOptions: WriteOptions.NoWait);
        await db.FlushAsync(FlushType.MemTable);
        using var pin = new PinnedValue();

        Assert.True(await db.TryGetPinnedAsync(B("k"), pin, new ReadOptions { CacheBlocks = false }));

        Assert.False(pin.IsPinned);
        Assert.Equal(B("v"), pin.Span.ToArray());
    }
}
