using SlateFast.Tests.Support;
using SlateFast.ObjectStore;
using SlateFast.Tests.Crash;
using static SlateFast.Tests.Interop.RowAssert;

namespace SlateFast.Tests.Interop.Db;

/// <summary>Fencing works across engines in both orders: the newest writer, SlateDB or SlateFast, wins.</summary>
public sealed class CrossEngineFencingTests
{
    [Fact]
    public async Task A_slatefast_open_fences_a_held_slatedb_writer_whose_next_put_fails_closed_fenced()
    {
        using var tmp = new TempFolder();
        var store = new LocalObjectStore(tmp.Path);
        await using (var held = await SlateDbNode.HoldWriterAsync(tmp.Path, "db"))
        {
            var before = await held.PutAsync(Utf8("slatedb-before"), Utf8("1"));
            Assert.True(before.Ok, $"{before.ErrorKind} {before.Message}\n{held.Stderr}");

            await using var slatefast = await DbHandle.OpenAsync("db", store);
            var after = await held.PutAsync(Utf8("slatedb-zombie"), Utf8("x"));

            Assert.Equal((false, "Closed:Fenced"), (after.Ok, after.ErrorKind));
            Assert.Equal("1", S(await slatefast.GetAsync(Utf8("slatedb-before"))));
            Assert.Null(await slatefast.GetAsync(Utf8("slatedb-zombie")));
            await slatefast.PutAsync(Utf8("slatefast-after"), Utf8("2"));
        }

        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db");
        Assert.Equal([(Hex("slatedb-before"), Hex("1")), (Hex("slatefast-after"), Hex("2"))], KeyValues(rows));
    }

    [Fact]
    public async Task A_slatedb_writer_fences_a_held_slatefast_writer_whose_next_durable_put_fails_closed_fenced()
    {
        using var tmp = new TempFolder();
        using (var held = await HeldSlateFastWriter.StartAsync(tmp.Path, "db"))
        {
            Assert.True((await held.PutAsync(Utf8("slatefast-before"), Utf8("1"))).Ok, held.Stderr);

            await SlateDbNode.WriteAsync(tmp.Path, "db", [SlateDbWriteOp.Put(Utf8("slatedb-after"), Utf8("2"))], flushMemtable: false);
            var after = await held.PutAsync(Utf8("slatefast-zombie"), Utf8("x"));

            Assert.Equal((false, "Closed:Fenced"), (after.Ok, after.ErrorKind));
            await held.CloseAsync();
        }

        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db");
        Assert.Equal([(Hex("slatedb-after"), Hex("2")), (Hex("slatefast-before"), Hex("1"))], KeyValues(rows));
        await using var reopened = await DbHandle.OpenAsync("db", new LocalObjectStore(tmp.Path));
        Assert.Null(await reopened.GetAsync(Utf8("slatefast-zombie")));
        Assert.Equal("1", S(await reopened.GetAsync(Utf8("slatefast-before"))));
    }

    private static string Hex(string s) => Convert.ToHexString(Utf8(s));

    private static string? S(byte[]? b) => b is null ? null : System.Text.Encoding.UTF8.GetString(b);
}
