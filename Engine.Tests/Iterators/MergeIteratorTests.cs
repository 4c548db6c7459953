using SlateFast.Format;
using SlateFast.Iterators;

namespace SlateFast.Tests.Iterators;

public sealed class MergeIteratorTests
{
    private static async Task<List<OutRow>> Drain(MergeIterator merge)
    {
        var rows = new List<OutRow>();
        while (await merge.MoveNextAsync())
        {
            rows.Add(OutRow.From(merge));
        }

        return rows;
    }

    private static string Hex(string s) => Convert.ToHexString(ModelRow.Bytes(s));

    [Fact]
    public async Task Equal_key_and_seq_in_two_sources_is_taken_from_the_earlier_source()
    {
        var newer = new ListRowSource([ModelRow.Put("k", 5, "memtable")], ScanDirection.Ascending);
        var older = new ListRowSource([ModelRow.Put("k", 5, "l0")], ScanDirection.Ascending);
        await using var merge = new MergeIterator([newer, older], 10, ScanDirection.Ascending);
        var rows = await Drain(merge);
        Assert.Equal(Hex("memtable"), Assert.Single(rows).Value);
    }

    [Fact]
    public async Task Versions_above_the_read_seq_are_invisible_and_tombstones_hide_their_key()
    {
        var memtable = new ListRowSource([ModelRow.Put("a", 9, "new"), ModelRow.Delete("b", 6)], ScanDirection.Ascending);
        var l0 = new ListRowSource([ModelRow.Put("a", 4, "old"), ModelRow.Put("b", 3, "gone"), ModelRow.Put("c", 2, "c")], ScanDirection.Ascending);
        await using var merge = new MergeIterator([memtable, l0], 8, ScanDirection.Ascending);
        var rows = await Drain(merge);
        Assert.Equal([Hex("old"), Hex("c")], rows.Select(r => r.Value));
        Assert.True(memtable.Disposed is false);
    }

    [Fact]
    public async Task A_merge_row_carries_its_operands_newest_first_down_to_the_base_value()
    {
        var memtable = new ListRowSource([ModelRow.Merge("k", 9, "m9", expireTs: 500), ModelRow.Merge("k", 7, "m7")], ScanDirection.Descending);
        var run = new ListRowSource([ModelRow.Merge("k", 5, "m5", expireTs: 300), ModelRow.Put("k", 3, "base"), ModelRow.Merge("k", 1, "below-base")], ScanDirection.Descending);
        var merge = new MergeIterator([memtable, run], 100, ScanDirection.Descending);
        Assert.True(await merge.MoveNextAsync());
        Assert.Equal(RowKind.Merge, merge.Kind);
        Assert.Equal(9UL, merge.Seq);
        Assert.Equal(3, merge.OperandCount);
        Assert.Equal(["m9", "m7", "m5"], Enumerable.Range(0, 3).Select(i => System.Text.Encoding.ASCII.GetString(merge.Operand(i))));
        Assert.True(merge.HasBase);
        Assert.Equal("base", System.Text.Encoding.ASCII.GetString(merge.Base));
        Assert.Equal(300, merge.ExpireTs);
        Assert.False(await merge.MoveNextAsync());

        await merge.DisposeAsync();
        Assert.True(memtable.Disposed && run.Disposed);
    }

    [Fact]
    public async Task Operands_over_a_tombstone_have_no_base()
    {
        var source = new ListRowSource([ModelRow.Merge("k", 4, "m4"), ModelRow.Delete("k", 3), ModelRow.Put("k", 2, "old")], ScanDirection.Ascending);
        await using var merge = new MergeIterator([source], 100, ScanDirection.Ascending);
        Assert.True(await merge.MoveNextAsync());
        Assert.Equal(1, merge.OperandCount);
        Assert.False(merge.HasBase);
    }

    [Fact]
    public void Sources_of_another_direction_are_refused()
    {
        var e = Assert.Throws<SlateFastException>(() => new MergeIterator([new ListRowSource([], ScanDirection.Descending)], 1, ScanDirection.Ascending));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }
}
