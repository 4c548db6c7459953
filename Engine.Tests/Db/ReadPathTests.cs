using System.Buffers;
using System.Text;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Db;

public sealed class ReadPathTests
{
    private static readonly DbOptions s_options = new() { FlushInterval = TimeSpan.FromMilliseconds(5), L0SstSizeBytes = 4096, L0MaxSsts = 10_000, MinFilterKeys = 10 };

    private static async Task<List<string>> Keys(DbIterator it)
    {
        var keys = new List<string>();
        await foreach (var kv in it)
        {
            keys.Add(S(kv.Key));
        }

        await it.DisposeAsync();
        return keys;
    }

    // Rows spread over L0 SSTs, a frozen memtable or two and the active memtable.
    private static async Task<DbHandle> Populated(IObjectStore store)
    {
        var db = await DbHandle.OpenAsync("db", store, s_options);
        for (var i = 0; i < 200; i++)
        {
            await db.PutAsync(B($"k{i:d3}"), new byte[50], writeOptions: WriteOptions.NoWait);
            if (i == 100)
            {
                await db.FlushAsync(FlushType.MemTable);
            }
        }

        for (var i = 0; i < 200; i += 10)
        {
            await db.DeleteAsync(B($"k{i:d3}"), WriteOptions.NoWait);
        }

        await db.PutAsync(B("k005"), B("new"), writeOptions: WriteOptions.NoWait);
        return db;
    }

