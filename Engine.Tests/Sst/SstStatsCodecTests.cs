using System.Collections.Immutable;
using SlateFast.Sst;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Sst;

[Trait("Category", "Golden")] // reads Engine.Tests/testdata (scripts/golden)
public class SstStatsCodecTests
{
    [Fact]
    public void Empty_stats_match_SlateDBs_fencing_wal_bytes()
    {
        var fence = Golden.Read("slatedb-0.12.1/wal-fence.sst");
        var info = SsTableInfoCodec.Decode(Golden.SstInfo(fence).Info);
        var bytes = Golden.Section(fence, info.StatsOffset, info.StatsLength);
        Assert.Equal(bytes, SstStatsCodec.Encode(new SstStats()));
        Assert.Equal(new SstStats(), SstStatsCodec.Decode(bytes));
    }

    [Fact]
    public void Totals_and_block_stats_survive_a_round_trip()
    {
        var stats = new SstStats
        {
            Puts = 10,
            Deletes = 2,
            Merges = 1,
            RawKeySize = 1234,
            RawValueSize = ulong.MaxValue,
            Blocks = ImmutableArray.Create(new BlockStats(5, 0, 1), new BlockStats(5, 2, 0), new BlockStats(0, 0, 0)),
        };
        Assert.Equal(stats, SstStatsCodec.Decode(SstStatsCodec.Encode(stats)));
    }

    [Fact]
    public void Truncation_at_every_length_is_Data()
    {
        var bytes = SstStatsCodec.Encode(new SstStats { Puts = 3, Blocks = [new BlockStats(3, 0, 0)] });
        for (int n = 0; n < bytes.Length; n++)
        {
            Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => SstStatsCodec.Decode(bytes.AsSpan(0, n))).Kind);
        }
    }
}
