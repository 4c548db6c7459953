using SlateFast.Sst;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Sst;

[Trait("Category", "Golden")] // reads Engine.Tests/testdata (scripts/golden)
public class SsTableIndexTests
{
    // Index payloads of objects SlateDB 0.12.1 wrote (Engine.Tests/testdata/slatedb-0.12.1): the
    // empty fencing WAL's, and a one-block WAL object's (block at 0, index key = the first row's
    // sequence number, big-endian).
    private static byte[] IndexOf(string name)
    {
        var sst = Golden.Read(name);
        var info = SsTableInfoCodec.Decode(Golden.SstInfo(sst).Info);
        return Golden.Section(sst, info.IndexOffset, info.IndexLength);
    }

    private static byte[] EmptyIndex => IndexOf("slatedb-0.12.1/wal-fence.sst");

    private static byte[] OneBlockIndex => IndexOf("slatedb-0.12.1/wal-rows.sst");

    private static byte[] OneBlockFirstKey => SsTableInfoCodec.Decode(Golden.SstInfo(Golden.Read("slatedb-0.12.1/wal-rows.sst")).Info).FirstEntry!.Value.ToArray();

    [Fact]
    public void Empty_index_matches_SlateDBs_bytes()
    {
        var builder = new SsTableIndexBuilder();
        Assert.Equal(EmptyIndex, builder.Finish().ToArray());
        Assert.Equal(0, SsTableIndex.Decode(EmptyIndex).BlockCount);
    }

    [Fact]
    public void One_block_wal_index_matches_SlateDBs_bytes()
    {
        var builder = new SsTableIndexBuilder();
        builder.AddBlock(0, OneBlockFirstKey);
        Assert.Equal(OneBlockIndex, builder.Finish().ToArray());

        var index = SsTableIndex.Decode(OneBlockIndex);
        Assert.Equal(1, index.BlockCount);
        Assert.Equal(0UL, index.BlockOffset(0));
        Assert.Equal(OneBlockFirstKey, index.FirstKey(0).ToArray());
    }

    [Fact]
    public void FindBlock_starts_at_the_last_block_whose_key_is_strictly_less()
    {
        var builder = new SsTableIndexBuilder();
        builder.AddBlock(0, ""u8);
        builder.AddBlock(100, "c"u8);
        builder.AddBlock(250, "f"u8);
        var index = SsTableIndex.Decode(builder.Finish().ToArray());

        Assert.Equal(3, index.BlockCount);
        Assert.Equal(250UL, index.BlockOffset(2));
        Assert.Equal(0, index.FindBlock(""u8));
        Assert.Equal(0, index.FindBlock("a"u8));
        Assert.Equal(0, index.FindBlock("c"u8));
        Assert.Equal(1, index.FindBlock("ca"u8));
        Assert.Equal(1, index.FindBlock("f"u8));
        Assert.Equal(2, index.FindBlock("z"u8));
    }

    [SeededProperty(MaxTest = 200)]
    public void FindBlock_agrees_with_a_linear_search_when_keys_share_long_prefixes_zero_bytes_and_lengths(CaseSeed seed)
    {
        // Keys from a tiny alphabet with 0x00 in it, up to 12 bytes: many tie on the dense
        // 8-byte prefixes and differ only past them, or only in length ("ab" against "ab\0").
        var random = seed.NewRandom();
        byte[] Key() => [.. Enumerable.Range(0, random.Next(0, 13)).Select(_ => (byte)random.Next(0, 3))];
        var keys = Enumerable.Range(0, random.Next(1, 60)).Select(_ => Key()).Distinct(SlateFast.ByteArrayComparer.Instance).Order(SlateFast.ByteArrayComparer.Instance).ToList();
        var builder = new SsTableIndexBuilder();
        for (var i = 0; i < keys.Count; i++)
        {
            builder.AddBlock((ulong)i * 100, keys[i]);
        }

        var index = SsTableIndex.Decode(builder.Finish().ToArray());
        for (var probe = 0; probe < 100; probe++)
        {
            var key = Key();
            var expected = Math.Max(0, keys.FindLastIndex(k => k.AsSpan().SequenceCompareTo(key) < 0));
            Assert.Equal(expected, index.FindBlock(key));
        }
    }

    [Fact]
    public void Missing_first_key_is_Data()
    {
        var b = new SlateFast.Format.FlatBuffers.FlatBufferBuilder();
        int t = b.StartTable();
        b.AddU64(0, 7);
        int meta = b.EndTable(t);
        int vec = b.CreateOffsetVector([meta]);
        int root = b.StartTable();
        b.AddOffset(0, vec);
        var bytes = b.Finish(b.EndTable(root)).ToArray();

        var e = Assert.Throws<SlateFastException>(() => SsTableIndex.Decode(bytes));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains("BlockMeta.first_key", e.Message);
    }

    [Fact]
    public void Truncation_at_every_length_is_Data()
    {
        var bytes = OneBlockIndex;
        for (int n = 0; n < bytes.Length; n++)
        {
            var e = Assert.Throws<SlateFastException>(() => SsTableIndex.Decode(bytes.AsMemory(0, n)));
            Assert.Equal(ErrorKind.Data, e.Kind);
        }
    }
}
