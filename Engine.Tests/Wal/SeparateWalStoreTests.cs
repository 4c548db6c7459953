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
