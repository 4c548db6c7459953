using SlateFast.Sst;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Sst;

[Trait("Category", "Golden")] // reads Engine.Tests/testdata (scripts/golden)
public class SsTableInfoCodecTests
{
    // The SsTableInfo of objects SlateDB 0.12.1 wrote (Engine.Tests/testdata/slatedb-0.12.1): the
    // empty fencing WAL's and a one-block WAL object's.
    internal static byte[] FencingWalInfo => Golden.SstInfo(Golden.Read("slatedb-0.12.1/wal-fence.sst")).Info;

    internal static byte[] WalInfo => Golden.SstInfo(Golden.Read("slatedb-0.12.1/wal-rows.sst")).Info;

    [Fact]
    public void Fencing_wal_info_decodes_and_reencodes_to_SlateDBs_bytes()
    {
        var bytes = FencingWalInfo;
        var info = SsTableInfoCodec.Decode(bytes);
        Assert.Equal(new SsTableInfo { IndexLength = 28, StatsOffset = 28, StatsLength = 16 }, info);
        Assert.Null(info.FirstEntry);
        Assert.Null(info.LastEntry);
        Assert.Equal(bytes, SsTableInfoCodec.Encode(info));
    }

    [Fact]
    public void Wal_info_decodes_and_reencodes_to_SlateDBs_bytes()
    {
        var sst = Golden.Read("slatedb-0.12.1/wal-rows.sst");
        var bytes = WalInfo;
        var info = SsTableInfoCodec.Decode(bytes);
        Assert.Equal(SstType.Wal, info.SstType);
        Assert.Equal(CompressionCodec.None, info.Compression);

        // A WAL object's first entry is its first row's sequence number, big-endian (spec §5.1);
        // its one block starts at 0 and the index follows it, with no filter and no stats.
        Assert.Equal(8, info.FirstEntry!.Value.Length);
        Assert.Equal(FirstRowSeq(sst), System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(info.FirstEntry.Value.Span));
        Assert.Null(info.LastEntry);
        Assert.Equal(info.IndexOffset, info.FilterOffset);
        Assert.Equal(0UL, info.FilterLength);
        Assert.Equal((ulong)sst.Length - 10 - (ulong)bytes.Length - 4, info.IndexOffset + info.IndexLength);
        Assert.Equal(bytes, SsTableInfoCodec.Encode(info));
    }

    // The sequence number of the first row of the first V2 block (spec §5.4): varints shared (0),
    // unshared and value length, the key suffix, the value, then the sequence number, u64 BE.
    private static ulong FirstRowSeq(byte[] sst)
    {
        var span = sst.AsSpan();
        Assert.True(span[0] == 0 && span[1] < 0x80 && span[2] < 0x80, "one-byte varints in this file");
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(span[(3 + span[1] + span[2])..]);
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
        var bytes = WalInfo;
        for (int n = 0; n < bytes.Length; n++)
        {
            var e = Assert.Throws<SlateFastException>(() => SsTableInfoCodec.Decode(bytes.AsSpan(0, n)));
            Assert.Equal(ErrorKind.Data, e.Kind);
        }
    }
}
