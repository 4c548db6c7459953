using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.Interop.Db;

/// <summary>
/// A database whose WAL lives in a separate object store (SlateDB's <c>with_wal_object_store</c>)
/// moves between SlateFast and real SlateDB 0.12.1 both ways, unflushed writes included: each
/// engine replays the WAL the other wrote in that store, and fences it there.
/// </summary>
public sealed class SeparateWalStoreInteropTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(31)]
    public async Task SlateDB_reads_and_takes_over_a_database_whose_WAL_SlateFast_wrote_to_a_separate_store(int seed)
    {
        output.WriteLine($"seed {seed}");
        using var tmp = new TempFolder("interop-wal-store");
        var mainRoot = Path.Combine(tmp.Path, "main");
        var walRoot = Path.Combine(tmp.Path, "wal");
        var main = new LocalObjectStore(mainRoot);
        var model = new DbModel();
        await using (var db = await DbHandle.OpenAsync("db", main, new DbOptions { WalObjectStore = new LocalObjectStore(walRoot), FlushInterval = TimeSpan.FromMilliseconds(5) }))
        {
            await MixedWrites.ApplyAsync(db, model, new Random(seed), 200);
        }

        Assert.Empty((await new ManifestStore(main, "db").LoadLatestAsync())!.Value.State.L0);
        Assert.Empty(await main.ListAllAsync("db/wal/"));

        var read = await SlateDbNode.ScanAsync(mainRoot, "db", walRoot: walRoot);
        var takenOver = await SlateDbNode.ScanAsync(mainRoot, "db", walRoot: walRoot, writer: true);

        Assert.Equal(model.Rows, read);
        Assert.Equal(model.Rows, takenOver);

        // SlateDB's writer fenced in the WAL store; SlateFast opens after it and still has every row.
        await using var reopened = await DbHandle.OpenAsync("db", main, new DbOptions { WalObjectStore = new LocalObjectStore(walRoot) });
        Assert.Empty(await main.ListAllAsync("db/wal/"));
        foreach (var row in model.Rows)
        {
            Assert.Equal(row.Value, await reopened.GetAsync(row.Key));
        }
    }

    [Fact]
    public async Task SlateFast_replays_the_unflushed_writes_SlateDB_left_in_a_separate_WAL_store_and_refuses_to_open_without_it()
    {
        using var tmp = new TempFolder("interop-wal-store");
        var mainRoot = Path.Combine(tmp.Path, "main");
        var walRoot = Path.Combine(tmp.Path, "wal");
        var ops = Enumerable.Range(0, 50).Select(i => SlateDbWriteOp.Put(B($"k{i:d2}"), B($"v{i}"))).ToList();
        ops.Add(SlateDbWriteOp.Delete(B("k07")));
        await SlateDbNode.WriteAsync(mainRoot, "db", ops, flushMemtable: false, walRoot: walRoot);
        var main = new LocalObjectStore(mainRoot);
        var state = (await new ManifestStore(main, "db").LoadLatestAsync())!.Value.State;

        var refused = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", main));
        await using var db = await DbHandle.OpenAsync("db", main, new DbOptions { WalObjectStore = new LocalObjectStore(walRoot) });

        Assert.Empty(state.L0);
        Assert.Equal(string.Empty, state.WalObjectStoreUri);
        Assert.Equal(ErrorKind.Invalid, refused.Kind);
        Assert.Equal(B("v0"), await db.GetAsync(B("k00")));
        Assert.Equal(B("v49"), await db.GetAsync(B("k49")));
        Assert.Null(await db.GetAsync(B("k07")));
    }
}
