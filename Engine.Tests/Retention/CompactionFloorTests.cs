using SlateFast.Format;
using SlateFast.Retention;

namespace SlateFast.Tests.Retention;

/// <summary>What a compaction keeps of one key's versions given the floor a reader may read at (<see cref="VersionRetention.ApplyFloor"/>).</summary>
public sealed class CompactionFloorTests
{
    private static KeyVersion Put(ulong seq, long? expire = null) => new(seq, RowKind.Value, "abc"u8.ToArray(), null, expire);

    private static KeyVersion Del(ulong seq) => new(seq, RowKind.Tombstone, default, null, null);

    private static KeyVersion Merge(ulong seq, long? expire = null) => new(seq, RowKind.Merge, "+"u8.ToArray(), null, expire);

    private static (ulong Seq, RowKind Kind)[] Apply(RetentionRules rules, params KeyVersion[] newestFirst)
    {
        var kept = VersionRetention.ApplyFloor(newestFirst, rules);
        return [.. newestFirst.Take(kept).Select(v => (v.Seq, v.Kind))];
    }

    [Fact]
    public void Only_the_newest_version_stays_when_no_snapshot_is_older()
    {
        Assert.Equal([(9ul, RowKind.Value)], Apply(new(100, 0, false), Put(9), Put(5), Put(2)));
    }

    [Fact]
    public void Versions_a_snapshot_may_read_stay_down_to_the_first_at_or_below_its_sequence_number()
    {
        Assert.Equal([(9ul, RowKind.Value), (5ul, RowKind.Value)], Apply(new(6, 0, false), Put(9), Put(5), Put(2)));
        Assert.Equal([(9ul, RowKind.Value), (5ul, RowKind.Tombstone)], Apply(new(5, 0, false), Put(9), Del(5), Put(2)));
    }

    [Fact]
    public void Tombstones_stay_unless_the_output_is_the_last_sorted_run()
    {
        Assert.Equal([(9ul, RowKind.Tombstone)], Apply(new(100, 0, false), Del(9), Put(5)));
        Assert.Empty(Apply(new(100, 0, true), Del(9), Put(5)));
    }

    [Fact]
    public void In_the_last_run_a_tombstone_a_snapshot_still_sees_above_a_value_stays()
    {
        Assert.Equal([(9ul, RowKind.Tombstone), (5ul, RowKind.Value)], Apply(new(6, 0, true), Del(9), Put(5)));
        Assert.Equal([(9ul, RowKind.Value)], Apply(new(6, 0, true), Put(9), Del(5)));
    }

    [Fact]
    public void An_expired_value_becomes_a_tombstone_and_an_expired_merge_operand_disappears()
    {
        var kept = new[] { Put(9, expire: 1000), Put(5) };
        Assert.Equal(1, VersionRetention.ApplyFloor(kept, new RetentionRules(100, 1000, false)));
        Assert.Equal(RowKind.Tombstone, kept[0].Kind);
        Assert.Null(kept[0].ExpireTs);
        Assert.Equal(0, kept[0].Value.Length);

        Assert.Empty(Apply(new(100, 1000, true), Put(9, expire: 999)));
        Assert.Equal([(9ul, RowKind.Value)], Apply(new(100, 1000, true), Put(9, expire: 1001)));
        Assert.Equal([(5ul, RowKind.Value)], Apply(new(100, 1000, false), Merge(9, expire: 10), Put(5)));
    }

    [Fact]
    public void Merge_operands_keep_everything_beneath_them_down_to_a_value()
    {
        Assert.Equal(
            [(9ul, RowKind.Merge), (7ul, RowKind.Merge), (5ul, RowKind.Value)],
            Apply(new(100, 0, true), Merge(9), Merge(7), Put(5), Put(3)));
    }
}
