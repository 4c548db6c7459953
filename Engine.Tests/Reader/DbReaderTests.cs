using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.GarbageCollection;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Reader;

public sealed class DbReaderTests
{
    private readonly ManualClock _clock = new(Start);
    private readonly InMemoryObjectStore _store;

    public DbReaderTests() => _store = new InMemoryObjectStore(_clock);

    private DbOptions Options => new() { TimeProvider = _clock, GarbageCollector = null };

    private DbReaderOptions ReaderOptions(DbReaderMode? mode = null) =>
        new() { Mode = mode, TimeProvider = _clock, ManifestPollInterval = TimeSpan.FromHours(1), CheckpointLifetime = TimeSpan.FromHours(2) };

    [Theory]
    [InlineData(DbReaderMode.ManagedCheckpoint)]
    [InlineData(DbReaderMode.FollowLatest)]
    public async Task A_reader_follows_durable_writes_new_l0s_and_reopens_without_fencing_the_writer(DbReaderMode mode)
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options);
        await db.PutAsync(B("a"), B("1"));
        await using var reader = await DbReader.OpenAsync("db", _store, ReaderOptions(mode));
        Assert.Equal(["a=1"], await ScanAsync(reader.ScanAsync(KeyRange.All)));

        await db.PutAsync(B("b"), B("2"));
        Assert.Null(await reader.GetAsync(B("b")));
        await reader.RefreshAsync();
        Assert.Equal("2"u8.ToArray(), await reader.GetAsync(B("b")));

        await db.FlushAsync(FlushType.MemTable);
        await db.PutAsync(B("a"), B("3"));
        await db.DeleteAsync(B("b"));
        await reader.RefreshAsync();
        Assert.Equal(["a=3"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
        Assert.Equal(reader.LastSeq, db.LastSeq);

        await db.CloseAsync();
        await using var again = await DbHandle.OpenAsync("db", _store, Options);
        await again.PutAsync(B("c"), B("4"));
        await again.FlushAsync(FlushType.MemTable);
        await reader.RefreshAsync();
        Assert.Equal(["a=3", "c=4"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
        Assert.Equal(CloseReason.None, again.CloseReason);
    }

    [Fact]
    public async Task A_managed_reader_keeps_one_checkpoint_replaces_it_on_new_l0s_refreshes_it_at_half_life_and_deletes_it_on_close()
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options);
        await db.PutAsync(B("a"), B("1"));
        var admin = new DbAdmin("db", _store, _clock);
        Guid first;
        await using (var reader = await DbReader.OpenAsync("db", _store, ReaderOptions()))
        {
            first = reader.CheckpointId!.Value;
            Assert.Equal([first], (await admin.ListCheckpointsAsync()).Select(c => c.Id));

            await db.FlushAsync(FlushType.MemTable);
            await reader.RefreshAsync();
            var second = reader.CheckpointId!.Value;
            Assert.NotEqual(first, second);
            var listed = (await admin.ListCheckpointsAsync()).Single();
            Assert.Equal((second, reader.ManifestId), (listed.Id, listed.ManifestId));

            _clock.Advance(TimeSpan.FromMinutes(61));
            await reader.RefreshAsync();
            Assert.True((await admin.ListCheckpointsAsync()).Single().ExpireTime > _clock.GetUtcNow().AddMinutes(110));
        }

        Assert.Empty(await admin.ListCheckpointsAsync());
    }

    [Fact]
    public async Task A_reader_at_a_checkpoint_keeps_reading_it_while_the_writer_compacts_and_gc_runs()
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options);
        for (var i = 0; i < 3; i++)
        {
            await db.PutAsync(B($"k{i}"), B("old"));
            await db.FlushAsync(FlushType.MemTable);
        }

        var checkpoint = await db.CreateCheckpointAsync();
        await using var reader = await DbReader.OpenAsync("db", _store, new DbReaderOptions { CheckpointId = checkpoint.Id, TimeProvider = _clock });
        await db.CloseAsync();
        await CompactAllAsync(_store, "db", _clock, new Random(5));
        await using (var writer = await DbHandle.OpenAsync("db", _store, Options))
        {
            await writer.PutAsync(B("k0"), B("new"));
            await writer.FlushAsync(FlushType.MemTable);
        }

        _clock.Advance(TimeSpan.FromHours(1));
        var result = await new DbAdmin("db", _store, _clock).CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.Zero));
        Assert.True(result.ObjectCount > 0);
        Assert.Equal(["k0=old", "k1=old", "k2=old"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
        Assert.Equal(checkpoint.ManifestId, reader.ManifestId);
    }

    [Fact]
    public async Task A_reader_that_skips_WAL_replay_reads_no_WAL_object_at_open_and_sees_only_the_tables()
    {
        // SlateDB #2003: the open still replayed up to wal_id_last_seen. Closing the writer
        // records its last WAL id in the manifest, so the old behaviour would read it.
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store))
        {
            await db.PutAsync("flushed"u8.ToArray(), "1"u8.ToArray());
            await db.FlushAsync(FlushType.MemTable);
            await db.PutAsync("wal-only"u8.ToArray(), "2"u8.ToArray());
        }

        var counting = new WalReadCounter(store);
        await using var reader = await DbReader.OpenAsync("db", counting, new DbReaderOptions { Mode = DbReaderMode.FollowLatest, SkipWalReplay = true });

        Assert.Equal("1"u8.ToArray(), await reader.GetAsync("flushed"u8.ToArray()));
        Assert.Null(await reader.GetAsync("wal-only"u8.ToArray()));
        Assert.Equal(0, counting.WalReads);
        await using var replaying = await DbReader.OpenAsync("db", counting, new DbReaderOptions { Mode = DbReaderMode.FollowLatest });
        Assert.Equal("2"u8.ToArray(), await replaying.GetAsync("wal-only"u8.ToArray()));
        Assert.True(counting.WalReads > 0);
    }

    // Counts reads of WAL objects.
    private sealed class WalReadCounter(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        private int _walReads;

        public int WalReads => Volatile.Read(ref _walReads);

        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (operation is "get" or "get-range" or "head" && path.Contains("/wal/", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref _walReads);
            }

            return call(cancellationToken);
        }
    }

    [Fact]
    public async Task Opening_a_reader_at_a_missing_checkpoint_or_of_a_missing_database_is_invalid()
    {
        var none = await Assert.ThrowsAsync<SlateFastException>(() => DbReader.OpenAsync("nothing", _store));
        Assert.Equal(ErrorKind.Invalid, none.Kind);
        await using (await DbHandle.OpenAsync("db", _store, Options))
        {
        }

        var missing = await Assert.ThrowsAsync<SlateFastException>(() => DbReader.OpenAsync("db", _store, new DbReaderOptions { CheckpointId = Guid.NewGuid() }));
        Assert.Equal(ErrorKind.Invalid, missing.Kind);
        var bad = await Assert.ThrowsAsync<SlateFastException>(() => DbReader.OpenAsync("db", _store, new DbReaderOptions { Mode = DbReaderMode.FollowLatest, CheckpointId = Guid.NewGuid() }));
        Assert.Equal(ErrorKind.Invalid, bad.Kind);
    }

    [Fact]
    public async Task A_clone_reads_its_parents_ssts_in_place_writes_under_its_own_path_and_leaves_the_parent_alone()
    {
        using var folder = new TempFolder("clone");
        var store = new LocalObjectStore(folder.Path);
        var options = new DbOptions { GarbageCollector = null };
        Guid checkpoint;
        await using (var parent = await DbHandle.OpenAsync("parent", store, options))
        {
            await parent.PutAsync(B("a"), B("1"));
            await parent.FlushAsync(FlushType.MemTable);
            await parent.PutAsync(B("b"), B("2"));
            checkpoint = (await parent.CreateCheckpointAsync(CheckpointScope.Durable)).Id;
            await parent.PutAsync(B("c"), B("after"));
        }

        Assert.True(await new DbAdmin("clone", store).CreateCloneAsync("parent", checkpoint));
        Assert.False(await new DbAdmin("clone", store).CreateCloneAsync("parent", checkpoint)); // already a clone: nothing to do
        var (_, manifest) = (await new ManifestStore(store, "clone").LoadLatestAsync())!.Value;
        var external = Assert.Single(manifest.ExternalDbs);
        Assert.Equal(("parent", true), (external.Path, manifest.Initialized));
        Assert.Empty(Directory.Exists(Path.Combine(folder.Path, "clone", "compacted")) ? Directory.GetFiles(Path.Combine(folder.Path, "clone", "compacted")) : []);
        var parentCheckpoints = await new DbAdmin("parent", store).ListCheckpointsAsync();
        Assert.Contains(parentCheckpoints, c => c.Id == SlateFast.Db.Checkpoints.CheckpointIds.ToGuid(external.FinalCheckpointId!.Value) && c.ExpireTime is null);

        await using (var clone = await DbHandle.OpenAsync("clone", store, options))
        {
            Assert.Equal(["a=1", "b=2"], await ScanAsync(clone.ScanAsync(KeyRange.All)));
            await clone.PutAsync(B("d"), B("clone"));
            await clone.FlushAsync(FlushType.MemTable);
            Assert.Equal(["a=1", "b=2", "d=clone"], await ScanAsync(clone.ScanAsync(KeyRange.All)));
        }

        await using var parentReader = await DbReader.OpenAsync("parent", store);
        Assert.Equal(["a=1", "b=2", "c=after"], await ScanAsync(parentReader.ScanAsync(KeyRange.All)));
        var e = await Assert.ThrowsAsync<SlateFastException>(() => new DbAdmin("parent", store).CreateCloneAsync("parent"));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }
}
