using SlateFast.Compacting;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Segments;

/// <summary>
/// Compaction of a segmented database: the size-tiered rules run per segment, never merge two
/// segments, draw new run ids from one counter for the whole database, and a drain takes exactly
/// what it lists and removes a segment it empties.
/// </summary>
public sealed class SegmentCompactionTests
{
    private static ulong s_next = 1;

    private static SstView Sst(ulong size = 100) =>
        SstView.Whole(new CompactedSst(new Ulid(0, Interlocked.Increment(ref s_next)), new SsTableInfo { IndexOffset = size }, 2));

    private static Segment Tree(string prefix, int l0, params uint[] runIds) =>
        new(B(prefix), null, [.. Enumerable.Range(0, l0).Select(_ => Sst())], [.. runIds.Select(id => new SortedRun(id, [Sst(100_000)]))]);

    [Fact]
    public void The_scheduler_proposes_per_segment_and_new_runs_get_ids_no_tree_has()
    {
        var state = ManifestState.Initial with
        {
            SegmentExtractorName = "fixed:1",
            Segments = [Tree("a", 4, 7), Tree("b", 2), Tree("c", 5, 3)],
        };

        var plans = new SizeTieredScheduler(new CompactorOptions()).Propose(state, []);

        Assert.Equal(["a", "c"], plans.Select(p => System.Text.Encoding.UTF8.GetString(p.Segment.Span)));
        Assert.Equal(state.Segments[0].L0.Select(v => v.Id), plans[0].L0Views);
        Assert.Equal(state.Segments[2].L0.Select(v => v.Id), plans[1].L0Views);
        Assert.Equal([8u, 9u], plans.Select(p => p.Destination));
    }

    [Fact]
    public void A_drain_removes_what_it_lists_and_a_segment_it_empties()
    {
        var state = ManifestState.Initial with { SegmentExtractorName = "fixed:1", Segments = [Tree("a", 2, 1), Tree("b", 1)] };
        var a = state.Segments[0];

        var partial = Compactor.ApplyResult(state, CompactionPlan.Drain(B("a"), [a.L0[1].Id], []), [])!;
        Assert.Equal([a.L0[0].Id], partial.Segments[0].L0.Select(v => v.Id));
        Assert.Equal(a.L0[1].Id, partial.Segments[0].LastCompactedL0SstViewId);

        // Drained whole, the segment stays as an empty marker whose watermark keeps a SlateDB
        // writer's merge from bringing the L0s back; the writer's next flush prunes it.
        var whole = Compactor.ApplyResult(state, CompactionPlan.Drain(B("a"), [.. a.L0.Select(v => v.Id)], [1]), [])!;
        Assert.True(whole.Segments[0].IsEmpty);
        Assert.Equal(a.L0[0].Id, whole.Segments[0].LastCompactedL0SstViewId);
        Assert.Equal(["b"], whole.WithoutEmptySegments().Segments.Select(s => System.Text.Encoding.UTF8.GetString(s.Prefix.Span)));

        // Applied again (an attempt reported as failed had landed): nothing to write.
        Assert.Null(Compactor.ApplyResult(whole, CompactionPlan.Drain(B("a"), [.. a.L0.Select(v => v.Id)], [1]), []));
    }

    [Fact]
    public void A_drain_spec_and_a_segment_spec_round_trip_through_the_compactions_file()
    {
        var drain = CompactionPlan.Drain(B("seg"), [new Ulid(1, 2)], [4]);
        var back = CompactionPlan.FromSpec(drain.ToSpec(storeDestination: true));
        Assert.True(back.IsDrain);
        Assert.Equal("seg"u8.ToArray(), back.Segment.ToArray());
        Assert.Equal([4u], back.SortedRuns.ToArray());

        var tiered = new CompactionPlan([new Ulid(1, 3)], [], 9) { Segment = B("seg") };
        var spec = tiered.ToSpec(storeDestination: false);
        Assert.Equal(9u, spec.ExplicitDestination);
        Assert.Equal("seg"u8.ToArray(), CompactionPlan.FromSpec(spec).Segment.ToArray());
    }

    [Fact]
    public async Task The_background_compactor_compacts_each_segment_and_reads_stay_right()
    {
        var clock = new ManualClock(Start);
        var store = new InMemoryObjectStore(clock);
        var options = new DbOptions
        {
            TimeProvider = clock,
            GarbageCollector = null,
            MinFilterKeys = 1,
            SegmentExtractor = PrefixExtractor.UpToDelimiter((byte)'/'),
            Compactor = new() { Enabled = false, MinCompactionSources = 2 },
        };

        await using (var db = await DbHandle.OpenAsync("db", store, options))
        {
            for (int round = 0; round < 2; round++)
            {
                foreach (var tenant in new[] { "t1/", "t2/", "t3/" })
                {
                    await db.PutAsync(B($"{tenant}k"), B($"{tenant}{round}"), writeOptions: WriteOptions.NoWait);
                }

                await db.FlushAsync(FlushType.MemTable);
            }
        }

        await using (var compactor = await Compactor.OpenAsync(store, "db", options with { Compactor = options.Compactor with { Enabled = true } }, null, null, CancellationToken.None))
        {
            Assert.Equal(3, await compactor.RunUntilCaughtUpAsync());
        }

        var m = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value.State;
        Assert.All(m.Segments, s => Assert.Empty(s.L0));
        Assert.Equal(3, m.Segments.Select(s => Assert.Single(s.Compacted).Id).Distinct().Count());

        await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { TimeProvider = clock });
        Assert.Equal(["t1/k=t1/1", "t2/k=t2/1", "t3/k=t3/1"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
    }
}
