using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using SlateFast.Format.FlatBuffers;
using SlateFast.Manifest;
using SlateFast.Sst;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Manifest;

[Trait("Category", "Golden")] // reads Engine.Tests/testdata (scripts/golden)
public class ManifestCodecTests
{
    // Manifest 1 of every new SlateDB 0.12.1 database (Engine.Tests/testdata/slatedb-0.12.1):
    // version 1, initialized, last_l0_clock_tick = i64::MIN, empty l0/compacted/checkpoints and
    // a 13-byte empty sequence tracker.
    private static byte[] FirstManifest => Golden.Read("slatedb-0.12.1/manifest-1.manifest");

    private static SlateFastException DecodeFails(ReadOnlySpan<byte> bytes)
    {
        var copy = bytes.ToArray();
        var e = Assert.Throws<SlateFastException>(() => ManifestCodec.Decode(copy));
        Assert.Equal(ErrorKind.Data, e.Kind);
        return e;
    }

    [Fact]
    public void First_manifest_of_a_new_database_is_SlateDBs_106_bytes()
    {
        var expected = FirstManifest;
        Assert.Equal(106, expected.Length);
        Assert.Equal(expected, ManifestCodec.Encode(ManifestState.Initial));
    }

    [Fact]
    public void First_manifest_decodes_to_the_initial_state()
    {
        var m = ManifestCodec.Decode(FirstManifest);
        Assert.True(m.Initialized);
        Assert.Equal(0UL, m.WriterEpoch);
        Assert.Equal(long.MinValue, m.LastL0ClockTick);
        Assert.Empty(m.L0);
        Assert.Empty(m.Compacted);
        Assert.Empty(m.Checkpoints);
        Assert.Empty(m.SequenceTracker.Samples);
        Assert.Null(m.LastCompactedL0SstId);
        Assert.Null(m.WalObjectStoreUri);
    }

    [SeededProperty(MaxTest = 200)]
    public void Random_manifests_survive_encode_decode_encode_unchanged(CaseSeed seed)
    {
        var original = ManifestSamples.Random(seed.Value);
        var bytes = ManifestCodec.Encode(original);
        var decoded = ManifestCodec.Decode(bytes);
        Assert.Equal(bytes, ManifestCodec.Encode(decoded));
        Assert.Equal(original.L0.Length, decoded.L0.Length);
        for (int i = 0; i < original.L0.Length; i++)
        {
            Assert.Equal(original.L0[i].Sst, decoded.L0[i].Sst);
            Assert.Equal(original.L0[i].VisibleRange, decoded.L0[i].VisibleRange);
            Assert.Equal(original.L0[i].Sst.Id, decoded.L0[i].Id);
        }

        Assert.Equal(original.Compacted.Select(r => r.Id), decoded.Compacted.Select(r => r.Id));
        Assert.Equal(original.Checkpoints.ToArray(), decoded.Checkpoints.ToArray());
        Assert.Equal(original.SequenceTracker, decoded.SequenceTracker);
        Assert.Equal(original.WalObjectStoreUri, decoded.WalObjectStoreUri);
        Assert.Equal(original.LastL0ClockTick, decoded.LastL0ClockTick);
        Assert.Equal(original.LastCompactedL0SstId, decoded.LastCompactedL0SstId);
        Assert.Equal(original.ExternalDbs.Length, decoded.ExternalDbs.Length);
        for (int i = 0; i < original.ExternalDbs.Length; i++)
        {
            Assert.Equal(original.ExternalDbs[i].Path, decoded.ExternalDbs[i].Path);
            Assert.Equal(original.ExternalDbs[i].FinalCheckpointId, decoded.ExternalDbs[i].FinalCheckpointId);
            Assert.Equal(original.ExternalDbs[i].SstIds.ToArray(), decoded.ExternalDbs[i].SstIds.ToArray());
        }

        Assert.Equal(
            (original.Initialized, original.WriterEpoch, original.CompactorEpoch, original.ReplayAfterWalId, original.WalIdLastSeen, original.LastL0Seq, original.RecentSnapshotMinSeq),
            (decoded.Initialized, decoded.WriterEpoch, decoded.CompactorEpoch, decoded.ReplayAfterWalId, decoded.WalIdLastSeen, decoded.LastL0Seq, decoded.RecentSnapshotMinSeq));
    }

