using System.Collections.Immutable;
using SlateFast.Format.FlatBuffers;
using SlateFast.Manifest;
using SlateFast.Sst;

namespace SlateFast.Tests.Manifest;

public class CompactionsCodecTests
{
    private static CompactionsState Sample()
    {
        var r = new Random(11);
        var output = new CompactedSst(ManifestSamples.NewUlid(r), ManifestSamples.Info(r), 2);
        return new CompactionsState(3, [
            new Compaction(ManifestSamples.NewUlid(r), new CompactionSpec([ManifestSamples.NewUlid(r), ManifestSamples.NewUlid(r)], []), CompactionStatus.Completed, [output]),
            new Compaction(ManifestSamples.NewUlid(r), new CompactionSpec([], [4, 2, 9]), CompactionStatus.Running, []),
        ]);
    }

    [Fact]
    public void Compactions_round_trip_and_reencode_to_the_same_bytes()
    {
        var state = Sample();
        var bytes = CompactionsCodec.Encode(state);
        Assert.Equal(new byte[] { 0, 1 }, bytes[..2]);
        var back = CompactionsCodec.Decode(bytes);
        Assert.Equal(bytes, CompactionsCodec.Encode(back));
        Assert.Equal(3UL, back.CompactorEpoch);
        Assert.Equal(state.Recent[0].Spec.L0ViewIds.ToArray(), back.Recent[0].Spec.L0ViewIds.ToArray());
        Assert.Equal(state.Recent[0].OutputSsts[0], back.Recent[0].OutputSsts[0]);
        Assert.Equal(CompactionStatus.Running, back.Recent[1].Status);
        Assert.Equal(new uint[] { 4, 2, 9 }, back.Recent[1].Spec.SortedRuns.ToArray());
        Assert.Equal(2u, back.Recent[1].Spec.Destination);
        Assert.Equal(0u, back.Recent[0].Spec.Destination);
    }

    [Fact]
    public void Unsupported_version_is_Data()
    {
        var bytes = CompactionsCodec.Encode(Sample());
        bytes[1] = 3;
        Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(bytes)).Kind);
    }

    [Fact]
    public void Truncation_at_every_length_is_Data()
    {
        var bytes = CompactionsCodec.Encode(Sample());
        for (int n = 0; n < bytes.Length; n++)
        {
            var cut = bytes[..n];
            Assert.Equal(ErrorKind.Data, Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(cut)).Kind);
        }
    }

    [Theory]
    [InlineData(0, true)]
    [InlineData(1, false)]
    [InlineData(2, true)]
    public void Spec_that_is_not_a_tiered_spec_is_Data(byte tag, bool withValue)
    {
        var e = Assert.Throws<SlateFastException>(() => CompactionsCodec.Decode(OneCompaction(tag, withValue, deprecatedSsts: false)));
        Assert.Equal(ErrorKind.Data, e.Kind);
    }

    [Fact]
    public void Deprecated_ssts_field_is_read_as_l0_view_ids()
    {
        var state = CompactionsCodec.Decode(OneCompaction(1, true, deprecatedSsts: true));
        Assert.Equal(new[] { new Ulid(5, 6) }, state.Recent[0].Spec.L0ViewIds.ToArray());
    }

    private static byte[] OneCompaction(byte tag, bool withValue, bool deprecatedSsts)
    {
        var b = new FlatBufferBuilder();
        int id = ManifestTables.WriteUlid(b, new Ulid(1, 2));
        int spec = 0;
        if (withValue)
        {
            int ssts = deprecatedSsts ? b.CreateOffsetVector([ManifestTables.WriteUlid(b, new Ulid(5, 6))]) : 0;
            int t = b.StartTable();
            if (ssts != 0)
            {
                b.AddOffset(0, ssts);
            }

            spec = b.EndTable(t);
        }

        int c = b.StartTable();
        if (spec != 0)
        {
            b.AddOffset(2, spec);
        }

        b.AddOffset(0, id);
        b.AddU8(1, tag);
        int compaction = b.EndTable(c);
        int vec = b.CreateOffsetVector([compaction]);
        int root = b.StartTable();
        b.AddOffset(1, vec);
        return [0, 1, .. b.Finish(b.EndTable(root))];
    }
}
