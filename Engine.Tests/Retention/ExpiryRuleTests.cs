using SlateFast.Format;
using SlateFast.Retention;

namespace SlateFast.Tests.Retention;

/// <summary>The one TTL rule flushes and compactions apply (<see cref="VersionRetention.AfterExpiry"/>).</summary>
public sealed class ExpiryRuleTests
{
    [Theory]
    [InlineData(RowKind.Value, 1000L, 999L, RowKind.Value)]
    [InlineData(RowKind.Value, 1000L, 1000L, RowKind.Tombstone)]
    [InlineData(RowKind.Value, null, long.MaxValue, RowKind.Value)]
    [InlineData(RowKind.Tombstone, 5L, 1000L, RowKind.Tombstone)]
    [InlineData(RowKind.Merge, 1000L, 999L, RowKind.Merge)]
    public void A_row_at_or_past_its_expiry_tick_reads_as_a_tombstone(RowKind kind, long? expireTs, long tick, RowKind after)
    {
        Assert.Equal(after, VersionRetention.AfterExpiry(kind, expireTs, tick));
    }

    [Fact]
    public void An_expired_merge_operand_reads_as_nothing()
    {
        Assert.Null(VersionRetention.AfterExpiry(RowKind.Merge, 1000, 1000));
    }
}
