using System.Collections.Concurrent;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Segments;

/// <summary>
/// What prefix bloom filters save, counted in data-block reads (RFC 0031): prefix scans read only
/// the SSTs whose filter admits the prefix, in L0 and in sorted runs; point reads without whole
/// keys probe the key's prefix; readers use the filters only with the writer's extractor and
/// answer the same without them.
/// </summary>
public sealed class PrefixFilterBlockReadTests
{
    private const int Ssts = 8;

    private static DbOptions Options(string? extractor = "fixed:4", bool wholeKeys = true) => new()
    {
        FormatLevel = FormatLevel.SlateDb013,
        FilterPrefixExtractor = extractor is null ? null : PrefixExtractor.Parse(extractor),
        WholeKeyFiltering = wholeKeys,
        MinFilterKeys = 1,
        FlushInterval = TimeSpan.FromMilliseconds(5),
        GarbageCollector = null,

        // No background compaction: the tests need their L0 SSTs as written.
        Compactor = new() { Enabled = false },
    };

    // Compaction only when the test asks for it (L0 holds more than the compactor waits for).
    private static DbOptions Compacting(DbOptions options) => options with { Compactor = new() { PollInterval = TimeSpan.FromHours(1), MinCompactionSources = 100, MaxCompactionSources = 100 }, L0MaxSsts = 200 };

    /// <summary>Counts data reads per object: range reads of compacted SSTs after they were opened.</summary>
    private sealed class ReadCountingStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        private readonly ConcurrentDictionary<string, int> _reads = new(StringComparer.Ordinal);

        public bool Counting { get; set; }

        public IReadOnlyDictionary<string, int> Reads => _reads;

        public void Reset() => _reads.Clear();

        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (Counting && operation is "get" or "get-range" && path.Contains("/compacted/", StringComparison.Ordinal))
            {
                _reads.AddOrUpdate(path, 1, (_, n) => n + 1);
            }

