using SlateFast.Tests.Support;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.GarbageCollection;

/// <summary>What one garbage collection pass deletes and keeps, kind by kind (spec §12), with a hand-moved clock.</summary>
public sealed class GarbageCollectorTests
{
    private static readonly GarbageCollectorOptions OneMinute = GarbageCollectorOptions.All(TimeSpan.FromMinutes(1));
    private readonly ManualClock _clock = new(Start);
    private readonly InMemoryObjectStore _store;

    public GarbageCollectorTests() => _store = new InMemoryObjectStore(_clock);

    private DbOptions Options => new() { TimeProvider = _clock, GarbageCollector = null, L0MaxSsts = 100, Compactor = new() { Enabled = false } };

    private DbAdmin Admin => new("db", _store, _clock);

    private async Task<(ulong Id, ManifestState State)> LatestAsync() => (await new ManifestStore(_store, "db").LoadLatestAsync())!.Value;

    private async Task<List<ulong>> WalIdsAsync() =>
        [.. (await ListAsync(_store, "db/wal/")).Select(p => DbPaths.TryParseWalSstName(p, out var id) ? id : 0)];

    [Fact]
    public async Task Wal_gc_deletes_old_wal_objects_below_the_replay_point_except_those_a_checkpoint_replays()
    {
        Guid checkpoint;
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            await db.PutAsync(B("a"), B("1"));
            await db.FlushAsync(FlushType.MemTable);
            await db.PutAsync(B("b"), B("2"));
            checkpoint = (await db.CreateCheckpointAsync(CheckpointScope.Durable)).Id;
            for (var i = 0; i < 3; i++)
            {
                await db.PutAsync(B($"c{i}"), B("3"));
                await db.FlushAsync(FlushType.MemTable);
            }
        }

        var (_, latest) = await LatestAsync();
        var pinned = await new ManifestStore(_store, "db").LoadAsync((await Admin.ListCheckpointsAsync()).Single().ManifestId);
        // The writer's fence (WAL 1, an SST without rows) stays too: see WalFenceTests.
        var fence = DbPaths.WalSstPath("db", 1);
        Assert.True(await SlateFast.Wal.WalObjects.IsFenceAsync(_store, (await _store.HeadAsync(fence))!.Value, null, default));
        var below = (await WalIdsAsync()).Where(id => id > 1 && id < latest.ReplayAfterWalId).ToList();
        var protectedIds = below.Where(id => id > pinned.ReplayAfterWalId && id <= pinned.WalIdLastSeen).ToList();
        Assert.NotEmpty(protectedIds);
        Assert.NotEmpty(below.Except(protectedIds));

        Assert.Empty((await Admin.CollectGarbageAsync(OneMinute)).WalSsts);
        _clock.Advance(TimeSpan.FromSeconds(61));
        var first = await Admin.CollectGarbageAsync(OneMinute);
        Assert.Equal(below.Except(protectedIds).Order(), first.WalSsts.Select(Id).Order());

        await using (var reader = await DbReader.OpenAsync("db", _store, new DbReaderOptions { CheckpointId = checkpoint, TimeProvider = _clock }))
        {
            Assert.Equal(["a=1", "b=2"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
        }

        Assert.True(await Admin.DeleteCheckpointAsync(checkpoint));
        var second = await Admin.CollectGarbageAsync(OneMinute);
        Assert.Equal(protectedIds.Order(), second.WalSsts.Select(Id).Order());
        Assert.NotNull(await _store.HeadAsync(fence));
        await using var reopened = await DbHandle.OpenAsync("db", _store, Options);
        Assert.Equal(["a=1", "b=2", "c0=3", "c1=3", "c2=3"], await ScanAsync(reopened.ScanAsync(KeyRange.All)));

        static ulong Id(string path) => DbPaths.TryParseWalSstName(path, out var id) ? id : 0;
    }

    [Fact]
    public async Task Manifest_gc_keeps_the_latest_and_checkpointed_versions_and_only_deletes_versions_older_than_the_min_age()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            await db.PutAsync(B("a"), B("1"));
            await db.FlushAsync(FlushType.MemTable);
            await db.CreateCheckpointAsync(CheckpointScope.Durable);
            await db.PutAsync(B("b"), B("2"));
            await db.FlushAsync(FlushType.MemTable);
        }

        var all = await ListAsync(_store, "db/manifest/");
        Assert.True(all.Count >= 5, $"{all.Count} manifests");
        Assert.Empty((await Admin.CollectGarbageAsync(OneMinute)).Manifests);

        _clock.Advance(TimeSpan.FromMinutes(2));
        var (latestId, _) = await LatestAsync();
        var pinnedId = (await Admin.ListCheckpointsAsync()).Single().ManifestId;
        var result = await Admin.CollectGarbageAsync(OneMinute);

