using System.Collections.Concurrent;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Db;

/// <summary>
/// <see cref="DbHandle.ScanPrefixByRecencyAsync"/> (SlateDB 0.15's scan_prefix_by_recency): the
/// rows under a prefix source by source, newest source first, unmerged; older SSTs are opened only
/// when the walk reaches them; a prefix across segments is refused.
/// </summary>
public sealed class RecencyScanTests
{
    private static readonly WriteOptions NoWait = WriteOptions.NoWait;

    private static string Show(RecencyEntry e) => $"{S(e.Key)}={(e.Kind == RowKind.Tombstone ? "del" : S(e.Value!))}";

    private static async Task<List<string>> Drain(RecencyIterator rows)
    {
        var shown = new List<string>();
        await foreach (var row in rows)
        {
            shown.Add(Show(row));
        }

        return shown;
    }

    // Two L0 SSTs and a memtable: the oldest L0 holds p/1=a, p/2=b; the newer p/1=a2; the
    // memtable deletes p/2 and adds p/3. A key outside the prefix sits in every source.
    private static async Task WriteThreeSourcesAsync(DbHandle db)
    {
        await db.PutAsync(B("p/1"), B("a"), writeOptions: NoWait);
        await db.PutAsync(B("p/2"), B("b"), writeOptions: NoWait);
        await db.PutAsync(B("q/1"), B("x"), writeOptions: NoWait);
        await db.FlushAsync(FlushType.MemTable);
        await db.PutAsync(B("p/1"), B("a2"), writeOptions: NoWait);
        await db.PutAsync(B("q/1"), B("y"), writeOptions: NoWait);
        await db.FlushAsync(FlushType.MemTable);
        await db.DeleteAsync(B("p/2"), writeOptions: NoWait);
        await db.PutAsync(B("p/3"), B("c"), writeOptions: NoWait);
        await db.PutAsync(B("q/2"), B("z"), writeOptions: NoWait);
    }

