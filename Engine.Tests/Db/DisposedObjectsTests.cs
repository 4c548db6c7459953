using System.Text;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Db;

/// <summary>
/// One error model everywhere: a disposed snapshot, iterator, transaction or reader fails with
/// <see cref="ErrorKind.Closed"/>, as a closed database does, never with ObjectDisposedException.
/// </summary>
public sealed class DisposedObjectsTests
{
    private static async Task AssertClosedAsync(Func<Task> use)
    {
        var error = await Assert.ThrowsAsync<SlateFastException>(use);
        Assert.Equal(ErrorKind.Closed, error.Kind);
    }

    [Fact]
    public async Task A_disposed_snapshot_iterator_transaction_and_reader_fail_as_closed()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, new DbOptions { GarbageCollector = null });
        await db.PutAsync(B("k"), B("v"));

        var snapshot = db.Snapshot();
        snapshot.Dispose();
        await AssertClosedAsync(() => snapshot.GetAsync(B("k")).AsTask());
        Assert.Equal(ErrorKind.Closed, Assert.Throws<SlateFastException>(() => snapshot.ScanAsync(KeyRange.All)).Kind);

        var iterator = db.ScanAsync(KeyRange.All);
        await iterator.DisposeAsync();
        await AssertClosedAsync(() => iterator.NextAsync().AsTask());

        var transaction = db.BeginTransaction();
        await transaction.DisposeAsync();
        Assert.Equal(ErrorKind.Closed, Assert.Throws<SlateFastException>(() => transaction.Put(B("k"), B("w"))).Kind);
        await AssertClosedAsync(() => transaction.GetAsync(B("k")).AsTask());

        var reader = await DbReader.OpenAsync("db", store);
        await reader.DisposeAsync();
        await AssertClosedAsync(() => reader.GetAsync(B("k")).AsTask());
        await AssertClosedAsync(() => reader.RefreshAsync());
    }
}
