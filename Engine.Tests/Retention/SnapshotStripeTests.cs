using System.Text;
using SlateFast.Format;
using SlateFast.Retention;

namespace SlateFast.Tests.Retention;

/// <summary>What a flush keeps of one key's versions given the live snapshots, and how it folds merge operands (<see cref="VersionRetention.Collapse"/>).</summary>
public sealed class SnapshotStripeTests
{
    private static readonly byte[] Key = Encoding.UTF8.GetBytes("k");

    private static KeyVersion V(ulong seq, string value, long? expire = null) => new(seq, RowKind.Value, Encoding.UTF8.GetBytes(value), (long)seq * 10, expire);

    private static KeyVersion M(ulong seq, string operand, long? expire = null) => new(seq, RowKind.Merge, Encoding.UTF8.GetBytes(operand), (long)seq * 10, expire);

    private static KeyVersion T(ulong seq) => new(seq, RowKind.Tombstone, default, (long)seq * 10, null);

    private static List<string> Collapse(IMergeOperator? op, ulong[] snapshots, long tick, params KeyVersion[] newestFirst)
    {
        var output = new List<KeyVersion>();
        VersionRetention.Collapse(Key, newestFirst, snapshots, tick, op, output);
        return [.. output.Select(v => $"{v.Kind}@{v.Seq}:{Encoding.UTF8.GetString(v.Value.Span)}")];
    }

    [Fact]
    public void Operands_on_a_value_become_one_value_with_the_newest_operands_seq()
    {
        Assert.Equal(["Value@5:base;a;b;"], Collapse(MergeOperators.Concat, [], 0, M(5, "b;"), M(4, "a;"), V(2, "base;"), V(1, "older")));
    }

    [Fact]
    public void Operands_after_a_tombstone_fold_onto_nothing()
    {
        Assert.Equal(["Value@9:x;"], Collapse(MergeOperators.Concat, [], 0, M(9, "x;"), T(3), V(1, "gone")));
    }

    [Fact]
    public void Operands_without_a_base_are_combined_into_one_operand()
    {
        Assert.Equal(["Merge@7:a;b;c;"], Collapse(MergeOperators.Concat, [], 0, M(7, "c;"), M(6, "b;"), M(5, "a;")));
    }

    [Fact]
    public void A_live_snapshot_splits_the_versions_into_stripes_folded_separately()
    {
        // A snapshot at 5 reads "base;a;" and must keep reading it after the flush; the newer
        // stripe's operand stays an operand over it (readers fold it to "base;a;b;").
        Assert.Equal(
            ["Merge@8:b;", "Value@5:base;a;"],
            Collapse(MergeOperators.Concat, [5], 0, M(8, "b;"), M(5, "a;"), V(2, "base;")));
    }

    [Fact]
    public void A_stripe_of_operands_only_stays_an_operand_above_an_older_stripe()
    {
        Assert.Equal(
            ["Merge@9:c;d;", "Value@4:v;"],
            Collapse(MergeOperators.Concat, [4], 0, M(9, "d;"), M(7, "c;"), V(4, "v;")));
    }

    [Fact]
    public void Without_an_operator_the_operand_chain_and_its_base_are_kept_for_readers()
    {
        Assert.Equal(["Merge@5:b;", "Merge@4:a;", "Value@2:base;"], Collapse(null, [], 0, M(5, "b;"), M(4, "a;"), V(2, "base;"), V(1, "older")));
    }

    [Fact]
    public void An_expired_operand_is_dropped_and_an_expired_value_becomes_a_tombstone()
    {
        Assert.Equal(["Merge@5:long;"], Collapse(MergeOperators.Concat, [], 100, M(5, "long;", expire: 1_000), M(4, "short;", expire: 50)));
        Assert.Equal(["Tombstone@3:"], Collapse(MergeOperators.Concat, [], 100, V(3, "v", expire: 100)));
        Assert.Equal(["Value@6:x;"], Collapse(MergeOperators.Concat, [], 100, M(6, "x;"), V(3, "v", expire: 99)));
    }

    [Fact]
    public void A_folded_value_expires_with_the_earliest_contributing_row()
    {
        var output = new List<KeyVersion>();
        VersionRetention.Collapse(Key, [M(5, "b;", expire: 900), M(4, "a;"), V(2, "base;", expire: 700)], [], 0, MergeOperators.Concat, output);
        Assert.Equal(700, Assert.Single(output).ExpireTs);
    }
}
