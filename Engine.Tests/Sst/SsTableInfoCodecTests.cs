using SlateFast.Sst;

namespace SlateFast.Tests.Sst;

public class SsTableInfoCodecTests
{
    // SsTableInfo of an empty fencing WAL SST written by SlateDB 0.12.1 (no entries, stats at 28/16).
    internal const string FencingWalInfoHex =
        "1c00000018001c00000000000400000000000000000000000c001400180000001c000000000000001c000000000000001000000000000000";

    // SsTableInfo of a one-block WAL SST written by SlateDB 0.12.1 (first seq 101, index at 241/60).
    internal const string WalInfoHex =
        "1c0000000000000000001200280008000c0014001c00000000000700120000000000000120000000f1000000000000003c00000000000000f10000000000000000000000080000000000000000000065";

    [Fact]
    public void Fencing_wal_info_decodes_and_reencodes_to_SlateDBs_bytes()
    {
        var bytes = Convert.FromHexString(FencingWalInfoHex);
        var info = SsTableInfoCodec.Decode(bytes);
        Assert.Equal(new SsTableInfo { IndexLength = 28, StatsOffset = 28, StatsLength = 16 }, info);
        Assert.Null(info.FirstEntry);
        Assert.Null(info.LastEntry);
        Assert.Equal(bytes, SsTableInfoCodec.Encode(info));
    }

    [Fact]
    public void Wal_info_decodes_and_reencodes_to_SlateDBs_bytes()
    {
        var bytes = Convert.FromHexString(WalInfoHex);
        var info = SsTableInfoCodec.Decode(bytes);
        Assert.Equal(SstType.Wal, info.SstType);
        Assert.Equal(Convert.FromHexString("0000000000000065"), info.FirstEntry!.Value.ToArray());
        Assert.Equal(241UL, info.IndexOffset);
        Assert.Equal(60UL, info.IndexLength);
        Assert.Equal(241UL, info.FilterOffset);
        Assert.Equal(bytes, SsTableInfoCodec.Encode(info));
    }

    [Fact]
    public void Every_field_survives_a_round_trip()
    {
        var info = new SsTableInfo
        {
            FirstEntry = new byte[] { 1, 2 },
            LastEntry = Array.Empty<byte>(),
            IndexOffset = 1,
            IndexLength = 2,
            FilterOffset = 3,
            FilterLength = 4,
            Compression = CompressionCodec.Zstd,
            SstType = SstType.Wal,
            StatsOffset = ulong.MaxValue,
            StatsLength = 6,
        };
        var back = SsTableInfoCodec.Decode(SsTableInfoCodec.Encode(info));
        Assert.Equal(info, back);
        Assert.True(back.LastEntry.HasValue);
    }

    [Fact]
    public void Unknown_compression_format_is_Data()
    {
        var bytes = SsTableInfoCodec.Encode(new SsTableInfo { Compression = (CompressionCodec)9 });
        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => SsTableInfoCodec.Decode(bytes)).Kind);
    }

    [Fact]
    public void Truncation_at_every_length_is_Data()
    {
        var bytes = Convert.FromHexString(WalInfoHex);
        for (int n = 0; n < bytes.Length; n++)
        {
            var e = Assert.Throws<SlateFastException>(() => SsTableInfoCodec.Decode(bytes.AsSpan(0, n)));
            Assert.Equal(ErrorKind.Data, e.Kind);
        }
    }
}
