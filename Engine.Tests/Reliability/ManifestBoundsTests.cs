using SlateFast.Compacting;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using static SlateFast.Tests.Reliability.ReliabilityKit;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// The manifest has no checksum, and reads skip SSTs by the first and last keys it records. One
/// flipped byte in such a key must be a Data error naming the SST and both bounds, never a key
/// that silently reads as absent. Deterministic: no seed.
/// </summary>
public sealed class ManifestBoundsTests
{
    private const string Db = "db";

    private static DbOptions Opts(int seed) => Options(seed) with { L0SstSizeBytes = 1 << 20 };

    private static string Key(int i) => $"k{i:D3}";

    private static async Task<InMemoryObjectStore> DatabaseAsync(bool sortedRun)
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync(Db, store, Opts(1)))
        {
            var batch = new WriteBatch();
            for (var i = 0; i < 300; i++)
            {
                batch.Put(B(Key(i)), B($"value {i} {new string('v', 60)}"));
            }

            await db.WriteAsync(batch);
            await db.FlushAsync(FlushType.MemTable);
        }

        if (sortedRun)
        {
            await using var compactor = await Compactor.OpenAsync(store, Db, new DbOptions { Compactor = new CompactorOptions { MaxSstSize = 4096 } });
            Assert.True(await compactor.CompactAllAsync());
        }

        return store;
    }

    // Rewrites the latest manifest in place (bit rot: same name, one byte changed) with the last
    // byte of the recorded first key of `view` raised by one, so that key falls outside the bounds.
    private static async Task<(ulong ManifestId, string FirstKey)> RaiseFirstKeyAsync(InMemoryObjectStore store, Func<ManifestState, SstView> view)
    {
        var manifests = new ManifestStore(store, Db);
        var (id, state) = (await manifests.LoadLatestAsync())!.Value;
        var first = view(state).Sst.Info.FirstEntry!.Value.ToArray();
        var path = manifests.PathOf(id);
        var bytes = (await store.GetAsync(path))!.Data.ToArray();
        var at = IndexOfOnly(bytes, first);
        bytes[at + first.Length - 1]++;
        await store.PutAsync(path, bytes);
        return (id, S(first));
    }

    private static int IndexOfOnly(byte[] haystack, byte[] needle)
    {
        var at = haystack.AsSpan().IndexOf(needle);
        Assert.True(at >= 0, "the key is in the manifest");
        Assert.True(haystack.AsSpan(at + 1).IndexOf(needle) < 0, "the key occurs once in the manifest, so the flip hits the first key only");
        return at;
    }

    private static void AssertBoundsError(SlateFastException e, SstView view, string firstKey)
    {
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains($"SST {view.Sst.Id}", e.Message, StringComparison.Ordinal);
        Assert.Contains($"0x{Convert.ToHexStringLower(B(firstKey))}", e.Message, StringComparison.Ordinal); // the SST's own first key
        Assert.Contains("manifest", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_raised_first_key_of_an_L0_sst_is_a_data_error_not_a_missing_key()
    {
        var store = await DatabaseAsync(sortedRun: false);
        var (_, first) = await RaiseFirstKeyAsync(store, m => Assert.Single(m.L0));
        var view = (await new ManifestStore(store, Db).LoadLatestAsync())!.Value.State.L0[0];
        Assert.Equal(Key(0), first);

        // Without the check the key read as absent (null) here.
        await using (var db = await DbHandle.OpenReadOnlyAsync(Db, store, Opts(2)))
        {
            AssertBoundsError(await Assert.ThrowsAnyAsync<SlateFastException>(async () => await db.GetAsync(B(first))), view, first);

            // Every later read of that SST fails the same way: nothing marks the entry good.
            AssertBoundsError(await Assert.ThrowsAnyAsync<SlateFastException>(async () => await db.GetAsync(B(Key(100)))), view, first);
        }

        await using (var reader = await DbReader.OpenAsync(Db, store, new DbReaderOptions { Mode = DbReaderMode.FollowLatest }))
        {
            AssertBoundsError(await Assert.ThrowsAnyAsync<SlateFastException>(async () => await reader.GetAsync(B(first))), view, first);
        }
    }

    [Fact]
    public async Task A_raised_first_key_inside_a_sorted_run_is_a_data_error_for_a_key_in_the_gap_it_opens()
    {
        var store = await DatabaseAsync(sortedRun: true);
        var (_, state) = (await new ManifestStore(store, Db).LoadLatestAsync())!.Value;
        var run = Assert.Single(state.Compacted);
        Assert.True(run.Ssts.Length >= 3, $"the test needs a run of several SSTs, got {run.Ssts.Length}");
        var (_, first) = await RaiseFirstKeyAsync(store, m => m.Compacted[0].Ssts[1]);

        await using var db = await DbHandle.OpenReadOnlyAsync(Db, store, Opts(3));

        // The key's own SST is never opened for it (its recorded bounds exclude the key), so only
        // the gap rule finds the flip; without it, and before the check, the get returned null.
        AssertBoundsError(await Assert.ThrowsAnyAsync<SlateFastException>(async () => await db.GetAsync(B(first))), run.Ssts[1], first);
    }

    [Fact]
    public async Task Intact_bounds_read_every_key_and_a_scan_catches_a_raised_first_key()
    {
        var store = await DatabaseAsync(sortedRun: true);
        await using (var db = await DbHandle.OpenReadOnlyAsync(Db, store, Opts(4)))
        {
            for (var i = 0; i < 300; i++)
            {
                Assert.NotNull(await db.GetAsync(B(Key(i))));
            }

            Assert.Null(await db.GetAsync(B("k2995"))); // in a gap: neighbours checked once, then trusted
            Assert.Null(await db.GetAsync(B("z")));
        }

        // Scans open every SST they pass: a flipped first key of the first SST of the run is caught.
        var (_, first) = await RaiseFirstKeyAsync(store, m => m.Compacted[0].Ssts[0]);
        await using (var db = await DbHandle.OpenReadOnlyAsync(Db, store, Opts(5)))
        {
            var e = await Assert.ThrowsAnyAsync<SlateFastException>(async () => await ReadAllAsync(db.ScanAsync(KeyRange.All)));
            Assert.Equal(ErrorKind.Data, e.Kind);
            Assert.Contains(first.Length > 0 ? $"0x{Convert.ToHexStringLower(B(first))}" : "none", e.Message, StringComparison.Ordinal);
        }
    }
}
