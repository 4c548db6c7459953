using SlateFast.Tests.Support;
using static SlateFast.Tests.Interop.RowAssert;

namespace SlateFast.Tests.Interop;

/// <summary>The writer side of the harness: `write` and `hold-writer` against real SlateDB.</summary>
public sealed class SlateDbWriterTests
{
    [Fact]
    public async Task Write_then_scan_round_trips_puts_overwrites_deletes_and_merges()
    {
        using var tmp = new TempFolder();
        SlateDbWriteOp[] ops =
        [
            SlateDbWriteOp.Put([0x00], Utf8("zero")),
            SlateDbWriteOp.Put([0xFF, 0x00], []),
            SlateDbWriteOp.Put(Utf8("b"), Utf8("first")),
            SlateDbWriteOp.Put(Utf8("a"), Utf8("kept")),
            SlateDbWriteOp.Put(Utf8("b"), Utf8("second")),
            SlateDbWriteOp.Put(Utf8("gone"), Utf8("x")),
            SlateDbWriteOp.Delete(Utf8("gone")),
            SlateDbWriteOp.Delete(Utf8("never-there")),
            SlateDbWriteOp.Merge(Utf8("m"), Utf8("1")),
            SlateDbWriteOp.Merge(Utf8("m"), Utf8("2")),
        ];

        var written = await SlateDbNode.WriteAsync(tmp.Path, "db", ops, mergeOperator: "concat");
        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db", mergeOperator: "concat");

        Assert.Equal(10, written.Ops);
        Assert.Equal(
            [("00", "7A65726F"), ("61", "6B657074"), ("62", "7365636F6E64"), ("6D", "3132"), ("FF00", "")],
            KeyValues(rows));
        Assert.All(rows, r => Assert.InRange(r.Seq, written.FirstSeq!.Value, written.LastSeq!.Value));
    }

    [Fact]
    public async Task Write_as_one_batch_gives_every_row_the_same_seq()
    {
        using var tmp = new TempFolder();
        SlateDbWriteOp[] ops = [SlateDbWriteOp.Put(Utf8("x"), Utf8("1")), SlateDbWriteOp.Put(Utf8("y"), Utf8("2"))];

        var written = await SlateDbNode.WriteAsync(tmp.Path, "db", ops, asOneBatch: true, flushMemtable: false);
        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db");

        Assert.Equal(written.FirstSeq, written.LastSeq);
        Assert.All(rows, r => Assert.Equal(written.FirstSeq, r.Seq));
        Assert.True(Directory.Exists(Path.Combine(tmp.Path, "db", "wal")));
        Assert.False(Directory.Exists(Path.Combine(tmp.Path, "db", "compacted")), "--flush wal must not write an L0");
    }

    [Fact]
    public async Task A_second_writer_fences_a_held_writer_whose_next_put_fails()
    {
        using var tmp = new TempFolder();
        await using (var held = await SlateDbNode.HoldWriterAsync(tmp.Path, "db"))
        {
            var before = await held.PutAsync(Utf8("held-1"), Utf8("a"));
            Assert.True(before.Ok, $"{before.ErrorKind} {before.Message}\n{held.Stderr}");

            await SlateDbNode.WriteAsync(tmp.Path, "db", [SlateDbWriteOp.Put(Utf8("second"), Utf8("b"))]);

            var after = await held.PutAsync(Utf8("held-2"), Utf8("c"));
            Assert.False(after.Ok);
            Assert.Equal("Closed:Fenced", after.ErrorKind);
        }

        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db");
        Assert.Equal([("68656C642D31", "61"), ("7365636F6E64", "62")], KeyValues(rows));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("snappy")]
    [InlineData("zlib")]
    [InlineData("lz4")]
    [InlineData("zstd")]
    public async Task Every_codec_generates_a_random_database_a_fresh_reader_scans_identically(string codec)
    {
        using var tmp = new TempFolder();
        var g = await SlateDbNode.GenerateAsync(tmp.Path, "random", seed: 7, codec: codec, blockSize: 1024);
        var rows = await SlateDbNode.ScanAsync(g.Root, g.DbPath);

        Assert.Equal(codec, g.Codec);
        Assert.NotEmpty(g.Rows);
        Assert.Equal(g.Rows, rows);
    }
}