    [Fact]
    public void Truncation_at_every_length_of_a_valid_manifest_is_Data()
    {
        var bytes = ManifestCodec.Encode(ManifestSamples.Random(7) with
        {
            L0 = ManifestSamples.Random(3).L0.Add(SstView.Whole(new CompactedSst(default, new SsTableInfo(), 2))),
        });
        for (int n = 0; n < bytes.Length; n++)
        {
            DecodeFails(bytes.AsSpan(0, n));
        }
    }

    [Fact]
    public void Unknown_version_is_Data()
    {
        var bytes = FirstManifest;
        bytes[1] = 3;
        Assert.Contains("version 3", DecodeFails(bytes).Message);
    }

    [Fact]
    public void Misaligned_root_is_Data()
    {
        var bytes = FirstManifest;
        bytes[2] += 2;
        Assert.Contains("aligned", DecodeFails(bytes).Message);
    }

    [Fact]
    public void Missing_required_checkpoints_vector_is_Data()
    {
        var b = new FlatBufferBuilder();
        int empty = b.CreateOffsetVector([]);
        int root = b.StartTable();
        b.AddOffset(8, empty);
        b.AddOffset(9, empty);
        b.AddBool(2, true);
        var e = DecodeFails(V1File(b.Finish(b.EndTable(root))));
        Assert.Contains("ManifestV1.checkpoints", e.Message);
    }

    [Fact]
    public void Bound_type_that_does_not_match_the_key_is_Data()
    {
        var sst = new CompactedSst(default, new SsTableInfo(), 2);
        var state = ManifestState.Initial with
        {
            L0 = [new SstView(sst.Id, sst, new BytesRange(default, BytesBound.Unbounded))],
        };
        Assert.Contains("BytesBound", DecodeFails(ManifestCodec.Encode(state)).Message);
    }

    [Fact]
    public void Manifest_without_sequence_tracker_decodes_with_an_empty_one()
    {
        var b = new FlatBufferBuilder();
        int empty = b.CreateOffsetVector([]);
        int root = b.StartTable();
        b.AddOffset(11, empty);
        b.AddOffset(9, empty);
        b.AddOffset(8, empty);
        var m = ManifestCodec.Decode(V1File(b.Finish(b.EndTable(root))));
        Assert.Empty(m.SequenceTracker.Samples);
        Assert.False(m.Initialized);
        Assert.Equal(0L, m.LastL0ClockTick);
    }

    [Fact]
    public void Missing_format_version_reads_as_1()
    {
        var b = new FlatBufferBuilder();
        int id = ManifestTables.WriteUlid(b, new Ulid(1, 2));
        int info = SsTableInfoCodec.Write(b, new SsTableInfo { IndexLength = 5 });
        int t = b.StartTable();
        b.AddOffset(1, info);
        b.AddOffset(0, id);
        int entry = b.EndTable(t);
        int l0 = b.CreateOffsetVector([entry]);
        int empty = b.CreateOffsetVector([]);
        int root = b.StartTable();
        b.AddOffset(11, empty);
        b.AddOffset(9, empty);
        b.AddOffset(8, l0);
        var m = ManifestCodec.Decode(V1File(b.Finish(b.EndTable(root))));
        Assert.Equal((ushort)1, m.L0[0].Sst.FormatVersion);
        Assert.Equal(new Ulid(1, 2), m.L0[0].Id);
    }

    [Fact]
    public void Hand_built_V2_manifest_decodes_views_onto_their_ssts()
    {
        var sstA = new CompactedSst(new Ulid(10, 1), new SsTableInfo { FirstEntry = new byte[] { 1 }, IndexOffset = 9 }, 2);
        var sstB = new CompactedSst(new Ulid(10, 2), new SsTableInfo { FirstEntry = new byte[] { 5 } }, 1);
        var viewL0 = new Ulid(20, 1);
        var viewRun = new Ulid(20, 2);
        var range = new BytesRange(BytesBound.Included(new byte[] { 5 }), BytesBound.Excluded(new byte[] { 9 }));

        var bytes = V2Builder.Build(
            ssts: [sstA, sstB],
            l0: [(viewL0, sstA.Id, null)],
            runs: [(3u, [(viewRun, sstB.Id, range)])],
            lastCompactedView: viewL0);
        var m = ManifestCodec.Decode(bytes);

        Assert.Equal(viewL0, m.L0[0].Id);
        Assert.Equal(sstA, m.L0[0].Sst);
        Assert.Null(m.L0[0].VisibleRange);
        var run = Assert.Single(m.Compacted);
        Assert.Equal(3u, run.Id);
        Assert.Equal(viewRun, run.Ssts[0].Id);
        Assert.Equal(sstB, run.Ssts[0].Sst);
        Assert.Equal(range, run.Ssts[0].VisibleRange);
        Assert.Equal(viewL0, m.LastCompactedL0SstViewId);
        Assert.Null(m.LastCompactedL0SstId);
        Assert.Null(m.WalObjectStoreUri);
        Assert.Equal(7UL, m.WriterEpoch);
        Assert.Equal(42UL, m.LastL0Seq);
        Assert.True(m.Initialized);
    }

