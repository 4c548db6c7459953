using System.Collections.Concurrent;
using System.Text;
using SlateFast.Compacting;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Retention;
using SlateFast.Sst;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Compacting;

public sealed class CompactionFilterTests
{
    private static DbOptions Options(ICompactionFilterSupplier? filter) => new()
    {
        FlushInterval = TimeSpan.FromMilliseconds(5),
        L0SstSizeBytes = 4096,
        MinFilterKeys = 10,
        Seed = 7,
        Compactor = new CompactorOptions { PollInterval = TimeSpan.FromHours(1) },
        CompactionFilter = filter,
    };

    /// <summary>A supplier whose filters all run one function and record what they saw.</summary>
    private sealed class Supplier(Func<CompactionEntry, CompactionDecision> decide) : ICompactionFilterSupplier
    {
        private readonly Func<CompactionEntry, CompactionDecision> _decide = decide;

        public ConcurrentQueue<CompactionJobContext> Jobs { get; } = new();

        public ConcurrentQueue<(string Key, ulong Seq, RowKind Kind)> Seen { get; } = new();

        public int Ends;

        public ICompactionFilter CreateFilter(CompactionJobContext context)
        {
            Jobs.Enqueue(context);
            return new RecordingFilter(this);
        }

        private sealed class RecordingFilter(Supplier owner) : ICompactionFilter
        {
            public CompactionDecision Filter(in CompactionEntry entry)
            {
                owner.Seen.Enqueue((S(entry.Key), entry.Seq, entry.Kind));
                return owner._decide(entry);
            }

            public void OnCompactionEnd() => Interlocked.Increment(ref owner.Ends);
        }
    }

    private static Supplier DropPrefix(string prefix) =>
        new(e => e.Key.StartsWith(B(prefix)) ? CompactionDecision.Drop : CompactionDecision.Keep);

    private static async Task<List<(string Key, string Value)>> ScanAll(DbHandle db) => await CompactionDbTests.ScanAll(db);

    private static async Task<List<(string Key, ulong Seq, RowKind Kind, string Value)>> Rows(IObjectStore store, IEnumerable<CompactedSst> ssts, IBlockTransformer? transformer = null)
    {
        var rows = new List<(string, ulong, RowKind, string)>();
        var it = new BlockIterator();
        foreach (var sst in ssts)
        {
            var file = await SstFile.OpenAsync(store, DbPaths.CompactedSstPath("db", sst.Id), transformer: transformer);
            for (var b = 0; b < file.BlockCount; b++)
            {
                it.Reset(await file.ReadBlockAsync(b), file.Format);
                for (var ok = it.SeekToFirst(); ok; ok = it.MoveNext())
                {
                    rows.Add((S(it.Key), it.Seq, it.Kind, S(it.Value)));
                }
            }
        }

        return rows;
    }

    [Fact]
    public async Task A_filter_that_drops_a_key_prefix_removes_those_keys_from_the_compacted_run()
    {
        var store = new InMemoryObjectStore();
        var filter = DropPrefix("tmp/");
        await using var db = await DbHandle.OpenAsync("db", store, Options(filter));
        await db.PutAsync(B("tmp/a"), B("1"));
        await db.PutAsync(B("keep/b"), B("2"));
        await db.FlushAsync(FlushType.MemTable);
        await db.PutAsync(B("tmp/c"), B("3"));
        await db.PutAsync(B("tmp/a"), B("4"));
        await db.FlushAsync(FlushType.MemTable);

        await db.CompactAsync();

        Assert.Equal([("keep/b", "2")], await ScanAll(db));
        var run = Assert.Single(db.CurrentManifest.Compacted);
        Assert.Equal([("keep/b", RowKind.Value)], (await Rows(store, run.Ssts.Select(v => v.Sst))).Select(r => (r.Key, r.Kind)));
    }

    [Fact]
    public async Task Dropping_the_newest_version_leaves_a_tombstone_so_the_version_a_snapshot_kept_does_not_come_back()
    {
        var store = new InMemoryObjectStore();
        var filter = new Supplier(e => S(e.Value) == "bad" ? CompactionDecision.Drop : CompactionDecision.Keep);
        await using var db = await DbHandle.OpenAsync("db", store, Options(filter));
        await db.PutAsync(B("k"), B("good"));
        using var snapshot = db.Snapshot();
        await db.PutAsync(B("k"), B("bad"));
        await db.FlushAsync(FlushType.MemTable);

        await db.CompactAsync();

        Assert.Null(await db.GetAsync(B("k")));
        Assert.Equal("good", S(await snapshot.GetAsync(B("k"))));
    }

