using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Segments;

/// <summary>
/// A SlateFast writer of a segmented database (SlateDB 0.13's RFC-0024): keys find their segment
/// through the extractor, a flush writes one L0 per segment in one manifest version, each segment
/// compacts on its own, a segment drops with one manifest write, and what would break the segment
/// rules is refused before it reaches the WAL.
/// </summary>
public sealed class SegmentedWriterTests
{
    private readonly ManualClock _clock = new(Start);
    private readonly InMemoryObjectStore _store;

    public SegmentedWriterTests() => _store = new InMemoryObjectStore(_clock);

    private DbOptions Options(IPrefixExtractor? extractor = null, bool compactor = false) => new()
    {
        TimeProvider = _clock,
        GarbageCollector = null,
        Compactor = new() { Enabled = compactor },
        MinFilterKeys = 1,
        SegmentExtractor = extractor ?? PrefixExtractor.FixedLength(4),
    };

    private async Task<ManifestState> LatestAsync() => (await new ManifestStore(_store, "db").LoadLatestAsync())!.Value.State;

    [Fact]
    public async Task A_new_database_records_its_extractor_and_a_flush_writes_one_L0_per_segment_in_one_version()
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options());
        foreach (var segment in new[] { "bbbb", "aaaa", "cccc" })
        {
            for (int i = 0; i < 20; i++)
            {
                await db.PutAsync(B($"{segment}/{i:D2}"), B($"{segment}{i}"), writeOptions: WriteOptions.NoWait);
            }
        }

        var before = await LatestAsync();
        Assert.Equal("fixed:4", before.SegmentExtractorName);
        Assert.Equal(FormatLevel.SlateDb013, db.FormatLevel);

        await db.FlushAsync(FlushType.MemTable);

        var after = await LatestAsync();
        Assert.Empty(after.L0);
        Assert.Equal(["aaaa", "bbbb", "cccc"], after.Segments.Select(s => Text(s.Prefix.ToArray())));
        Assert.All(after.Segments, s => Assert.Single(s.L0));
        foreach (var segment in after.Segments)
        {
            // Each L0 holds only its own segment's keys.
            var info = segment.L0[0].Sst.Info;
            Assert.StartsWith(Text(segment.Prefix.ToArray()), Text(info.FirstEntry!.Value.ToArray()));
            Assert.StartsWith(Text(segment.Prefix.ToArray()), Text(info.LastEntry!.Value.ToArray()));
        }

        Assert.Equal("bbbb7", Text(await db.GetAsync(B("bbbb/07"))));
        Assert.Null(await db.GetAsync(B("dddd/07")));
        Assert.Equal(60, (await ScanAsync(db.ScanAsync(KeyRange.All))).Count);
        Assert.Equal(["bbbb/00=bbbb0", "bbbb/01=bbbb1"], (await ScanAsync(db.ScanPrefixAsync(B("bbbb/0")))).Take(2));
    }

    [Fact]
    public async Task A_key_without_a_segment_is_Invalid_and_leaves_nothing_behind()
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options());
        await db.PutAsync(B("aaaa1"), B("v"));
        var seq = db.Status.DurableSeq;

        var single = await Assert.ThrowsAsync<SlateFastException>(async () => await db.PutAsync(B("abc"), B("v")));
        Assert.Equal(ErrorKind.Invalid, single.Kind);
        Assert.Contains("no segment prefix", single.Message);

        var batch = new WriteBatch();
        batch.Put(B("aaaa2"), B("v"));
        batch.Put(B("ab"), B("v"));
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(async () => await db.WriteAsync(batch))).Kind);

        Assert.Equal(seq, db.Status.DurableSeq);
        Assert.Null(await db.GetAsync(B("aaaa2")));
    }

    [Fact]
    public async Task A_prefix_that_would_nest_with_a_known_segment_is_refused_before_the_WAL()
    {
        // Breaks the extractor contract on purpose: "xy…" keys get two bytes, other "x…" keys one.
        var nesting = new DelegateExtractor("nesting", (key, _) => key.StartsWith("xy"u8) ? 2 : 1);
        await using var db = await DbHandle.OpenAsync("db", _store, Options(nesting));
        await db.PutAsync(B("xa1"), B("v"));

        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await db.PutAsync(B("xy1"), B("v")));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("nests with segment 78", e.Message);

        // The refused segment is not remembered: the flush still works and lists only "x".
        await db.FlushAsync(FlushType.MemTable);
        Assert.Equal(["x"], (await LatestAsync()).Segments.Select(s => Text(s.Prefix.ToArray())));
    }

    [Fact]
    public async Task Reopening_keeps_the_extractor_rule_and_replays_unflushed_rows_into_their_segments()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options()))
        {
            await db.PutAsync(B("aaaa1"), B("flushed"));
            await db.FlushAsync(FlushType.MemTable);
            await db.PutAsync(B("bbbb1"), B("in the WAL only"));
        }

        var none = await Assert.ThrowsAsync<SlateFastException>(async () => await DbHandle.OpenAsync("db", _store, Options() with { SegmentExtractor = null }));
        Assert.Equal(ErrorKind.Invalid, none.Kind);
        Assert.Contains("segmented by extractor 'fixed:4'", none.Message);

        var other = await Assert.ThrowsAsync<SlateFastException>(async () => await DbHandle.OpenAsync("db", _store, Options(PrefixExtractor.FixedLength(3))));
        Assert.Contains("not 'fixed:3'", other.Message);

        // Same name, different logic: a stored prefix the extractor no longer gives is caught.
        var renamed = await Assert.ThrowsAsync<SlateFastException>(async () => await DbHandle.OpenAsync("db", _store, Options(PrefixExtractor.FixedLength(3, "fixed:4"))));
        Assert.Contains("does not give stored segment", renamed.Message);

        await using (var db = await DbHandle.OpenAsync("db", _store, Options()))
        {
            Assert.Equal(["aaaa", "bbbb"], db.ListSegments().Select(Text));
            await db.FlushAsync(FlushType.MemTable);
            Assert.Equal("in the WAL only", Text(await db.GetAsync(B("bbbb1"))));
        }

        Assert.Equal(["aaaa", "bbbb"], (await LatestAsync()).Segments.Select(s => Text(s.Prefix.ToArray())));
    }

    [Fact]
    public async Task An_unsegmented_database_cannot_become_segmented()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options() with { SegmentExtractor = null }))
        {
            await db.PutAsync(B("aaaa1"), B("v"));
        }

        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await DbHandle.OpenAsync("db", _store, Options()));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("created without segments", e.Message);
    }

    [Fact]
    public async Task Each_segment_compacts_into_its_own_sorted_run_with_ids_unique_across_the_database()
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options(compactor: true));
        for (int round = 0; round < 3; round++)
        {
            foreach (var segment in new[] { "aaaa", "bbbb" })
            {
                await db.PutAsync(B($"{segment}/{round}"), B($"{segment}{round}"), writeOptions: WriteOptions.NoWait);
                await db.DeleteAsync(B($"{segment}/gone"), WriteOptions.NoWait);
            }

            await db.FlushAsync(FlushType.MemTable);
        }

        Assert.All((await LatestAsync()).Segments, s => Assert.Equal(3, s.L0.Length));
        await db.CompactAsync();

        var m = await LatestAsync();
        Assert.All(m.Segments, s => Assert.Empty(s.L0));
        Assert.All(m.Segments, s => Assert.Single(s.Compacted));
        Assert.Equal(2, m.Segments.Select(s => s.Compacted[0].Id).Distinct().Count());
        Assert.All(m.Segments, s => Assert.NotNull(s.LastCompactedL0SstViewId));
        Assert.Equal(["aaaa/0=aaaa0", "aaaa/1=aaaa1", "aaaa/2=aaaa2", "bbbb/0=bbbb0", "bbbb/1=bbbb1", "bbbb/2=bbbb2"], await ScanAsync(db.ScanAsync(KeyRange.All)));
    }

    [Fact]
    public async Task Dropping_a_segment_removes_its_rows_with_one_manifest_write_and_stays_dropped_after_reopen()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options(compactor: true)))
        {
            foreach (var segment in new[] { "aaaa", "bbbb", "cccc" })
            {
                await db.PutAsync(B($"{segment}/flushed"), B("v"));
            }

            await db.FlushAsync(FlushType.MemTable);
            await db.PutAsync(B("bbbb/memtable"), B("v"));
            await db.PutAsync(B("cccc/memtable"), B("v"));

            Assert.True(await db.DropSegmentAsync(B("bbbb")));
            Assert.False(await db.DropSegmentAsync(B("zzzz")));

            Assert.Null(await db.GetAsync(B("bbbb/flushed")));
            Assert.Null(await db.GetAsync(B("bbbb/memtable")));
            Assert.Equal(["aaaa/flushed=v", "cccc/flushed=v", "cccc/memtable=v"], await ScanAsync(db.ScanAsync(KeyRange.All)));
            Assert.Equal(["aaaa", "cccc"], db.ListSegments().Select(Text));
        }

        await using (var db = await DbHandle.OpenAsync("db", _store, Options(compactor: true)))
        {
            Assert.Null(await db.GetAsync(B("bbbb/memtable")));
            var marker = (await LatestAsync()).Segments.Single(s => Text(s.Prefix.ToArray()) == "bbbb");
            Assert.True(marker.IsEmpty);
            Assert.NotNull(marker.LastCompactedL0SstViewId);

            // Writing to a dropped segment starts it again.
            await db.PutAsync(B("bbbb/again"), B("v"));
            await db.FlushAsync(FlushType.MemTable);
            Assert.Equal("v", Text(await db.GetAsync(B("bbbb/again"))));
            Assert.Equal(["aaaa", "bbbb", "cccc"], db.ListSegments().Select(Text));
            var again = (await LatestAsync()).Segments.Single(s => Text(s.Prefix.ToArray()) == "bbbb");
            Assert.Single(again.L0);
            Assert.Null(again.LastCompactedL0SstViewId);
        }
    }

    [Fact]
    public async Task Dropping_needs_a_segmented_database_a_prefix_and_the_compactor()
    {
        await using (var plain = await DbHandle.OpenAsync("plain", _store, Options(compactor: true) with { SegmentExtractor = null }))
        {
            Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => plain.DropSegmentAsync(B("aaaa")))).Kind);
        }

        await using var db = await DbHandle.OpenAsync("db", _store, Options());
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => db.DropSegmentAsync(ReadOnlyMemory<byte>.Empty))).Kind);
        Assert.Contains("CompactorOptions.Enabled", (await Assert.ThrowsAsync<SlateFastException>(() => db.DropSegmentAsync(B("aaaa")))).Message);
    }

    [Fact]
    public async Task A_reader_sees_the_segments_a_SlateFast_writer_wrote()
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options());
        await db.PutAsync(B("aaaa1"), B("a"));
        await db.PutAsync(B("bbbb1"), B("b"));
        await db.FlushAsync(FlushType.MemTable);
        await db.PutAsync(B("cccc1"), B("c"));

        await using var reader = await DbReader.OpenAsync("db", _store, new DbReaderOptions { TimeProvider = _clock });
        Assert.Equal(["aaaa1=a", "bbbb1=b", "cccc1=c"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
        Assert.Equal("b", Text(await reader.GetAsync(B("bbbb1"))));
        Assert.Equal(["aaaa", "bbbb"], reader.ListSegments().Select(Text));

        // With the extractor a reader also lists the segment only the WAL holds so far.
        await using var knowing = await DbReader.OpenAsync("db", _store, new DbReaderOptions { TimeProvider = _clock, SegmentExtractor = PrefixExtractor.FixedLength(4) });
        Assert.Equal(["aaaa", "bbbb", "cccc"], knowing.ListSegments().Select(Text));
        var wrong = await Assert.ThrowsAsync<SlateFastException>(async () => await DbReader.OpenAsync("db", _store, new DbReaderOptions { TimeProvider = _clock, SegmentExtractor = PrefixExtractor.FixedLength(2) }));
        Assert.Equal(ErrorKind.Invalid, wrong.Kind);
    }

    [Fact]
    public void L0_backpressure_and_run_ids_look_at_every_tree()
    {
        var view = new SstView(default, new CompactedSst(default, new SlateFast.Sst.SsTableInfo(), 2));
        var m = ManifestState.Initial with { SegmentExtractorName = "x" };
        m = m.WithSegmentL0(B("a"), view).WithSegmentL0(B("a"), view).WithSegmentL0(B("b"), view);
        Assert.Equal(2, m.MaxTreeL0);
        Assert.Equal(-1, m.MaxRunId);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => m.WithSegmentL0(B("ab"), view)).Kind);
    }

    private static string? Text(byte[]? bytes) => bytes is null ? null : System.Text.Encoding.UTF8.GetString(bytes);

    private sealed class DelegateExtractor(string name, Func<byte[], PrefixTarget, int> length) : IPrefixExtractor
    {
        public string Name => name;

        public int PrefixLength(ReadOnlySpan<byte> bytes, PrefixTarget target) => length(bytes.ToArray(), target);
    }
}
