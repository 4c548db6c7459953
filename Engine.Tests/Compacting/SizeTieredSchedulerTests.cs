using System.Collections.Immutable;
using SlateFast.Compacting;
using SlateFast.Manifest;
using SlateFast.Sst;

namespace SlateFast.Tests.Compacting;

public sealed class SizeTieredSchedulerTests
{
    private static readonly CompactorOptions s_defaults = new();
    private static ulong s_next = 1;

    private static SstView Sst(ulong size) =>
        SstView.Whole(new CompactedSst(new Ulid(0, Interlocked.Increment(ref s_next)), new SsTableInfo { IndexOffset = size }, 2));

    private static ManifestState State(int l0, params ulong[] runSizesNewestFirst) => ManifestState.Initial with
    {
        L0 = [.. Enumerable.Range(0, l0).Select(_ => Sst(100))],
        Compacted = [.. runSizesNewestFirst.Select((size, i) => new SortedRun((uint)(runSizesNewestFirst.Length - 1 - i), [Sst(size)]))],
    };

    private static IReadOnlyList<CompactionPlan> Propose(ManifestState state, CompactorOptions? options = null, params CompactionPlan[] active) =>
        new SizeTieredScheduler(options ?? s_defaults).Propose(state, active);

    [Fact]
    public void Fewer_L0_SSTs_than_the_minimum_are_left_alone()
    {
        Assert.Empty(Propose(State(3)));
    }

    [Fact]
    public void Four_L0_SSTs_become_sorted_run_zero_of_an_empty_database()
    {
        var state = State(4);
        var plan = Assert.Single(Propose(state));
        Assert.Equal(state.L0.Select(v => v.Id), plan.L0Views);
        Assert.Empty(plan.SortedRuns);
        Assert.Equal(0u, plan.Destination);
    }

    [Fact]
    public void Of_many_L0_SSTs_the_oldest_eight_go_into_a_run_above_the_newest()
    {
        var state = State(11, 100_000);
        var plan = Assert.Single(Propose(state));
        Assert.Equal(state.L0.Skip(3).Select(v => v.Id), plan.L0Views);
        Assert.Equal(1u, plan.Destination);
    }

    [Fact]
    public void Similar_sized_runs_merge_into_the_oldest_of_them()
    {
        var plan = Assert.Single(Propose(State(0, 100, 150, 120, 200)));
        Assert.Equal([3u, 2u, 1u, 0u], plan.SortedRuns.ToArray());
        Assert.Equal(0u, plan.Destination);
    }

    [Fact]
    public void A_run_more_than_threshold_times_the_smallest_ends_the_series()
    {
        Assert.Empty(Propose(State(0, 100, 100, 100, 401)));
        var plan = Assert.Single(Propose(State(0, 100, 100, 100, 400, 900)));
        Assert.Equal([4u, 3u, 2u, 1u], plan.SortedRuns.ToArray());
        Assert.Equal(1u, plan.Destination);
    }

    [Fact]
    public void A_series_longer_than_the_maximum_keeps_its_oldest_runs()
    {
        var plan = Assert.Single(Propose(State(0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10)));
        Assert.Equal([7u, 6u, 5u, 4u, 3u, 2u, 1u, 0u], plan.SortedRuns.ToArray());
    }

    [Fact]
    public void Sources_or_destinations_of_active_compactions_are_not_proposed_again()
    {
        var state = State(4, 100, 100, 100, 100);
        var l0 = new CompactionPlan([.. state.L0.Select(v => v.Id)], [], 4);
        var runs = new CompactionPlan([], [3, 2, 1, 0], 0);
        Assert.Empty(Propose(state, null, l0, runs));
        Assert.Equal(runs.SortedRuns.ToArray(), Assert.Single(Propose(state, null, l0)).SortedRuns.ToArray());
    }

    [Fact]
    public void No_more_than_the_maximum_concurrent_compactions_are_proposed()
    {
        var state = State(4, 100, 100, 100, 100);
        Assert.Equal(2, Propose(state).Count);
        Assert.Single(Propose(state, new CompactorOptions { MaxConcurrentCompactions = 1 }));
    }

    [Fact]
    public void L0_output_that_would_join_a_full_series_of_similar_runs_waits_for_that_series()
    {
        // Eight similar runs already wait to be merged; a ninth of the same size would only add to them.
        var state = State(4, 400, 400, 400, 400, 400, 400, 400, 400);
        var plans = Propose(state, new CompactorOptions { MaxConcurrentCompactions = 4 });
        Assert.DoesNotContain(plans, p => p.HasL0);
        Assert.Contains(plans, p => p.SortedRuns.Length == 8);
    }
}
