using SlateFast.Diagnostics;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Diagnostics;

/// <summary>The engine's invariant checks are compiled into the builds the tests run, and a broken one stops the change that broke it.</summary>
public sealed class InvariantTests
{
    [Fact]
    public void Test_builds_check_invariants()
    {
        // Checks are compiled where they are called, so this asks the engine's build, not the tests'.
        Assert.True(Invariants.Enabled, "the tests run an engine built without SLATEFAST_INVARIANTS: build it in Debug");
    }

    [Fact]
    public async Task A_manifest_change_that_lowers_the_writer_epoch_is_never_written()
    {
        var store = new InMemoryObjectStore();
        var manifests = new ManifestStore(store, "db");
        Assert.True(await manifests.TryWriteAsync(1, new ManifestState { WriterEpoch = 5 }));

        var e = await Assert.ThrowsAsync<InvariantException>(() =>
            manifests.UpdateAsync((1, new ManifestState { WriterEpoch = 5 }), (_, s) => s with { WriterEpoch = 4 }, reconcile: null, TimeProvider.System, TimeSpan.FromSeconds(5)));

        Assert.Contains("epochs never go back", e.Message, StringComparison.Ordinal);
        Assert.Equal(1UL, (await manifests.LoadLatestAsync())!.Value.Id);
    }

    [Fact]
    public async Task A_manifest_change_that_misorders_sorted_runs_is_never_written()
    {
        var store = new InMemoryObjectStore();
        var manifests = new ManifestStore(store, "db");
        Assert.True(await manifests.TryWriteAsync(1, new ManifestState()));
        var runs = System.Collections.Immutable.ImmutableArray.Create(new SortedRun(1, []), new SortedRun(2, []));

        await Assert.ThrowsAsync<InvariantException>(() =>
            manifests.UpdateAsync((1, new ManifestState()), (_, s) => s with { Compacted = runs }, reconcile: null, TimeProvider.System, TimeSpan.FromSeconds(5)));
    }
}