    [Fact]
    public void V2_view_referring_to_an_unknown_sst_is_Data()
    {
        var sst = new CompactedSst(new Ulid(10, 1), new SsTableInfo(), 2);
        var bytes = V2Builder.Build(ssts: [sst], l0: [(new Ulid(1, 1), new Ulid(99, 99), null)], runs: [], lastCompactedView: null);
        Assert.Contains("unknown SST", DecodeFails(bytes).Message);
    }

    private static byte[] V1File(ReadOnlySpan<byte> flatbuffer) => [0, 1, .. flatbuffer];

    /// <summary>Writes ManifestV2 the way the schema describes it; SlateFast itself only writes V1.</summary>
    private static class V2Builder
    {
        public static byte[] Build(
            CompactedSst[] ssts,
            (Ulid View, Ulid Sst, BytesRange? Range)[] l0,
            (uint Id, (Ulid View, Ulid Sst, BytesRange? Range)[] Views)[] runs,
            Ulid? lastCompactedView)
        {
            var b = new FlatBufferBuilder();
            var sstOffsets = ssts.Select(s =>
            {
                int id = ManifestTables.WriteUlid(b, s.Id);
                int info = SsTableInfoCodec.Write(b, s.Info);
                int t = b.StartTable();
                b.AddOffset(1, info);
                b.AddOffset(0, id);
                b.AddU16Always(2, s.FormatVersion);
                return b.EndTable(t);
            }).ToArray();
            int sstVector = b.CreateOffsetVector(sstOffsets);
            int l0Vector = b.CreateOffsetVector(l0.Select(v => View(b, v)).ToArray());
            var runOffsets = runs.Select(r =>
            {
                int views = b.CreateOffsetVector(r.Views.Select(v => View(b, v)).ToArray());
                int t = b.StartTable();
                b.AddOffset(1, views);
                b.AddU32(0, r.Id);
                return b.EndTable(t);
            }).ToArray();
            int runVector = b.CreateOffsetVector(runOffsets);
            int checkpoints = b.CreateOffsetVector([]);
            int lastCompacted = lastCompactedView is { } lc ? ManifestTables.WriteUlid(b, lc) : 0;
            int tracker = b.CreateByteVector(SequenceTrackerCodec.EmptyBlob);

            int root = b.StartTable();
            b.AddU64(13, 42);
            b.AddU64(3, 7);
            b.AddI64(11, long.MinValue);
            b.AddOffset(15, tracker);
            b.AddOffset(12, checkpoints);
            b.AddOffset(10, runVector);
            b.AddOffset(9, l0Vector);
            b.AddOffset(8, sstVector);
            if (lastCompacted != 0)
            {
                b.AddOffset(7, lastCompacted);
            }

            b.AddBool(2, true);
            return [0, 2, .. b.Finish(b.EndTable(root))];
        }

        private static int View(FlatBufferBuilder b, (Ulid View, Ulid Sst, BytesRange? Range) v)
        {
            int sstId = ManifestTables.WriteUlid(b, v.Sst);
            int range = v.Range is null ? 0 : ManifestTables.WriteRange(b, v.Range);
            int id = ManifestTables.WriteUlid(b, v.View);
            int t = b.StartTable();
            if (range != 0)
            {
                b.AddOffset(2, range);
            }

            b.AddOffset(1, sstId);
            b.AddOffset(0, id);
            return b.EndTable(t);
        }
    }
}
