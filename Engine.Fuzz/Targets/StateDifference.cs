using System.Collections.Immutable;
using SlateFast.Manifest;

namespace SlateFast.Fuzz.Targets;

/// <summary>
/// Field-by-field comparison of decoded manifest and compactions states. The records hold
/// <see cref="ImmutableArray{T}"/>s, whose equality is by reference, so record equality cannot be used.
/// </summary>
internal static class StateDifference
{
    /// <summary>The first field that differs, or null when the states are equal.</summary>
    public static string? Of(ManifestState a, ManifestState b) =>
        Seq("external_dbs", a.ExternalDbs, b.ExternalDbs, ExternalDbEquals)
        ?? Field("initialized", a.Initialized, b.Initialized)
        ?? Field("writer_epoch", a.WriterEpoch, b.WriterEpoch)
        ?? Field("compactor_epoch", a.CompactorEpoch, b.CompactorEpoch)
        ?? Field("replay_after_wal_id", a.ReplayAfterWalId, b.ReplayAfterWalId)
        ?? Field("wal_id_last_seen", a.WalIdLastSeen, b.WalIdLastSeen)
        ?? Field("last_compacted_l0_sst_view_id", a.LastCompactedL0SstViewId, b.LastCompactedL0SstViewId)
        ?? Field("last_compacted_l0_sst_id", a.LastCompactedL0SstId, b.LastCompactedL0SstId)
        ?? Seq("l0", a.L0, b.L0, (x, y) => x == y)
        ?? Seq("compacted", a.Compacted, b.Compacted, (x, y) => x.Id == y.Id && Seq("ssts", x.Ssts, y.Ssts, (p, q) => p == q) is null)
        ?? Field("last_l0_clock_tick", a.LastL0ClockTick, b.LastL0ClockTick)
        ?? Seq("checkpoints", a.Checkpoints, b.Checkpoints, (x, y) => x == y)
        ?? Field("last_l0_seq", a.LastL0Seq, b.LastL0Seq)
        ?? Field("wal_object_store_uri", a.WalObjectStoreUri, b.WalObjectStoreUri)
        ?? Field("recent_snapshot_min_seq", a.RecentSnapshotMinSeq, b.RecentSnapshotMinSeq)
        ?? Field("sequence_tracker", a.SequenceTracker, b.SequenceTracker);

    /// <summary>The first field that differs, or null when the states are equal.</summary>
    /// <remarks>
    /// Compares what a reader acts on: the effective destination, not whether it was stored or
    /// derived, and not the format version the states came from.
    /// </remarks>
    public static string? Of(CompactionsState a, CompactionsState b) =>
        Field("compactor_epoch", a.CompactorEpoch, b.CompactorEpoch)
        ?? Seq("recent_compactions", a.Recent, b.Recent, (x, y) =>
            x.Id == y.Id
            && x.Status == y.Status
            && x.Spec.Kind == y.Spec.Kind
            && x.Spec.Segment.Span.SequenceEqual(y.Spec.Segment.Span)
            && x.Spec.Destination == y.Spec.Destination
            && x.Spec.L0ViewIds.AsSpan().SequenceEqual(y.Spec.L0ViewIds.AsSpan())
            && x.Spec.SortedRuns.AsSpan().SequenceEqual(y.Spec.SortedRuns.AsSpan())
            && Seq("output_ssts", x.OutputSsts, y.OutputSsts, (p, q) => p == q) is null
            && x.Worker == y.Worker
            && ContextEquals(x.Context, y.Context));

    private static bool ContextEquals(CompactionContext? x, CompactionContext? y) =>
        x is null || y is null
            ? x is null && y is null
            : (x.RetentionMinSeq ?? 0) == (y.RetentionMinSeq ?? 0)
                && Seq("subcompactions", x.Subcompactions, y.Subcompactions, (p, q) =>
                    p.Range == q.Range && Seq("output_ssts", p.OutputSsts, q.OutputSsts, (s, t) => s == t) is null) is null;

    private static bool ExternalDbEquals(ExternalDb x, ExternalDb y) =>
        x.Path == y.Path
        && x.SourceCheckpointId == y.SourceCheckpointId
        && x.FinalCheckpointId == y.FinalCheckpointId
        && x.SstIds.AsSpan().SequenceEqual(y.SstIds.AsSpan());

    private static string? Field<T>(string name, T a, T b) =>
        EqualityComparer<T>.Default.Equals(a, b) ? null : $"{name}: {a} != {b}";

    private static string? Seq<T>(string name, ImmutableArray<T> a, ImmutableArray<T> b, Func<T, T, bool> equals)
    {
        // A default (null) array and an empty one mean the same to every reader.
        int lengthA = a.IsDefault ? 0 : a.Length;
        int lengthB = b.IsDefault ? 0 : b.Length;
        if (lengthA != lengthB)
        {
            return $"{name}: {lengthA} entries != {lengthB}";
        }

        for (int i = 0; i < lengthA; i++)
        {
            if (!equals(a[i], b[i]))
            {
                return $"{name}[{i}]: {a[i]} != {b[i]}";
            }
        }

        return null;
    }
}
