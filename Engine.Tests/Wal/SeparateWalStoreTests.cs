using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Wal;

/// <summary>
/// A database may keep its WAL in a separate object store (SlateDB's <c>with_wal_object_store</c>,
/// <see cref="DbOptions.WalObjectStore"/>): WAL objects are written, fenced, replayed and
/// collected there, the manifest marks the database as SlateDB does, and an open without that
/// store is refused instead of replaying the wrong one.
/// </summary>
public sealed class SeparateWalStoreTests
{
    [Fact]
    public async Task Unflushed_writes_live_only_in_the_WAL_store_and_a_reopen_with_it_replays_them()
    {
        var main = new InMemoryObjectStore();
        var wal = new InMemoryObjectStore();
        var options = new DbOptions { WalObjectStore = wal };
        await using (var db = await DbHandle.OpenAsync("db", main, options))
        {
            await db.PutAsync("k1"u8.ToArray(), "v1"u8.ToArray());
            await db.PutAsync("k2"u8.ToArray(), "v2"u8.ToArray());
        }

        Assert.Empty(await main.ListAllAsync("db/wal/"));
        Assert.NotEmpty(await wal.ListAllAsync("db/wal/"));
        Assert.All(await wal.ListAllAsync(""), m => Assert.StartsWith("db/wal/", m.Path, StringComparison.Ordinal));
        var state = (await new ManifestStore(main, "db").LoadLatestAsync())!.Value.State;
        Assert.Equal(string.Empty, state.WalObjectStoreUri);
        Assert.Empty(state.L0);

        await using var reopened = await DbHandle.OpenAsync("db", main, options);
        Assert.Equal("v1"u8.ToArray(), await reopened.GetAsync("k1"u8.ToArray()));
        Assert.Equal("v2"u8.ToArray(), await reopened.GetAsync("k2"u8.ToArray()));
    }

    [Fact]
    public async Task Readers_and_read_only_opens_read_the_unflushed_writes_from_the_WAL_store()
    {
        var main = new InMemoryObjectStore();
        var wal = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", main, new DbOptions { WalObjectStore = wal });
        await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());

        await using var reader = await DbReader.OpenAsync("db", main, new DbReaderOptions { WalObjectStore = wal });
        await using var readOnly = await DbHandle.OpenReadOnlyAsync("db", main, new DbOptions { WalObjectStore = wal });

        Assert.Equal("v"u8.ToArray(), await reader.GetAsync("k"u8.ToArray()));
        Assert.Equal("v"u8.ToArray(), await readOnly.GetAsync("k"u8.ToArray()));
    }

    [Fact]
    public async Task Every_open_without_the_WAL_store_is_refused_naming_the_option_and_writes_nothing()
    {
        var main = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", main, new DbOptions { WalObjectStore = new InMemoryObjectStore() }))
        {
            await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        var before = await main.ListAllAsync("");

        var writer = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", main));
        var reader = await Assert.ThrowsAsync<SlateFastException>(() => DbReader.OpenAsync("db", main));
        var readOnly = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenReadOnlyAsync("db", main));

        foreach (var e in new[] { writer, reader, readOnly })
        {
            Assert.Equal(ErrorKind.Invalid, e.Kind);
            Assert.Contains("separate object store", e.Message, StringComparison.Ordinal);
            Assert.Contains("WalObjectStore", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before.Select(m => m.Path), (await main.ListAllAsync("")).Select(m => m.Path));
    }

    [Fact]
    public async Task Cloning_a_database_whose_WAL_lives_in_another_store_is_refused_before_anything_is_written()
    {
        var main = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("parent", main, new DbOptions { WalObjectStore = new InMemoryObjectStore() }))
        {
            await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        var e = await Assert.ThrowsAsync<SlateFastException>(() => new DbAdmin("clone", main).CreateCloneAsync("parent"));

        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("separate object store", e.Message, StringComparison.Ordinal);
        Assert.Empty(await main.ListAllAsync("clone/"));
    }

    [Fact]
    public async Task A_manifest_naming_a_WAL_store_by_address_is_refused_with_that_address()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store))
        {
            await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        var manifests = new ManifestStore(store, "db");
        var latest = (await manifests.LoadLatestAsync())!.Value;
        await manifests.UpdateAsync(latest, (_, s) => s with { WalObjectStoreUri = "s3://wal-bucket/orders" }, reconcile: null, TimeProvider.System, TimeSpan.FromSeconds(30), CancellationToken.None);

        var e = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", store));

        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("s3://wal-bucket/orders", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_writer_refuses_a_database_whose_manifest_saw_WAL_objects_that_are_not_in_the_store()
    {
        // Version 2 manifests do not mark a separate WAL store; what gives one away (or a damaged
        // WAL) is a manifest that saw WAL objects the store the open reads does not have.
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store))
        {
            await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        var state = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value.State;
        Assert.True(state.WalIdLastSeen > state.ReplayAfterWalId, $"replay point {state.ReplayAfterWalId}, last seen {state.WalIdLastSeen}");
        for (var id = state.ReplayAfterWalId + 1; id <= state.WalIdLastSeen; id++)
        {
            await store.DeleteAsync(DbPaths.WalSstPath("db", id));
        }

        var e = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", store));

        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains($"WAL object {state.ReplayAfterWalId + 1} is not in the store", e.Message, StringComparison.Ordinal);
        Assert.Contains("--wal-store", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_newer_writer_fences_the_older_one_through_the_WAL_store()
    {
        var main = new InMemoryObjectStore();
        var options = new DbOptions { WalObjectStore = new InMemoryObjectStore() };
        await using var old = await DbHandle.OpenAsync("db", main, options);
        await old.PutAsync("a"u8.ToArray(), "1"u8.ToArray());
        await using var next = await DbHandle.OpenAsync("db", main, options);

        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await old.PutAsync("b"u8.ToArray(), "2"u8.ToArray()));

        Assert.Equal(ErrorKind.Closed, e.Kind);
        Assert.Equal(CloseReason.Fenced, old.CloseReason);
        Assert.Equal("1"u8.ToArray(), await next.GetAsync("a"u8.ToArray()));
    }

    [Fact]
    public async Task Garbage_collection_removes_replayed_WAL_objects_from_the_WAL_store()
    {
        var main = new InMemoryObjectStore();
        var wal = new InMemoryObjectStore();
        var options = new DbOptions { WalObjectStore = wal, GarbageCollector = GarbageCollectorOptions.All(TimeSpan.Zero) };
        await using var db = await DbHandle.OpenAsync("db", main, options);
        for (var i = 0; i < 5; i++)
        {
            await db.PutAsync(new byte[] { (byte)i }, "v"u8.ToArray());
        }

        await db.FlushAsync(FlushType.MemTable);
        var replayAfter = (await new ManifestStore(main, "db").LoadLatestAsync())!.Value.State.ReplayAfterWalId;
        var before = WalIds(await wal.ListAllAsync("db/wal/"));
        Assert.Contains(before, id => id < replayAfter);

        var result = await db.GarbageCollector!.RunOnceAsync(dryRun: false);

        Assert.NotEmpty(result.WalSsts);
        var after = (await wal.ListAllAsync("db/wal/")).Select(m => m.Path).ToList();
        Assert.All(result.WalSsts, path => Assert.DoesNotContain(path, after));
        Assert.Equal("v"u8.ToArray(), await db.GetAsync(new byte[] { 4 }));
    }

    private static List<ulong> WalIds(List<ObjectMeta> metas) =>
        [.. metas.Select(m => DbPaths.TryParseWalSstName(m.Path, out var id) ? id : 0).Where(id => id > 0)];
}