        Assert.Equal(all.Count - 2, result.Manifests.Count);
        Assert.Equal(
            [DbPaths.ManifestPath("db", pinnedId), DbPaths.ManifestPath("db", latestId)],
            await ListAsync(_store, "db/manifest/"));
    }

    [Fact]
    public async Task Compacted_gc_deletes_ssts_no_live_manifest_references_once_a_compaction_moved_past_them()
    {
        var random = new Random(7);
        Guid checkpoint;
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            for (var i = 0; i < 3; i++)
            {
                await db.PutAsync(B($"k{i}"), B($"{i}"));
                await db.FlushAsync(FlushType.MemTable);
                _clock.Advance(TimeSpan.FromSeconds(1));
            }

            checkpoint = (await db.CreateCheckpointAsync(CheckpointScope.Durable)).Id;
        }

        // Without a compactions file nothing may go: an SST could be a running compaction's output.
        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty((await Admin.CollectGarbageAsync(OneMinute)).CompactedSsts);

        var oldL0 = await ListAsync(_store, "db/compacted/");
        await CompactAllAsync(_store, "db", _clock, random);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            await db.PutAsync(B("z"), B("9"));
            await db.FlushAsync(FlushType.MemTable);
        }

        _clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Empty((await Admin.CollectGarbageAsync(OneMinute)).CompactedSsts);

        Assert.True(await Admin.DeleteCheckpointAsync(checkpoint));
        var result = await Admin.CollectGarbageAsync(OneMinute);
        Assert.Equal(oldL0.Order(), result.CompactedSsts.Order());
        Assert.Equal(2, (await ListAsync(_store, "db/compacted/")).Count);
        await using var reader = await DbReader.OpenAsync("db", _store, new DbReaderOptions { TimeProvider = _clock });
        Assert.Equal(["k0=0", "k1=1", "k2=2", "z=9"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
    }

    [Fact]
    public async Task Compacted_gc_never_deletes_an_sst_newer_than_the_newest_l0_or_the_oldest_compaction()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            await db.PutAsync(B("a"), B("1"));
            await db.FlushAsync(FlushType.MemTable);
        }

        await CompactAllAsync(_store, "db", _clock, new Random(3));
        // A leftover of a flush that crashed before its manifest: written after the newest L0.
        _clock.Advance(TimeSpan.FromSeconds(5));
        var orphan = DbPaths.CompactedSstPath("db", Ulid.NewUlid(_clock, new Random(4)));
        await _store.PutAsync(orphan, new byte[] { 1, 2, 3 });
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.Empty((await Admin.CollectGarbageAsync(OneMinute)).CompactedSsts);
        Assert.Contains(orphan, await ListAsync(_store, "db/compacted/"));
    }

    [Fact]
    public async Task Expired_checkpoints_are_removed_first_and_what_only_they_pinned_goes_in_the_same_pass()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            await db.PutAsync(B("a"), B("1"));
            await db.CreateCheckpointAsync(CheckpointScope.Durable, new CheckpointOptions { Lifetime = TimeSpan.FromMinutes(10), Name = "short" });
            await db.CreateCheckpointAsync(CheckpointScope.Durable, new CheckpointOptions { Name = "forever" });
            await db.FlushAsync(FlushType.MemTable);
        }

        _clock.Advance(TimeSpan.FromMinutes(5));
        var early = await Admin.CollectGarbageAsync(OneMinute);
        Assert.Empty(early.ExpiredCheckpoints);
        Assert.Equal(2, (await Admin.ListCheckpointsAsync()).Count);

        _clock.Advance(TimeSpan.FromMinutes(6));
        var dry = await Admin.CollectGarbageAsync(OneMinute, dryRun: true);
        Assert.Equal(2, (await Admin.ListCheckpointsAsync()).Count);
        var before = await ListAsync(_store, "db/");
        var real = await Admin.CollectGarbageAsync(OneMinute);

        Assert.Single(real.ExpiredCheckpoints);
        Assert.Equal(dry.ExpiredCheckpoints, real.ExpiredCheckpoints);
        Assert.Equal(dry.Manifests.Order(), real.Manifests.Order());
        Assert.Equal(dry.WalSsts.Order(), real.WalSsts.Order());
        Assert.Equal("forever", (await Admin.ListCheckpointsAsync()).Single().Name);
        Assert.Contains(real.Manifests, before.Contains);
    }

    [Fact]
    public async Task Compactions_gc_keeps_the_latest_compactions_file()
    {
        for (var id = 1UL; id <= 3; id++)
        {
            await _store.PutAsync(DbPaths.CompactionsPath("db", id), CompactionsCodec.Encode(new CompactionsState(1, [])));
        }

        await using (await DbHandle.OpenAsync("db", _store, Options))
        {
        }

        _clock.Advance(TimeSpan.FromMinutes(2));
        var result = await Admin.CollectGarbageAsync(OneMinute);
        Assert.Equal([DbPaths.CompactionsPath("db", 1), DbPaths.CompactionsPath("db", 2)], result.CompactionsFiles);
        Assert.Equal([DbPaths.CompactionsPath("db", 3)], await ListAsync(_store, "db/compactions/"));
    }

    [Fact]
    public async Task The_database_process_runs_the_collector_on_its_interval_when_enabled_and_not_otherwise()
    {
        var store = new InMemoryObjectStore();
        Assert.NotNull(new DbOptions().GarbageCollector);
        await using (var off = await DbHandle.OpenAsync("off", store, new DbOptions { GarbageCollector = null }))
        {
            Assert.Null(off.GarbageCollector);
        }

        var options = new DbOptions { GarbageCollector = GarbageCollectorOptions.All(TimeSpan.Zero, TimeSpan.FromMilliseconds(20)) };
        await using var db = await DbHandle.OpenAsync("db", store, options);
        for (var i = 0; i < 3; i++)
        {
            await db.PutAsync(B($"k{i}"), B("v"));
            await db.FlushAsync(FlushType.MemTable);
        }

        var gc = db.GarbageCollector!;
        var walBefore = (await ListAsync(store, "db/wal/")).Count;
        while (gc.Passes < 8)
        {
            await gc.NextPass.WaitAsync(TimeSpan.FromMinutes(1));
        }

        Assert.True((await ListAsync(store, "db/wal/")).Count < walBefore);
        Assert.Single(await ListAsync(store, "db/manifest/"));
        Assert.Equal(["k0=v", "k1=v", "k2=v"], await ScanAsync(db.ScanAsync(KeyRange.All)));
    }
}
