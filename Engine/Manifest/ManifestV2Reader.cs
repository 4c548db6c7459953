using System.Collections.Immutable;
using SlateFast.Format.FlatBuffers;

namespace SlateFast.Manifest;

/// <summary>
/// Reads a verified <c>ManifestV2</c>: SSTs are listed once in <c>ssts</c> and L0/sorted runs hold
/// views that refer to them by id. SlateDB 0.12 reads this version but never writes it.
/// </summary>
internal static class ManifestV2Reader
{
    private const int ExternalDbs = 1;
    private const int Initialized = 2;
    private const int WriterEpoch = 3;
    private const int CompactorEpoch = 4;
    private const int ReplayAfterWalId = 5;
    private const int WalIdLastSeen = 6;
    private const int LastCompactedL0SstViewId = 7;
    private const int Ssts = 8;
    private const int L0 = 9;
    private const int Compacted = 10;
    private const int LastL0ClockTick = 11;
    private const int Checkpoints = 12;
    private const int LastL0Seq = 13;
    private const int RecentSnapshotMinSeq = 14;
    private const int SequenceTrackerField = 15;

    public static ManifestState Read(FlatTable m)
    {
        var ssts = m.GetTableVector(Ssts);
        var byId = new Dictionary<Ulid, CompactedSst>(ssts.Count);
        for (int i = 0; i < ssts.Count; i++)
        {
            var sst = ManifestTables.ReadCompactedSst(ssts[i], 2);
            byId[sst.Id] = sst;
        }

        var l0 = m.GetTableVector(L0);
        var views = ImmutableArray.CreateBuilder<SstView>(l0.Count);
        for (int i = 0; i < l0.Count; i++)
        {
            views.Add(ReadView(l0[i], byId));
        }

        var runs = m.GetTableVector(Compacted);
        var sortedRuns = ImmutableArray.CreateBuilder<SortedRun>(runs.Count);
        for (int i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var runSsts = run.GetTableVector(1);
            var runViews = ImmutableArray.CreateBuilder<SstView>(runSsts.Count);
            for (int j = 0; j < runSsts.Count; j++)
            {
                runViews.Add(ReadView(runSsts[j], byId));
            }

            sortedRuns.Add(new SortedRun(run.GetU32(0), runViews.MoveToImmutable()));
        }

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
            L0 = views.MoveToImmutable(),
            Compacted = sortedRuns.MoveToImmutable(),
            LastL0ClockTick = m.GetI64(LastL0ClockTick),
            Checkpoints = ManifestCodec.ReadCheckpoints(m, Checkpoints),
            LastL0Seq = m.GetU64(LastL0Seq),
            WalObjectStoreUri = null,
            RecentSnapshotMinSeq = m.GetU64(RecentSnapshotMinSeq),
            SequenceTracker = ManifestCodec.ReadSequenceTracker(m, SequenceTrackerField),
        };
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
