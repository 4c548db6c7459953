using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Testing;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Admin;

/// <summary>
/// <see cref="DbAdmin.DeleteDatabaseAsync"/>: every object of the database goes, its WAL in a
/// separate store too, manifests last; a database in use is refused unless forced; deleting
/// again deletes nothing.
/// </summary>
public sealed class DeleteDatabaseTests
{
    private static readonly DbOptions s_writer = TestOptions.ManualTree;

    private static async Task WriteAsync(IObjectStore store, string path, DbOptions options, int rows = 3)
    {
        await using var db = await DbHandle.OpenAsync(path, store, options);
        for (var i = 0; i < rows; i++)
        {
            await db.PutAsync(B($"k{i}"), B($"v{i}"));
            await db.FlushAsync(FlushType.MemTable);
        }

        // Something left in the WAL only, so the WAL holds data objects as well as fences.
        await db.PutAsync(B("wal-only"), B("x"));
    }

    [Fact]
    public async Task Every_object_goes_and_a_second_deletion_finds_nothing()
    {
        var clock = new ManualClock();
        var store = new InMemoryObjectStore(clock);
        await WriteAsync(store, "db", s_writer);
        await WriteAsync(store, "db-2", s_writer);
        var admin = new DbAdmin("db", store, clock);
        await admin.CompactAsync(s_writer with { TimeProvider = clock }, full: true);
        var before = await store.ListAllAsync("db/");

        // Past the compactor's own 15-minute checkpoint, which pins the version it replaced.
        clock.Advance(TimeSpan.FromMinutes(16));

        var deleted = await admin.DeleteDatabaseAsync();

        Assert.Equal(before.Count, deleted.ObjectsDeleted);
        Assert.Equal(before.Sum(o => o.Size), deleted.BytesDeleted);
        Assert.Empty(await store.ListAllAsync("db/"));
        Assert.NotEmpty(await store.ListAllAsync("db-2/"));
        Assert.Equal(new DeleteDatabaseResult(0, 0, 0), await admin.DeleteDatabaseAsync());
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenReadOnlyAsync("db", store))).Kind);
    }

    [Fact]
    public async Task The_WAL_in_a_separate_store_goes_too()
    {
        var clock = new ManualClock();
        var store = new InMemoryObjectStore(clock);
        var walStore = new InMemoryObjectStore(clock);
        await WriteAsync(store, "db", s_writer with { WalObjectStore = walStore });
        var walObjects = (await walStore.ListAllAsync("db/wal/")).Count;
        Assert.True(walObjects > 0);
        clock.Advance(TimeSpan.FromMinutes(2));

        var deleted = await new DbAdmin("db", store, clock, walStore).DeleteDatabaseAsync();

        Assert.Equal(walObjects, deleted.WalObjectsDeleted);
        Assert.Empty(await walStore.ListAllAsync("db/"));
        Assert.Empty(await store.ListAllAsync("db/"));
    }

    [Fact]
    public async Task Recent_writes_unexpired_checkpoints_and_foreign_objects_refuse_the_deletion_unless_forced()
    {
        var clock = new ManualClock();
        var store = new InMemoryObjectStore(clock);
        await WriteAsync(store, "db", s_writer);
        var admin = new DbAdmin("db", store, clock);

        var active = await Assert.ThrowsAsync<SlateFastException>(() => admin.DeleteDatabaseAsync());
        Assert.Equal(ErrorKind.Invalid, active.Kind);
        Assert.Contains("looks active", active.Message, StringComparison.Ordinal);

        clock.Advance(TimeSpan.FromMinutes(2));
        var checkpoint = await admin.CreateCheckpointAsync(new CheckpointOptions { Lifetime = TimeSpan.FromHours(1) });
        clock.Advance(TimeSpan.FromMinutes(2));
        var pinned = await Assert.ThrowsAsync<SlateFastException>(() => admin.DeleteDatabaseAsync());
        Assert.Contains(checkpoint.Id.ToString("D"), pinned.Message, StringComparison.Ordinal);

        // Expired checkpoints do not count: nobody refreshes them any more.
        clock.Advance(TimeSpan.FromHours(2));
        await store.PutAsync("db/nested/manifest/00000000000000000001.manifest", new byte[] { 1 });
        var foreign = await Assert.ThrowsAsync<SlateFastException>(() => admin.DeleteDatabaseAsync());
        Assert.Contains("db/nested/", foreign.Message, StringComparison.Ordinal);
        Assert.NotEmpty(await store.ListAllAsync("db/manifest/"));

        await admin.DeleteDatabaseAsync(new DeleteDatabaseOptions { Force = true });
        Assert.Empty(await store.ListAllAsync("db/"));
    }

    [Fact]
    public async Task Manifests_go_last_so_a_deletion_that_stops_half_way_leaves_a_database_that_fails_loudly_and_a_rerun_finishes()
    {
        var clock = new ManualClock();
        var inner = new InMemoryObjectStore(clock);
        await WriteAsync(inner, "db", s_writer);
        clock.Advance(TimeSpan.FromMinutes(2));
        var deletes = new List<string>();
        var failing = new FaultInjectingObjectStore(inner)
        {
            Rule = (operation, path) =>
            {
                if (operation != "delete")
                {
                    return null;
                }

                deletes.Add(path);
                return path.Contains("/manifest/", StringComparison.Ordinal) && deletes.Count(p => p.Contains("/manifest/", StringComparison.Ordinal)) == 2
                    ? new Fault(FaultKind.Permanent)
                    : null;
            },
        };

        await Assert.ThrowsAnyAsync<Exception>(() => new DbAdmin("db", failing, clock).DeleteDatabaseAsync());

        var firstManifest = deletes.FindIndex(p => p.Contains("/manifest/", StringComparison.Ordinal));
        Assert.True(firstManifest > 0);
        Assert.All(deletes.Skip(firstManifest), p => Assert.Contains("/manifest/", p, StringComparison.Ordinal));
        Assert.Empty(await inner.ListAllAsync("db/wal/"));
        Assert.Empty(await inner.ListAllAsync("db/compacted/"));
        var broken = await Assert.ThrowsAnyAsync<SlateFastException>(async () =>
        {
            await using var reader = await DbHandle.OpenReadOnlyAsync("db", inner);
            await reader.GetAsync(B("k0"));
        });
        Assert.NotEqual(ErrorKind.Invalid, broken.Kind);

        await new DbAdmin("db", inner, clock).DeleteDatabaseAsync();
        Assert.Empty(await inner.ListAllAsync("db/"));
    }

    [Fact]
    public async Task An_empty_path_is_refused_rather_than_deleting_the_whole_store()
    {
        var store = new InMemoryObjectStore();
        await store.PutAsync("other/file", new byte[] { 1 });

        var refused = await Assert.ThrowsAsync<SlateFastException>(() => new DbAdmin("", store).DeleteDatabaseAsync(new DeleteDatabaseOptions { Force = true }));

        Assert.Equal(ErrorKind.Invalid, refused.Kind);
        Assert.Single(await store.ListAllAsync(""));
    }
}
