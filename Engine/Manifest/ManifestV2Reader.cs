using System.Collections.Immutable;
using SlateFast.Format.FlatBuffers;

using static SlateFast.Manifest.ManifestHeadFields;
using static SlateFast.Manifest.ManifestV2Fields;

namespace SlateFast.Manifest;

/// <summary>
/// Reads a verified <c>ManifestV2</c>: SSTs are listed once in <c>ssts</c> and L0/sorted runs hold
/// views that refer to them by id; SlateDB 0.13+ adds segments. SlateDB 0.12 reads this version but
/// never writes it; 0.13+ writes it when a database is segmented.
/// </summary>
internal static class ManifestV2Reader
{
    public static ManifestState Read(FlatTable m)
    {
        var ssts = m.GetTableVector(Ssts);
        var byId = new Dictionary<Ulid, CompactedSst>(ssts.Count);
        for (int i = 0; i < ssts.Count; i++)
        {
            var sst = ManifestTables.ReadCompactedSst(ssts[i], 2);
            byId[sst.Id] = sst;
        }

        var segments = ReadSegments(m, byId);
        return new ManifestState
        {
            ExternalDbs = ManifestCodec.ReadExternalDbs(m, ExternalDbs),
            Initialized = m.GetBool(Initialized),
            WriterEpoch = m.GetU64(WriterEpoch),
            CompactorEpoch = m.GetU64(CompactorEpoch),
            ReplayAfterWalId = m.GetU64(ReplayAfterWalId),
            WalIdLastSeen = m.GetU64(WalIdLastSeen),
            LastCompactedL0SstViewId = m.TryGetTable(LastCompactedL0SstViewId, out var lc) ? ManifestTables.ReadUlid(lc) : null,

            // V2 stores only the view id; the SST id is recomputed when a compaction finishes.
            LastCompactedL0SstId = null,
            L0 = ReadViews(m.GetTableVector(L0), byId),
            Compacted = ReadRuns(m.GetTableVector(Compacted), byId),
            LastL0ClockTick = m.GetI64(LastL0ClockTick),
            Checkpoints = ManifestCodec.ReadCheckpoints(m, Checkpoints),
            LastL0Seq = m.GetU64(LastL0Seq),
            WalObjectStoreUri = null,
            RecentSnapshotMinSeq = m.GetU64(RecentSnapshotMinSeq),
            SequenceTracker = ManifestCodec.ReadSequenceTracker(m, SequenceTrackerField),
            Segments = segments,
            SegmentExtractorName = m.GetString(SegmentExtractorName),
        };
    }

    private static ImmutableArray<SstView> ReadViews(FlatTableVector list, Dictionary<Ulid, CompactedSst> byId)
    {
        var views = ImmutableArray.CreateBuilder<SstView>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            views.Add(ReadView(list[i], byId));
        }

        return views.MoveToImmutable();
    }

    private static ImmutableArray<SortedRun> ReadRuns(FlatTableVector runs, Dictionary<Ulid, CompactedSst> byId)
    {
        var sortedRuns = ImmutableArray.CreateBuilder<SortedRun>(runs.Count);
        for (int i = 0; i < runs.Count; i++)
        {
            sortedRuns.Add(new SortedRun(runs[i].GetU32(0), ReadViews(runs[i].GetTableVector(1), byId)));
        }

        return sortedRuns.MoveToImmutable();
    }

    /// <summary>
    /// Segments sorted by prefix (SlateDB re-sorts after reading too). Prefixes must be non-empty,
    /// distinct and none a prefix of another: routing a key to its one segment depends on it.
    /// </summary>
    private static ImmutableArray<Segment> ReadSegments(FlatTable m, Dictionary<Ulid, CompactedSst> byId)
    {
        if (!m.TryGetTableVector(ManifestV2Fields.Segments, out var list))
        {
            return ImmutableArray<Segment>.Empty;
        }

        var segments = new List<Segment>(list.Count);
        for (int i = 0; i < list.Count; i++)
        {
            var s = list[i];
            s.TryGetBytes(0, out var prefix);
            var last = s.TryGetTable(1, out var lc) ? ManifestTables.ReadUlid(lc) : (Ulid?)null;
            segments.Add(new Segment(prefix.ToArray(), last, ReadViews(s.GetTableVector(2), byId), ReadRuns(s.GetTableVector(3), byId)));
        }

        segments.Sort((a, b) => a.Prefix.Span.SequenceCompareTo(b.Prefix.Span));
        for (int i = 0; i < segments.Count; i++)
        {
            if (segments[i].Prefix.IsEmpty)
            {
                ThrowHelper.Data("manifest: a segment has an empty prefix");
            }

            if (i > 0 && segments[i].Prefix.Span.StartsWith(segments[i - 1].Prefix.Span))
            {
                ThrowHelper.Data($"manifest: segment prefix {Convert.ToHexString(segments[i - 1].Prefix.Span)} is a prefix of {Convert.ToHexString(segments[i].Prefix.Span)}");
            }
        }

        return [.. segments];
    }

    private static SstView ReadView(FlatTable view, Dictionary<Ulid, CompactedSst> byId)
    {
        var id = ManifestTables.ReadUlid(view.GetTable(0));
        var sstId = ManifestTables.ReadUlid(view.GetTable(1));
        if (!byId.TryGetValue(sstId, out var sst))
        {
            ThrowHelper.Data($"manifest: view {id} refers to unknown SST {sstId}");
        }

        var range = view.TryGetTable(2, out var r) ? ManifestTables.ReadRange(r) : null;
        return new SstView(id, sst, range);
    }
}
