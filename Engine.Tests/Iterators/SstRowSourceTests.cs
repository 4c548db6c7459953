using SlateFast.Cache;
using SlateFast.Iterators;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Iterators;

public sealed class SstRowSourceTests
{
    private static List<ModelRow> Rows(int count) =>
        Enumerable.Range(0, count).Select(i => ModelRow.Put($"key{i:d5}", (ulong)(i + 1), new string('v', 20))).ToList();

    private static async Task<List<string>> Drain(IRowSource source)
    {
        var keys = new List<string>();
        while (await source.MoveNextAsync())
        {
            keys.Add(System.Text.Encoding.ASCII.GetString(source.Key));
        }

        return keys;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Read_ahead_fetches_the_blocks_of_a_whole_scan_in_one_ranged_read(bool descending)
    {
        var direction = descending ? ScanDirection.Descending : ScanDirection.Ascending;
        var store = new CountingStore(new InMemoryObjectStore());
        var (file, sst) = await TestSsts.WriteAsync(store, Rows(500), blockSize: 256);
        Assert.True(file.BlockCount > 20);

        var before = store.RangeReads;
        await using (var source = RowSources.Sst(store, file, 1, direction, options: new RowScanOptions { ReadAheadBytes = 1 << 20 }))
        {
            Assert.Equal(500, (await Drain(source)).Count);
        }

        Assert.Equal(1, store.RangeReads - before);

        before = store.RangeReads;
        await using (var source = RowSources.Sst(store, file, 1, direction, options: new RowScanOptions { ReadAheadBytes = 1, MaxFetchTasks = 3 }))
        {
            Assert.Equal(500, (await Drain(source)).Count);
        }

        Assert.Equal(file.BlockCount, store.RangeReads - before);
        _ = sst;
    }

    [Fact]
    public async Task A_bounded_scan_reads_only_the_blocks_its_range_touches()
    {
        var store = new CountingStore(new InMemoryObjectStore());
        var (file, _) = await TestSsts.WriteAsync(store, Rows(500), blockSize: 256);
        var range = KeyRange.Between(ModelRow.Bytes("key00100"), ModelRow.Bytes("key00110"));
        var before = store.RangeReads;
        await using (var source = RowSources.Sst(store, file, 1, ScanDirection.Ascending, range, options: new RowScanOptions { MaxFetchTasks = 4 }))
        {
            Assert.Equal(Enumerable.Range(100, 10).Select(i => $"key{i:d5}"), await Drain(source));
        }

        Assert.InRange(store.RangeReads - before, 1, 3);
    }

    [Fact]
    public async Task Cached_blocks_are_not_read_again_and_cache_blocks_off_leaves_the_cache_untouched()
    {
        var store = new CountingStore(new InMemoryObjectStore());
        var (file, _) = await TestSsts.WriteAsync(store, Rows(300), blockSize: 256);
        using var cache = new BlockCache();

        await using (var source = RowSources.Sst(store, file, 7, ScanDirection.Ascending, provider: new CachedBlockProvider(cache, 1, insert: false)))
        {
            await Drain(source);
        }

        Assert.Equal(0, cache.DataBytes);

        await using (var source = RowSources.Sst(store, file, 7, ScanDirection.Ascending, provider: new CachedBlockProvider(cache, 1, insert: true)))
        {
            await Drain(source);
        }

        Assert.True(cache.DataBytes > 0);
        var before = store.RangeReads;
        await using (var source = RowSources.Sst(store, file, 7, ScanDirection.Descending, provider: new CachedBlockProvider(cache, 1, insert: false)))
        {
            Assert.Equal(300, (await Drain(source)).Count);
        }

        Assert.Equal(0, store.RangeReads - before);
        cache.CheckInvariants();
    }

    [Fact]
    public async Task Over_cached_blocks_a_scan_looks_up_only_the_blocks_it_reaches_however_far_it_may_read_ahead()
    {
        var store = new CountingStore(new InMemoryObjectStore());
        var (file, _) = await TestSsts.WriteAsync(store, Rows(500), blockSize: 256);
        using var cache = new BlockCache();
        await using (var warm = RowSources.Sst(store, file, 7, ScanDirection.Ascending, provider: new CachedBlockProvider(cache, 1, insert: true)))
        {
            await Drain(warm);
        }

        // A seek and 10 rows of an open-ended range (as a seek and a row limit are): rows 100..109
        // sit in one or two blocks; reading ahead four chunks would look up four more.
        var provider = new CountingProvider(new CachedBlockProvider(cache, 1, insert: false));
        var range = new KeyRange(KeyBound.Included(ModelRow.Bytes("key00100")), KeyBound.Unbounded);
        await using (var source = RowSources.Sst(store, file, 7, ScanDirection.Ascending, range, provider: provider, options: new RowScanOptions { MaxFetchTasks = 4 }))
        {
            var keys = new List<string>();
            while (keys.Count < 10 && await source.MoveNextAsync())
            {
                keys.Add(System.Text.Encoding.ASCII.GetString(source.Key));
            }

            Assert.Equal(Enumerable.Range(100, 10).Select(i => $"key{i:d5}"), keys);
        }

        Assert.InRange(provider.Lookups, 1, 3);
        cache.CheckInvariants();
    }

    private sealed class CountingProvider(IBlockProvider inner) : IBlockProvider
    {
        public int Lookups { get; private set; }

        public bool TryGet(UInt128 sstId, long offset, out BlockHandle block)
        {
            Lookups++;
            return inner.TryGet(sstId, offset, out block);
        }

        public BlockHandle Admit(UInt128 sstId, long offset, ReadOnlyMemory<byte> block) => inner.Admit(sstId, offset, block);
    }

    [Fact]
    public async Task A_sorted_run_opens_only_the_ssts_a_scan_reaches()
    {
        var store = new InMemoryObjectStore();
        var (run, files, _) = await TestSsts.RunAsync(store, Rows(400), [100, 200, 300]);
        var opened = new List<SlateFast.Manifest.Ulid>();
        SstOpener open = (view, _) =>
        {
            opened.Add(view.Sst.Id);
            return ValueTask.FromResult(files[view.Sst.Id]);
        };

        var range = KeyRange.Between(ModelRow.Bytes("key00150"), ModelRow.Bytes("key00250"));
        await using (var source = RowSources.SortedRun(store, run, open, ScanDirection.Descending, range))
        {
            Assert.Equal(Enumerable.Range(150, 100).Reverse().Select(i => $"key{i:d5}"), await Drain(source));
        }

        Assert.Equal([run.Ssts[2].Sst.Id, run.Ssts[1].Sst.Id], opened);

        opened.Clear();
        await using (var source = RowSources.SortedRun(store, run, open, ScanDirection.Ascending))
        {
            Assert.True(await source.SeekAsync(ModelRow.Bytes("key00399")));
            Assert.False(await source.MoveNextAsync());
        }

        Assert.Equal([run.Ssts[3].Sst.Id], opened);
    }

    [Fact]
    public async Task A_key_whose_versions_straddle_two_ssts_comes_out_newest_first_in_both_directions()
    {
        var store = new InMemoryObjectStore();
        var rows = new List<ModelRow>
        {
            ModelRow.Put("a", 1, "a1"),
            ModelRow.Put("k", 9, "k9"),
            ModelRow.Put("k", 7, "k7"),
            ModelRow.Put("k", 5, "k5"),
            ModelRow.Put("k", 3, "k3"),
            ModelRow.Put("z", 2, "z2"),
        };
        var (run, files, _) = await TestSsts.RunAsync(store, rows, [3]);
        SstOpener open = (view, _) => ValueTask.FromResult(files[view.Sst.Id]);
        foreach (var direction in new[] { ScanDirection.Ascending, ScanDirection.Descending })
        {
            await using var source = RowSources.SortedRun(store, run, open, direction);
            var seen = new List<string>();
            while (await source.MoveNextAsync())
            {
                seen.Add(System.Text.Encoding.ASCII.GetString(source.Value));
            }

            var expected = direction == ScanDirection.Ascending
                ? new[] { "a1", "k9", "k7", "k5", "k3", "z2" }
                : ["z2", "k9", "k7", "k5", "k3", "a1"];
            Assert.Equal(expected, seen);
        }
    }
}