    [Fact]
    public async Task Rows_come_source_by_source_newest_first_unmerged_with_tombstones_and_every_version()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), TestOptions.ManualTree);
        await WriteThreeSourcesAsync(db);
        await db.MergeAsync(B("p/3"), B("+"), writeOptions: NoWait);

        await using var rows = db.ScanPrefixByRecencyAsync(B("p/"));
        Assert.Equal(["p/2=del", "p/3=+", "p/3=c", "p/1=a2", "p/1=a", "p/2=b"], await Drain(rows));
    }

    [Fact]
    public async Task Keys_within_a_source_follow_the_scan_order_and_each_entry_carries_its_sequence_number_and_kind()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), TestOptions.ManualTree);
        await WriteThreeSourcesAsync(db);

        await using var rows = db.ScanPrefixByRecencyAsync(B("p/"), new ScanOptions { Order = IterationOrder.Descending });
        var all = new List<RecencyEntry>();
        await foreach (var row in rows)
        {
            all.Add(row);
        }

        Assert.Equal(["p/3=c", "p/2=del", "p/1=a2", "p/2=b", "p/1=a"], all.Select(Show));
        Assert.Equal(RowKind.Tombstone, all[1].Kind);
        Assert.Null(all[1].Value);
        Assert.True(all[0].Seq > all[1].Seq && all[1].Seq > all[2].Seq && all[2].Seq > all[3].Seq);
        Assert.NotNull(all[0].CreateTs);
    }

    [Fact]
    public async Task Sorted_runs_come_after_L0_and_an_empty_prefix_walks_everything()
    {
        var options = TestOptions.ManualTree with { Compactor = new CompactorOptions { PollInterval = TimeSpan.FromHours(1), MinCompactionSources = 50, MaxCompactionSources = 50 } };
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), options);
        await db.PutAsync(B("k1"), B("run"), writeOptions: NoWait);
        await db.FlushAsync(FlushType.MemTable);
        await db.CompactAsync();
        await db.PutAsync(B("k1"), B("l0"), writeOptions: NoWait);
        await db.FlushAsync(FlushType.MemTable);
        await db.PutAsync(B("k0"), B("mem"), writeOptions: NoWait);

        await using var rows = db.ScanPrefixByRecencyAsync([]);
        Assert.Equal(["k0=mem", "k1=l0", "k1=run"], await Drain(rows));
    }

    [Fact]
    public async Task A_walk_that_stops_at_the_freshest_source_opens_no_older_SST()
    {
        var store = new SstReadCountingStore(new InMemoryObjectStore());
        var options = TestOptions.ManualTree with { GarbageCollector = null };
        await using (var writer = await DbHandle.OpenAsync("db", store, options))
        {
            for (var s = 0; s < 4; s++)
            {
                await writer.PutAsync(B("p/" + s), B("v" + s), writeOptions: NoWait);
                await writer.FlushAsync(FlushType.MemTable);
            }
        }

        // Reopened: nothing cached, the memtable empty, four L0 SSTs.
        await using var db = await DbHandle.OpenAsync("db", store, options);
        store.Counting = true;
        await using (var rows = db.ScanPrefixByRecencyAsync(B("p/")))
        {
            Assert.Equal("p/3=v3", Show((await rows.NextAsync())!));
        }

        Assert.Single(store.SstsRead);

        store.SstsRead.Clear();
        await using (var rows = db.ScanPrefixByRecencyAsync(B("p/")))
        {
            Assert.Equal(["p/3=v3", "p/2=v2", "p/1=v1", "p/0=v0"], await Drain(rows));
        }
    }

    [Fact]
    public async Task A_read_that_sees_only_durable_rows_leaves_out_the_unflushed_ones()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), TestOptions.ManualTree with { FlushInterval = TimeSpan.FromHours(1) });
        await db.PutAsync(B("p/1"), B("durable"));
        await db.PutAsync(B("p/2"), B("in memory"), writeOptions: NoWait);

        await using var remote = db.ScanPrefixByRecencyAsync(B("p/"), new ScanOptions { DurabilityFilter = DurabilityFilter.Remote });
        Assert.Equal(["p/1=durable"], await Drain(remote));
        await using var memory = db.ScanPrefixByRecencyAsync(B("p/"));
        Assert.Equal(["p/1=durable", "p/2=in memory"], await Drain(memory));
    }

    [Fact]
    public async Task A_prefix_within_one_segment_walks_that_segment_and_one_spanning_segments_is_invalid()
    {
        var options = TestOptions.ManualTree with { SegmentExtractor = PrefixExtractor.FixedLength(2), MinFilterKeys = 1 };
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), options);
        foreach (var segment in new[] { "aa", "ab", "bb" })
        {
            await db.PutAsync(B(segment + "/old"), B("1"), writeOptions: NoWait);
        }

        await db.FlushAsync(FlushType.MemTable);
        await db.PutAsync(B("ab/new"), B("2"), writeOptions: NoWait);

        await using (var rows = db.ScanPrefixByRecencyAsync(B("ab/")))
        {
            Assert.Equal(["ab/new=2", "ab/old=1"], await Drain(rows));
        }

        var spanning = Assert.Throws<SlateFastException>(() => { _ = db.ScanPrefixByRecencyAsync(B("a")); });
        Assert.Equal(ErrorKind.Invalid, spanning.Kind);
        Assert.Contains("segment", spanning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_disposed_iterator_and_a_closed_database_are_closed()
    {
        var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), TestOptions.ManualTree);
        await db.PutAsync(B("p/1"), B("v"), writeOptions: NoWait);
        var rows = db.ScanPrefixByRecencyAsync(B("p/"));
        await rows.DisposeAsync();
        await rows.DisposeAsync();
        Assert.Equal(ErrorKind.Closed, (await Assert.ThrowsAsync<SlateFastException>(async () => await rows.NextAsync())).Kind);

        // An iterator left open holds its memtable; closing the database does not wait on it.
        await using var open = db.ScanPrefixByRecencyAsync(B("p/"));
        await db.CloseAsync();
        Assert.Equal(ErrorKind.Closed, Assert.Throws<SlateFastException>(() => { _ = db.ScanPrefixByRecencyAsync(B("p/")); }).Kind);
        Assert.Equal(["p/1=v"], await Drain(open));
    }

    /// <summary>Records which SST objects are read once counting is on.</summary>
    private sealed class SstReadCountingStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        public bool Counting { get; set; }

        public ConcurrentDictionary<string, bool> SstsRead { get; } = new(StringComparer.Ordinal);

        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (Counting && operation is "get" or "get-range" && path.Contains("/compacted/", StringComparison.Ordinal))
            {
                SstsRead[path] = true;
            }

            return call(cancellationToken);
        }
    }
}