    [Fact]
    public async Task Dropping_into_a_run_that_is_not_the_oldest_writes_a_tombstone_that_hides_the_older_run()
    {
        var store = new InMemoryObjectStore();
        var options = Options(DropPrefix("k")) with { Compactor = new CompactorOptions { Enabled = false } };
        await using var db = await DbHandle.OpenAsync("db", store, Options(null));
        await db.PutAsync(B("k"), B("old"));
        await db.FlushAsync(FlushType.MemTable);
        await db.CompactAsync();
        await db.PutAsync(B("k"), B("new"));
        await db.FlushAsync(FlushType.MemTable);
        var manifest = db.CurrentManifest;
        var newSeq = (await Rows(store, manifest.L0.Select(v => v.Sst))).Single().Seq;

        var executor = new CompactionExecutor(store, "db", options, () => Ulid.NewUlid(TimeProvider.System, new Random(1)));
        var result = await executor.RunAsync(manifest, new CompactionPlan([manifest.L0[0].Id], [], 1), new RetentionRules(ulong.MaxValue, 0, DropTombstones: false), CancellationToken.None);

        Assert.Equal([("k", newSeq, RowKind.Tombstone)], (await Rows(store, result.Outputs)).Select(r => (r.Key, r.Seq, r.Kind)));
    }

    [Fact]
    public async Task A_filter_that_rewrites_values_changes_what_reads_return_after_compaction()
    {
        var store = new InMemoryObjectStore();
        var filter = new Supplier(e => e.Kind == RowKind.Value ? CompactionDecision.ReplaceValue(B(S(e.Value).ToUpperInvariant())) : CompactionDecision.Keep);
        await using var db = await DbHandle.OpenAsync("db", store, Options(filter));
        await db.PutAsync(B("a"), B("one"));
        await db.PutAsync(B("b"), B("two"));
        await db.FlushAsync(FlushType.MemTable);

        await db.CompactAsync();

        Assert.Equal([("a", "ONE"), ("b", "TWO")], await ScanAll(db));
    }

    [Fact]
    public async Task A_filter_that_throws_fails_the_compaction_naming_the_filter_and_the_database_keeps_its_data()
    {
        var store = new InMemoryObjectStore();
        var filter = new Supplier(e => S(e.Key) == "b" ? throw new InvalidOperationException("no b allowed") : CompactionDecision.Drop);
        await using var db = await DbHandle.OpenAsync("db", store, Options(filter));
        await db.PutAsync(B("a"), B("1"));
        await db.PutAsync(B("b"), B("2"));
        await db.FlushAsync(FlushType.MemTable);

        var e = await Assert.ThrowsAsync<SlateFastException>(() => db.CompactAsync());

        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("compaction filter failed on key 62", e.Message, StringComparison.Ordinal);
        Assert.Contains("no b allowed", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, filter.Ends);
        Assert.Single(db.CurrentManifest.L0);
        Assert.Equal([("a", "1"), ("b", "2")], await ScanAll(db));
        await db.PutAsync(B("c"), B("3"));
        Assert.Equal("3", S(await db.GetAsync(B("c"))));
    }

    [Fact]
    public async Task The_filter_sees_each_surviving_row_once_per_job_and_hears_the_end_once()
    {
        var store = new InMemoryObjectStore();
        var filter = new Supplier(_ => CompactionDecision.Keep);
        await using var db = await DbHandle.OpenAsync("db", store, Options(filter));
        for (var i = 0; i < 3; i++)
        {
            for (var k = 0; k < 50; k++)
            {
                await db.PutAsync(B($"k{k:d3}"), B($"v{i}"));
            }

            await db.FlushAsync(FlushType.MemTable);
        }

        await db.DeleteAsync(B("k000"));
        await db.FlushAsync(FlushType.MemTable);

        await db.CompactAsync();

        var job = Assert.Single(filter.Jobs);
        Assert.True(job.IsDestinationLastRun);
        Assert.Equal(1, filter.Ends);
        var seen = filter.Seen.ToList();
        Assert.Equal(seen.Count, seen.Distinct().Count());

        // Retention ran first: one version per key, and the deleted key is gone from the last run.
        Assert.Equal(Enumerable.Range(1, 49).Select(k => $"k{k:d3}"), seen.Select(s => s.Key));
        Assert.All(seen, s => Assert.Equal(RowKind.Value, s.Kind));
    }

    [Fact]
    public async Task Dropping_a_merge_operand_removes_only_that_operand()
    {
        var store = new InMemoryObjectStore();
        var filter = new Supplier(e => e.Kind == RowKind.Merge && S(e.Value) == "x" ? CompactionDecision.Drop : CompactionDecision.Keep);
        await using var db = await DbHandle.OpenAsync("db", store, Options(filter));
        await db.PutAsync(B("k"), B("base"));
        using var snapshot = db.Snapshot();
        await db.MergeAsync(B("k"), B("x"));

        await db.FlushAsync(FlushType.MemTable);
        await db.CompactAsync();

        Assert.Equal([("k", RowKind.Merge), ("k", RowKind.Value)], filter.Seen.Select(s => (s.Key, s.Kind)));
        var run = Assert.Single(db.CurrentManifest.Compacted);
        Assert.Equal([("k", RowKind.Value, "base")], (await Rows(store, run.Ssts.Select(v => v.Sst))).Select(r => (r.Key, r.Kind, r.Value)));
    }
}