    [Fact]
    public async Task Point_reads_over_more_ssts_than_the_metadata_budget_holds_stay_correct_and_within_budget()
    {
        const long budget = 8 * 1024;
        var options = s_options with { BlockCache = new() { MetaCapacityBytes = budget }, Compactor = new() { Enabled = false } };
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), options);
        for (var i = 0; i < 400; i++)
        {
            await db.PutAsync(B($"k{i:d3}"), new byte[100], writeOptions: WriteOptions.NoWait);
        }

        await db.FlushAsync(FlushType.MemTable);
        Assert.True(db.CurrentManifest.L0.Length >= 8, $"the test needs many SSTs, got {db.CurrentManifest.L0.Length}");

        for (var round = 0; round < 2; round++)
        {
            for (var i = 0; i < 400; i += 7)
            {
                Assert.NotNull(await db.GetAsync(B($"k{i:d3}")));
                Assert.True(db.OpenedSsts.Bytes <= budget, $"opened SSTs hold {db.OpenedSsts.Bytes} bytes, budget {budget}");
            }
        }

        Assert.Null(await db.GetAsync(B("k999")));
    }

    [Fact]
    public async Task A_full_scan_returns_every_live_key_once_in_order_in_both_directions()
    {
        await using var db = await Populated(new InMemoryObjectStore());
        var expected = Enumerable.Range(0, 200).Where(i => i % 10 != 0).Select(i => $"k{i:d3}").ToList();

        Assert.Equal(expected, await Keys(db.ScanAsync(KeyRange.All)));
        Assert.Equal(expected.AsEnumerable().Reverse(), await Keys(db.ScanAsync(KeyRange.All, new ScanOptions { Order = IterationOrder.Descending })));
        var first = await db.ScanAsync(KeyRange.All).NextAsync();
        Assert.Equal("k001", S(first!.Key));
    }

    [Fact]
    public async Task Range_bounds_are_honoured_inclusive_exclusive_and_by_prefix()
    {
        await using var db = await Populated(new InMemoryObjectStore());

        Assert.Equal(["k011", "k012"], await Keys(db.ScanAsync(new KeyRange(KeyBound.Included(B("k011")), KeyBound.Excluded(B("k013"))))));
        Assert.Equal(["k012", "k013"], await Keys(db.ScanAsync(new KeyRange(KeyBound.Excluded(B("k011")), KeyBound.Included(B("k013"))))));
        Assert.Equal(9, (await Keys(db.ScanPrefixAsync(B("k01")))).Count);
        Assert.Equal(["k199", "k198"], (await Keys(db.ScanAsync(new KeyRange(KeyBound.Included(B("k197")), KeyBound.Unbounded), new ScanOptions { Order = IterationOrder.Descending }))).Take(2));
    }

    [Fact]
    public async Task Invalid_ranges_are_invalid()
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => new KeyRange(KeyBound.Included(B("b")), KeyBound.Included(B("a")))).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => new KeyRange(KeyBound.Included([]), KeyBound.Unbounded)).Kind);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Seek_moves_forward_and_for_descending_scans_backward()
    {
        await using var db = await Populated(new InMemoryObjectStore());
        await using var up = db.ScanAsync(KeyRange.All);
        await up.SeekAsync(B("k150"));
        Assert.Equal("k151", S((await up.NextAsync())!.Key));
        Assert.Equal("k152", S((await up.NextAsync())!.Key));

        await using var down = db.ScanAsync(KeyRange.All, new ScanOptions { Order = IterationOrder.Descending });
        await down.SeekAsync(B("k150"));
        Assert.Equal("k149", S((await down.NextAsync())!.Key));
        Assert.Equal("k148", S((await down.NextAsync())!.Key));
    }

    [Fact]
    public async Task Get_key_value_returns_sequence_number_and_timestamps()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_options);
        var h = await db.PutAsync(B("a"), B("1"), new PutOptions { Ttl = Ttl.ExpireAfter(TimeSpan.FromMinutes(1)) });
        var kv = await db.GetKeyValueAsync(B("a"));

        Assert.NotNull(kv);
        Assert.Equal(h.Seq, kv.Seq);
        Assert.Equal(h.CreateTs, kv.CreateTs);
        Assert.Equal(h.CreateTs + 60_000, kv.ExpireTs);
        await db.FlushAsync(FlushType.MemTable);
        var fromL0 = (await db.GetKeyValueAsync(B("a")))!;
        Assert.Equal((kv.Seq, kv.CreateTs, kv.ExpireTs, "1"), (fromL0.Seq, fromL0.CreateTs, fromL0.ExpireTs, S(fromL0.Value)));
    }

    [Fact]
    public async Task A_snapshot_keeps_reading_its_versions_across_overwrites_deletes_and_flushes()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_options);
        for (var i = 0; i < 50; i++)
        {
            await db.PutAsync(B($"k{i:d2}"), B($"old{i}"), writeOptions: WriteOptions.NoWait);
        }

        using var snapshot = db.Snapshot();
        var before = await Keys(snapshot.ScanAsync(KeyRange.All));
        for (var i = 0; i < 50; i++)
        {
            if (i % 2 == 0)
            {
                await db.PutAsync(B($"k{i:d2}"), B($"new{i}"), writeOptions: WriteOptions.NoWait);
            }
            else
            {
                await db.DeleteAsync(B($"k{i:d2}"), WriteOptions.NoWait);
            }
        }

        await db.PutAsync(B("zz"), B("later"), writeOptions: WriteOptions.NoWait);
        await db.FlushAsync(FlushType.MemTable);

        Assert.Equal(before, await Keys(snapshot.ScanAsync(KeyRange.All)));
        Assert.Equal("old4", S((await snapshot.GetAsync(B("k04")))!));
        Assert.Equal("old5", S((await snapshot.GetAsync(B("k05")))!));
        Assert.Null(await snapshot.GetAsync(B("zz")));
        Assert.Equal("new4", S((await db.GetAsync(B("k04")))!));
        Assert.Null(await db.GetAsync(B("k05")));
    }

    [Fact]
    public async Task A_snapshot_scan_never_changes_under_concurrent_writers()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_options);
        for (var i = 0; i < 300; i++)
        {
            await db.PutAsync(B($"k{i:d3}"), B("v0"), writeOptions: WriteOptions.NoWait);
        }

        using var snapshot = db.Snapshot();
        var expected = await Keys(snapshot.ScanAsync(KeyRange.All));
        using var stop = new CancellationTokenSource();
        // Each writer is bounded: with 4 KiB L0 SSTs every few hundred writes add an SST that
        // every later scan merges, so writers left to run for as long as the scans take made the
        // scans slower and themselves longer, without limit on a busy machine (minutes, GBs).
        var writers = Enumerable.Range(0, 2).Select(w => Task.Run(async () =>
        {
            var random = new Random(w);
            for (var op = 0; op < 5_000 && !stop.IsCancellationRequested; op++)
            {
                var k = B($"k{random.Next(400):d3}");
                if (random.Next(3) == 0)
                {
                    await db.DeleteAsync(k, WriteOptions.NoWait);
                }
                else
                {
                    await db.PutAsync(k, new byte[random.Next(100)], writeOptions: WriteOptions.NoWait);
                }
            }
        })).ToArray();

        for (var round = 0; round < 20; round++)
        {
            Assert.Equal(expected, await Keys(snapshot.ScanAsync(KeyRange.All)));
        }

        stop.Cancel();
        await Task.WhenAll(writers);
    }

    [Fact]
    public async Task A_remote_read_does_not_see_a_write_until_its_wal_object_lands()
    {
        var gated = new GatedStore(new InMemoryObjectStore(), "/wal/");
        await using var db = await DbHandle.OpenAsync("db", new RetryingObjectStore(gated), s_options);
        gated.Hold();
        var write = db.PutAsync(B("k"), B("v")).AsTask();
        await gated.Arrived("db/wal/00000000000000000002.sst");

        var remote = new ReadOptions { DurabilityFilter = DurabilityFilter.Remote };
        Assert.Equal("v", S((await db.GetAsync(B("k")))!));
        Assert.Null(await db.GetAsync(B("k"), remote));
        // Dirty lifts only the committed bound, never the durability bound (as in SlateDB).
        Assert.Null(await db.GetAsync(B("k"), remote with { Dirty = true }));
        Assert.Empty(await Keys(db.ScanAsync(KeyRange.All, new ScanOptions { DurabilityFilter = DurabilityFilter.Remote })));

        gated.ReleaseAll();
        await write;
        Assert.Equal("v", S((await db.GetAsync(B("k"), remote))!));
    }

    [Fact]
    public async Task Try_get_writes_into_the_callers_buffer_and_completes_synchronously_on_memtable_and_cache_hits()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_options);
        await db.PutAsync(B("mem"), B("from-memtable"));
        var buffer = new ArrayBufferWriter<byte>();

        var hit = db.TryGetAsync(B("mem"), buffer);
        Assert.True(hit.IsCompletedSuccessfully);
        Assert.True(await hit);
        Assert.Equal("from-memtable", S(buffer.WrittenSpan.ToArray()));

        await db.FlushAsync(FlushType.MemTable);
        buffer.ResetWrittenCount();
        Assert.True(await db.TryGetAsync(B("mem"), buffer));
        buffer.ResetWrittenCount();
        var cached = db.TryGetAsync(B("mem"), buffer);
        Assert.True(cached.IsCompletedSuccessfully);
        Assert.Equal("from-memtable", S(buffer.WrittenSpan.ToArray()));
        Assert.False(await db.TryGetAsync(B("absent"), buffer));
    }

    [Fact]
    public async Task An_iterator_stays_valid_while_its_memtable_freezes_and_flushes()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_options with { L0SstSizeBytes = 1 << 20 });
        for (var i = 0; i < 100; i++)
        {
            await db.PutAsync(B($"k{i:d3}"), B("v"), writeOptions: WriteOptions.NoWait);
        }

        await using var it = db.ScanAsync(KeyRange.All);
        Assert.Equal("k000", S((await it.NextAsync())!.Key));
        await db.FlushAsync(FlushType.MemTable);
        for (var i = 0; i < 100; i++)
        {
            await db.PutAsync(B($"k{i:d3}x"), B("v"), writeOptions: WriteOptions.NoWait);
        }

        var rest = 1;
        while (await it.NextAsync() is not null)
        {
            rest++;
        }

        Assert.Equal(100, rest);
    }
}
