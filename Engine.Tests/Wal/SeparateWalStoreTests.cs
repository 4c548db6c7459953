using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Wal;

/// <summary>
/// A database whose manifest keeps its WAL in another object store (SlateDB's
/// <c>wal_object_store_uri</c>) is refused by every open until SlateFast can read that store:
/// replaying the main store instead would silently miss every unflushed write.
/// </summary>
public sealed class SeparateWalStoreTests
{
    [Fact]
    public async Task Writer_reader_and_read_only_opens_refuse_a_database_whose_WAL_lives_in_another_store_and_write_nothing()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store))
        {
            await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        }

        var manifests = new ManifestStore(store, "db");
        var latest = (await manifests.LoadLatestAsync())!.Value;
        await manifests.UpdateAsync(latest, (_, s) => s with { WalObjectStoreUri = "s3://wal-bucket/orders" }, reconcile: null, TimeProvider.System, TimeSpan.FromSeconds(30), CancellationToken.None);
        var before = await CountAsync(store);

        var writer = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", store));
        var reader = await Assert.ThrowsAsync<SlateFastException>(() => DbReader.OpenAsync("db", store));
        var readOnly = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenReadOnlyAsync("db", store));

        foreach (var e in new[] { writer, reader, readOnly })
        {
            Assert.Equal(ErrorKind.Invalid, e.Kind);
            Assert.Contains("s3://wal-bucket/orders", e.Message, StringComparison.Ordinal);
        }

        Assert.Equal(before, await CountAsync(store));
    }

    [Fact]
    public async Task A_writer_refuses_a_database_whose_manifest_saw_WAL_objects_that_are_not_in_the_store()
    {
        // SlateDB 0.12+ manifests do not name a separate WAL store; what gives one away (or a
        // damaged WAL) is a manifest that saw WAL objects the main store does not have.
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
        Assert.Contains("separate object store", e.Message, StringComparison.Ordinal);
    }

    private static async Task<int> CountAsync(IObjectStore store)
    {
        var count = 0;
        await foreach (var _ in store.ListAsync("db/"))
        {
            count++;
        }

        return count;
    }
}
