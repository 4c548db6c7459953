using SlateFast.Tests.Support;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using Xunit.Abstractions;
using static SlateFast.Tests.Interop.RowAssert;

namespace SlateFast.Tests.Interop.Db;

/// <summary>
/// Databases real SlateDB wrote and left with WAL rows past the replay point open in SlateFast,
/// which reads every row SlateDB scans and none it deleted; then SlateFast writes on and SlateDB
/// reads the result (a round trip across engines).
/// </summary>
[Collection(SlateDbDatabasesCollection.Name)]
public sealed class SlateDbWrittenTests(SlateDbDatabases dbs, ITestOutputHelper output)
{
    [Theory]
    [InlineData("wal-only", 41)]
    [InlineData("random", 42)]
    public async Task A_generated_database_with_unflushed_wal_reads_the_same_in_slatefast_and_survives_a_round_trip(string kind, int seed)
    {
        output.WriteLine($"kind {kind}, seed {seed}");
        var g = dbs[kind];
        Assert.Null(g.MergeOperator);
        Assert.True(
            g.Objects.Any(o => o.StartsWith("wal/", StringComparison.Ordinal) && DbPaths.TryParseWalSstName(o, out var id) && id > (ulong)g.Manifest.ReplayAfterWalId),
            "the database must have WAL objects past the replay point");
        using var tmp = new TempFolder();
        CrossEngine.CopyDirectory(g.DbDirectory, Path.Combine(tmp.Path, g.DbPath));
        var store = new LocalObjectStore(tmp.Path);
        var model = DbModel.From(g.Rows);

        await using (var db = await DbHandle.OpenAsync(g.DbPath, store))
        {
            await CrossEngine.AssertSlateFastReadsAsync(db, store, g.DbPath, g.Rows, minimumDeleted: 1);
            await MixedWrites.ApplyAsync(db, model, new Random(seed), 300, model.LiveKeys);
        }

        var rows = await SlateDbNode.ScanAsync(tmp.Path, g.DbPath);
        Assert.Equal(model.Rows, rows);
    }

    [Fact]
    public async Task Slatedb_writes_left_in_the_wal_read_the_same_in_slatefast_whose_further_writes_slatedb_reads_back()
    {
        const int seed = 43;
        output.WriteLine($"seed {seed}");
        using var tmp = new TempFolder();
        SlateDbWriteOp[] ops =
        [
            SlateDbWriteOp.Put([0x00], Utf8("zero")),
            SlateDbWriteOp.Put([0xFF, 0x00, 0xFF], []),
            SlateDbWriteOp.Put(Utf8("a"), Utf8("first")),
            SlateDbWriteOp.Put(Utf8("b"), Utf8("kept")),
            SlateDbWriteOp.Put(Utf8("a"), Utf8("second")),
            SlateDbWriteOp.Put(Utf8("gone"), Utf8("x")),
            SlateDbWriteOp.Delete(Utf8("gone")),
            SlateDbWriteOp.Delete(Utf8("never-written")),
            SlateDbWriteOp.Put(Utf8("gone-again"), new byte[5000]),
            SlateDbWriteOp.Delete(Utf8("gone-again")),
            .. Enumerable.Range(0, 200).Select(i => SlateDbWriteOp.Put(Utf8($"bulk-{i:d4}"), Utf8($"value-{i}"))),
        ];
        await SlateDbNode.WriteAsync(tmp.Path, "db", ops, flushMemtable: false);
        var store = new LocalObjectStore(tmp.Path);
        Assert.Empty(await store.ListAllAsync("db/compacted/"));
        var scan = await SlateDbNode.ScanAsync(tmp.Path, "db");
        var model = DbModel.From(scan);

        var random = new Random(seed);
        await using (var db = await DbHandle.OpenAsync("db", store, new DbOptions { L0SstSizeBytes = 4096, L0MaxSsts = 64 }))
        {
            await CrossEngine.AssertSlateFastReadsAsync(db, store, "db", scan, minimumDeleted: 3);
            Assert.Null(await db.GetAsync(Utf8("never-written")));
            await MixedWrites.ApplyAsync(db, model, random, 200, model.LiveKeys);
            await db.FlushAsync(FlushType.MemTable);
            await MixedWrites.ApplyAsync(db, model, random, 100, model.LiveKeys);
        }

        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db");
        Assert.Equal(model.Rows, rows);

        // And once more the other way: SlateDB writes on top of SlateFast's L0 and WAL, SlateFast reads it.
        await SlateDbNode.WriteAsync(tmp.Path, "db", [SlateDbWriteOp.Put(Utf8("a"), Utf8("third")), SlateDbWriteOp.Delete(Utf8("b"))], flushMemtable: false);
        var final = await SlateDbNode.ScanAsync(tmp.Path, "db");
        await using var reopened = await DbHandle.OpenAsync("db", store);
        await CrossEngine.AssertSlateFastReadsAsync(reopened, store, "db", final, minimumDeleted: 1);
        Assert.Equal("third", System.Text.Encoding.UTF8.GetString((await reopened.GetAsync(Utf8("a")))!));
        Assert.Null(await reopened.GetAsync(Utf8("b")));
    }
}
