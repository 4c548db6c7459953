using SlateFast.Format.FlatBuffers;
using SlateFast.Sst;

namespace SlateFast.Manifest;

/// <summary>
/// Writes a <c>ManifestV2</c>, as SlateDB 0.13+ does for a segmented database: every SST once in
/// <c>ssts</c> (ascending id), views in the root tree and the segments. Children are created and
/// fields added in the order SlateDB's builder uses, so the bytes are SlateDB's for the same state.
/// </summary>
internal static class ManifestV2Writer
{
    public static FlatBufferBuilder Build(ManifestState s)
    {
        var b = new FlatBufferBuilder(512);

        var unique = new SortedDictionary<Ulid, CompactedSst>();
        foreach (var view in s.AllViews())
        {
            unique.TryAdd(view.Sst.Id, view.Sst);
        }

        var sstOffsets = new int[unique.Count];
        int n = 0;
        foreach (var sst in unique.Values)
        {
            int id = ManifestTables.WriteUlid(b, sst.Id);
            int info = SsTableInfoCodec.Write(b, sst.Info);
            int table = b.StartTable();
            b.AddOffset(1, info);
            b.AddOffset(0, id);
            b.AddU16Always(2, sst.FormatVersion);
            sstOffsets[n++] = b.EndTable(table);
        }

        int ssts = b.CreateOffsetVector(sstOffsets);
        var (l0, lastCompacted, runs) = WriteTree(b, s.L0, s.LastCompactedL0SstViewId, s.Compacted);

        var segmentOffsets = new int[s.Segments.Length];
        for (int i = 0; i < segmentOffsets.Length; i++)
        {
            var segment = s.Segments[i];
            int prefix = b.CreateByteVector(segment.Prefix.Span);
            var (sl0, slast, sruns) = WriteTree(b, segment.L0, segment.LastCompactedL0SstViewId, segment.Compacted);
            int table = b.StartTable();
            b.AddOffset(3, sruns);
            b.AddOffset(2, sl0);
            if (slast != 0)
            {
                b.AddOffset(1, slast);
            }

            b.AddOffset(0, prefix);
            segmentOffsets[i] = b.EndTable(table);
        }

        int segments = b.CreateOffsetVector(segmentOffsets);
        int extractor = s.SegmentExtractorName is null ? 0 : b.CreateString(s.SegmentExtractorName);

        var checkpointOffsets = new int[s.Checkpoints.Length];
        for (int i = 0; i < checkpointOffsets.Length; i++)
        {
            checkpointOffsets[i] = ManifestTables.WriteCheckpoint(b, s.Checkpoints[i]);
        }

        int checkpoints = b.CreateOffsetVector(checkpointOffsets);
        int external = 0;
        if (!s.ExternalDbs.IsEmpty)
        {
            var dbs = new int[s.ExternalDbs.Length];
            for (int i = 0; i < dbs.Length; i++)
            {
                dbs[i] = ManifestTables.WriteExternalDb(b, s.ExternalDbs[i]);
            }

            external = b.CreateOffsetVector(dbs);
        }

        int tracker = b.CreateByteVector(SequenceTrackerCodec.Encode(s.SequenceTracker));

        int root = b.StartTable();
        b.AddU64(ManifestV2Fields.RecentSnapshotMinSeq, s.RecentSnapshotMinSeq);
        b.AddU64(ManifestV2Fields.LastL0Seq, s.LastL0Seq);
        b.AddI64(ManifestV2Fields.LastL0ClockTick, s.LastL0ClockTick);
        b.AddU64(ManifestHeadFields.WalIdLastSeen, s.WalIdLastSeen);
        b.AddU64(ManifestHeadFields.ReplayAfterWalId, s.ReplayAfterWalId);
        b.AddU64(ManifestHeadFields.CompactorEpoch, s.CompactorEpoch);
        b.AddU64(ManifestHeadFields.WriterEpoch, s.WriterEpoch);
        if (extractor != 0)
        {
            b.AddOffset(ManifestV2Fields.SegmentExtractorName, extractor);
        }

        b.AddOffset(ManifestV2Fields.Segments, segments);
        b.AddOffset(ManifestV2Fields.SequenceTrackerField, tracker);
        b.AddOffset(ManifestV2Fields.Checkpoints, checkpoints);
        b.AddOffset(ManifestV2Fields.Compacted, runs);
        b.AddOffset(ManifestV2Fields.L0, l0);
        b.AddOffset(ManifestV2Fields.Ssts, ssts);
        if (lastCompacted != 0)
        {
            b.AddOffset(ManifestV2Fields.LastCompactedL0SstViewId, lastCompacted);
        }

        if (external != 0)
        {
            b.AddOffset(ManifestHeadFields.ExternalDbs, external);
        }

        b.AddBool(ManifestHeadFields.Initialized, s.Initialized);
        b.Finish(b.EndTable(root));
        return b;
    }

    private static (int L0, int LastCompacted, int Runs) WriteTree(FlatBufferBuilder b, System.Collections.Immutable.ImmutableArray<SstView> l0, Ulid? lastCompacted, System.Collections.Immutable.ImmutableArray<SortedRun> runs)
    {
        int l0Vector = WriteViews(b, l0);
        int last = lastCompacted is { } id ? ManifestTables.WriteUlid(b, id) : 0;
        var runOffsets = new int[runs.Length];
        for (int i = 0; i < runOffsets.Length; i++)
        {
            int views = WriteViews(b, runs[i].Ssts);
            int table = b.StartTable();
            b.AddOffset(1, views);
            b.AddU32(0, runs[i].Id);
            runOffsets[i] = b.EndTable(table);
        }

        return (l0Vector, last, b.CreateOffsetVector(runOffsets));
    }

    private static int WriteViews(FlatBufferBuilder b, System.Collections.Immutable.ImmutableArray<SstView> views)
    {
        var offsets = new int[views.Length];
        for (int i = 0; i < offsets.Length; i++)
        {
            var view = views[i];
            int sstId = ManifestTables.WriteUlid(b, view.Sst.Id);
            int range = view.VisibleRange is null ? 0 : ManifestTables.WriteRange(b, view.VisibleRange);
            int id = ManifestTables.WriteUlid(b, view.Id);
            int table = b.StartTable();
            if (range != 0)
            {
                b.AddOffset(2, range);
            }

            b.AddOffset(1, sstId);
            b.AddOffset(0, id);
            offsets[i] = b.EndTable(table);
        }

        return b.CreateOffsetVector(offsets);
    }
}
