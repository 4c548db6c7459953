using System.Collections.Immutable;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Manifest;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Compatibility;

/// <summary>
/// Databases with SlateDB 0.13 segments (RFC-0024; manifest V2 fields 16 and 17): every segment's
/// data reads, every manifest SlateFast writes keeps the segments, the collector keeps their
/// SSTs, and a writer without the database's extractor is refused before anything is written
/// (SegmentedWriterTests covers writing with one).
/// </summary>
public sealed class SegmentedDatabaseTests
{
    private readonly ManualClock _clock = new(Start);
    private readonly InMemoryObjectStore _store;

    public SegmentedDatabaseTests() => _store = new InMemoryObjectStore(_clock);

    private DbOptions Options => new() { TimeProvider = _clock, GarbageCollector = null, Compactor = new() { Enabled = false }, MinFilterKeys = 1 };

    [Fact]
    public void A_segmented_manifest_is_written_as_version_2_and_round_trips_byte_for_byte()
    {
        var r = new Random(5);
        var plain = ManifestSamples.Random(5) with { WalObjectStoreUri = null };
        var segmented = plain with
        {
            Segments = [Segment(r, "a/"), Segment(r, "b/")],
            SegmentExtractorName = "fixed:2",
        };

        Assert.Equal(1, ManifestCodec.Encode(plain)[1]);
        var bytes = ManifestCodec.Encode(segmented);
        Assert.Equal(new byte[] { 0, 2 }, bytes[..2]);
        var back = ManifestCodec.Decode(bytes);
        Assert.Equal("fixed:2", back.SegmentExtractorName);
        Assert.Equal(segmented.Segments.Select(Describe), back.Segments.Select(Describe));
        Assert.Equal(bytes, ManifestCodec.Encode(back));
    }

    [Fact]
    public void SlateDB_0_13_segment_layout_reads_and_bad_prefixes_are_Data()
    {
        var state = ManifestCodec.Decode(NewerFormatObjects.ManifestV2WithSegment("tenant-1/"u8.ToArray(), "fixed:9"));
        Assert.Equal("tenant-1/"u8.ToArray(), state.Segments.Single().Prefix.ToArray());
        Assert.Equal("fixed:9", state.SegmentExtractorName);

        var r = new Random(1);
        var overlapping = ManifestState.Initial with { Segments = [Segment(r, "a"), Segment(r, "ab")], SegmentExtractorName = "x" };
        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => ManifestCodec.Decode(ManifestCodec.Encode(overlapping))).Kind);
    }

    [Fact]
    public async Task Reads_see_every_segment_and_nothing_of_the_root_tree_as_SlateDB_reads()
    {
        await BuildSegmentedAsync();

        await using var reader = await DbReader.OpenAsync("db", _store, new DbReaderOptions { TimeProvider = _clock });
        var rows = await ScanAsync(reader.ScanAsync(KeyRange.All));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"a/{i:D3}=a{i}").Concat(Enumerable.Range(0, 50).Select(i => $"b/{i:D3}=b{i}")), rows);
        Assert.Equal("a7", Text(await reader.GetAsync(B("a/007"))));
        Assert.Equal("b49", Text(await reader.GetAsync(B("b/049"))));
        Assert.Null(await reader.GetAsync(B("c/001")));
        Assert.Null(await reader.GetAsync(B("a/999")));
    }

    [Fact]
    public async Task A_writer_without_the_databases_extractor_is_refused_before_writing_anything()
    {
        await BuildSegmentedAsync();
        var before = await ListAsync(_store, "db/");

        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await DbHandle.OpenAsync("db", _store, Options));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("segmented", e.Message);
        Assert.Contains("fixed:2", e.Message);
        Assert.Equal(before, await ListAsync(_store, "db/"));
    }

    [Fact]
    public async Task Checkpoints_and_garbage_collection_keep_the_segments_and_their_SSTs()
    {
        await BuildSegmentedAsync();
        var admin = new DbAdmin("db", _store, _clock);
        await admin.CreateCheckpointAsync();
        _clock.Advance(TimeSpan.FromHours(1));
        await admin.CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.FromMinutes(1)));

        var (_, latest) = (await new ManifestStore(_store, "db").LoadLatestAsync())!.Value;
        Assert.Equal(2, latest.Segments.Length);
        Assert.Single(latest.Checkpoints);
        foreach (var view in latest.AllViews())
        {
            Assert.NotNull(await _store.HeadAsync(DbPaths.CompactedSstPath("db", view.Sst.Id)));
        }

        await using var reader = await DbReader.OpenAsync("db", _store, new DbReaderOptions { TimeProvider = _clock });
        Assert.Equal(100, (await ScanAsync(reader.ScanAsync(KeyRange.All))).Count);
    }

    /// <summary>
    /// A database laid out as SlateDB 0.13 lays out a segmented one: one L0 per segment holding
    /// only its keys, segments "a/" and "b/", extractor "fixed:2", and a root L0 (key "c/001") that
    /// readers must ignore because segments exist.
    /// </summary>
    private async Task BuildSegmentedAsync()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            foreach (var prefix in new[] { "a", "b", "c" })
            {
                for (int i = 0; i < (prefix == "c" ? 2 : 50); i++)
                {
                    await db.PutAsync(B($"{prefix}/{i:D3}"), B($"{prefix}{i}"), writeOptions: WriteOptions.NoWait);
                }

                await db.FlushAsync(FlushType.MemTable);
            }
        }

        var manifests = new ManifestStore(_store, "db");
        var (id, state) = (await manifests.LoadLatestAsync())!.Value;
        Assert.Equal(3, state.L0.Length);
        var (c, b, a) = (state.L0[0], state.L0[1], state.L0[2]);
        var segmented = state with
        {
            L0 = [c],
            Segments =
            [
                new Segment(B("a/"), null, [a], ImmutableArray<SortedRun>.Empty),
                new Segment(B("b/"), null, [b], ImmutableArray<SortedRun>.Empty),
            ],
            SegmentExtractorName = "fixed:2",
        };
        Assert.True(await manifests.TryWriteAsync(id + 1, segmented));
    }

    private static Segment Segment(Random r, string prefix)
    {
        var sample = ManifestSamples.Random(r.Next());
        return new Segment(B(prefix), r.Next(2) == 0 ? null : ManifestSamples.NewUlid(r), sample.L0, sample.Compacted);
    }

    private static string Describe(Segment s) =>
        $"{Convert.ToHexString(s.Prefix.Span)} {s.LastCompactedL0SstViewId} l0=[{string.Join(",", s.L0.Select(v => $"{v.Id}:{v.Sst.Id}"))}] "
        + $"runs=[{string.Join(";", s.Compacted.Select(r => $"{r.Id}:{string.Join(",", r.Ssts.Select(v => v.Sst.Id))}"))}]";

    private static string? Text(byte[]? value) => value is null ? null : System.Text.Encoding.UTF8.GetString(value);
}