            return call(cancellationToken);
        }
    }

    // Eight L0 SSTs, each spanning the whole key space ("0000..." to "zzzz...") so their key
    // ranges all overlap every prefix, and each holding 50 keys of its own prefix "pNN/".
    private static async Task WriteOverlappingSstsAsync(DbHandle db)
    {
        for (int s = 0; s < Ssts; s++)
        {
            await db.PutAsync(B($"0000-{s}"), B("low"), writeOptions: WriteOptions.NoWait);
            await db.PutAsync(B($"zzzz-{s}"), B("high"), writeOptions: WriteOptions.NoWait);
            for (int i = 0; i < 50; i++)
            {
                await db.PutAsync(B($"p{s:D2}/{i:D3}"), B($"v{s}.{i}"), writeOptions: WriteOptions.NoWait);
            }

            await db.FlushAsync(FlushType.MemTable);
        }
    }

    private static async Task<List<string>> ScanAsync(DbIterator iterator)
    {
        var rows = new List<string>();
        await using (iterator)
        {
            await foreach (var row in iterator)
            {
                rows.Add($"{S(row.Key)}={S(row.Value)}");
            }
        }

        return rows;
    }

    private static List<string> Expected(int s) => [.. Enumerable.Range(0, 50).Select(i => $"p{s:D2}/{i:D3}=v{s}.{i}")];

    private static async Task<IReadOnlyList<string>> FilterNamesAsync(IObjectStore store)
    {
        var (_, manifest) = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;
        var names = new List<string>();
        foreach (var view in manifest.AllViews())
        {
            var file = await SlateFast.Sst.SstFile.OpenAsync(store, DbPaths.CompactedSstPath("db", manifest.ExternalDbs, view.Sst.Id));
            names.AddRange(file.FilterNames);
        }

        return names;
    }

    [Fact]
    public async Task A_prefix_scan_over_overlapping_l0_ssts_reads_only_the_sst_holding_the_prefix()
    {
        var store = new ReadCountingStore(new InMemoryObjectStore());
        await using var db = await DbHandle.OpenAsync("db", store, Options());
        await WriteOverlappingSstsAsync(db);

        // Every SST is opened (index and filter read) by the first scan; count from the second.
        Assert.Empty(await ScanAsync(db.ScanPrefixAsync(B("q00/"))));
        store.Counting = true;
        for (int s = 0; s < Ssts; s++)
        {
            store.Reset();
            Assert.Equal(Expected(s), await ScanAsync(db.ScanPrefixAsync(B($"p{s:D2}/"))));
            Assert.Single(store.Reads);

            // KeyRange.Prefix is the same scan.
            store.Reset();
            Assert.Equal(Expected(s), await ScanAsync(db.ScanAsync(KeyRange.Prefix(B($"p{s:D2}/")))));
            Assert.Single(store.Reads);
        }

        // A prefix no SST holds reads no block; a range that is not a prefix reads them all.
        store.Reset();
        Assert.Empty(await ScanAsync(db.ScanPrefixAsync(B("p50/"))));
        Assert.Empty(store.Reads);
        store.Reset();
        Assert.Equal(50, (await ScanAsync(db.ScanAsync(KeyRange.Between(B("p03/"), B("p03/~"))))).Count);
        Assert.Equal(Ssts, store.Reads.Count);

        // A scan prefix shorter than the extractor's cannot use the filters.
        store.Reset();
        Assert.Equal(Ssts * 50, (await ScanAsync(db.ScanPrefixAsync(B("p")))).Count);
        Assert.Equal(Ssts, store.Reads.Count);

        // Snapshots and transactions scan the same way.
        using (var snapshot = db.Snapshot())
        {
            store.Reset();
            Assert.Equal(Expected(5), await ScanAsync(snapshot.ScanPrefixAsync(B("p05/"))));
            Assert.Single(store.Reads);
        }

        await using (var txn = db.BeginTransaction())
        {
            store.Reset();
            var rows = new List<string>();
            await foreach (var row in txn.ScanAsync(KeyRange.Prefix(B("p06/"))))
            {
                rows.Add($"{S(row.Key)}={S(row.Value)}");
            }

            Assert.Equal(Expected(6), rows);
            Assert.Single(store.Reads);
        }
    }

    [Fact]
    public async Task A_prefix_scan_of_a_sorted_run_skips_the_ssts_its_filter_rules_out()
    {
        var inner = new InMemoryObjectStore();
        // 20 bits per key: these keys give no false positive for the absent prefixes below (at 10, p23/ is one).
        await using (var db = await DbHandle.OpenAsync("db", inner, Compacting(Options()) with { FilterBitsPerKey = 20 }))
        {
            // Even prefixes only: the odd ones fall inside the run's SSTs' key ranges.
            for (int p = 0; p < 40; p += 2)
            {
                for (int i = 0; i < 20; i++)
                {
                    await db.PutAsync(B($"p{p:D2}/{i:D3}"), B($"v{p}.{i}"), writeOptions: WriteOptions.NoWait);
                }
            }

            await db.FlushAsync(FlushType.MemTable);
            await db.CompactAsync();
        }

        var store = new ReadCountingStore(inner);
        await using var reopened = await DbHandle.OpenAsync("db", store, Options());
        var (_, manifest) = (await new ManifestStore(inner, "db").LoadLatestAsync())!.Value;
        Assert.Empty(manifest.L0);
        Assert.NotEmpty(manifest.Compacted);

        // Open the run's SST (a scan through it), then count.
        Assert.Equal(20, (await ScanAsync(reopened.ScanPrefixAsync(B("p10/")))).Count);
        store.Counting = true;
        for (int p = 1; p < 40; p += 2)
        {
            store.Reset();
            Assert.Empty(await ScanAsync(reopened.ScanPrefixAsync(B($"p{p:D2}/"))));
            Assert.True(store.Reads.Count == 0, $"p{p:D2}/ read {store.Reads.Count}");
            Assert.Empty(await ScanAsync(reopened.ScanPrefixAsync(B($"p{p:D2}/"), new ScanOptions { Order = IterationOrder.Descending })));
            Assert.Empty(store.Reads);
        }

        store.Reset();
        Assert.Equal(20, (await ScanAsync(reopened.ScanPrefixAsync(B("p20/"), new ScanOptions { Order = IterationOrder.Descending }))).Count);
        Assert.NotEmpty(store.Reads);
    }

    [Fact]
    public async Task Point_reads_without_whole_key_filtering_probe_the_keys_prefix()
    {
        var inner = new InMemoryObjectStore();
        await using (var writer = await DbHandle.OpenAsync("db", inner, Options(wholeKeys: false)))
        {
            await WriteOverlappingSstsAsync(writer);
        }

        // Reopened, so no block the flushes cached is in the block cache.
        var store = new ReadCountingStore(inner);
        await using var db = await DbHandle.OpenAsync("db", store, Options(wholeKeys: false));
        Assert.Equal(Enumerable.Repeat("_bf:p=fixed:4:wh=0", Ssts), await FilterNamesAsync(store.Inner));

        // Not cached, so a false positive's block is not served to the reads counted below.
        var noCache = new ReadOptions { CacheBlocks = false };
        Assert.Null(await db.GetAsync(B("q00/000"), noCache));
        store.Counting = true;
        for (int s = 0; s < Ssts; s++)
        {
            store.Reset();
            Assert.Equal($"v{s}.7", S(await db.GetAsync(B($"p{s:D2}/007"), noCache)));
            Assert.Single(store.Reads);

            // Same prefix, absent key: only that SST's blocks are searched.
            store.Reset();
            Assert.Null(await db.GetAsync(B($"p{s:D2}/999"), noCache));
            Assert.Single(store.Reads);
        }

        // No SST has the prefix: nothing is read.
        store.Reset();
        Assert.Null(await db.GetAsync(B("p77/001"), noCache));
        Assert.Empty(store.Reads);

        // A key too short for a prefix may be in any SST.
        store.Reset();
        Assert.Null(await db.GetAsync(B("p7"), noCache));
        Assert.Equal(Ssts, store.Reads.Count);
    }

    [Fact]
    public async Task A_reader_with_the_writers_extractor_uses_the_filters_and_one_with_another_ignores_them_and_answers_the_same()
    {
        var inner = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", inner, Options()))
        {
            await WriteOverlappingSstsAsync(db);
        }

        foreach (var (extractor, usesFilters) in new (string?, bool)[] { ("fixed:4", true), ("fixed:4@other", false), ("delimiter:/", false), (null, false) })
        {
            var store = new ReadCountingStore(inner);
            await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions
            {
                FilterPrefixExtractor = extractor is null ? null : PrefixExtractor.Parse(extractor),
            });
            Assert.Empty(await ScanAsync(reader.ScanPrefixAsync(B("q00/"))));
            store.Counting = true;
            for (int s = 0; s < Ssts; s++)
            {
                store.Reset();
                Assert.Equal(Expected(s), await ScanAsync(reader.ScanPrefixAsync(B($"p{s:D2}/"))));
                Assert.Equal(usesFilters ? 1 : Ssts, store.Reads.Count);
            }

            // Whole-key point reads work whatever the reader's extractor: the writer kept whole keys.
            Assert.Equal("v3.4", S(await reader.GetAsync(B("p03/004"))));
            Assert.Null(await reader.GetAsync(B("p03/404")));
        }
    }
}
