using System.Collections.Immutable;

namespace SlateFast.Manifest;

/// <summary>Where a compaction is (the schema's <c>CompactionStatus</c>).</summary>
internal enum CompactionStatus : sbyte
{
    Submitted = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
}

/// <summary>
/// A size-tiered compaction's sources: L0 views (ids equal SST ids while manifests are V1) and
/// sorted runs. The destination run is not stored; it is the smallest source run id, or 0.
/// </summary>
internal sealed record CompactionSpec(ImmutableArray<Ulid> L0ViewIds, ImmutableArray<uint> SortedRuns)
{
    public uint Destination => SortedRuns.IsDefaultOrEmpty ? 0 : SortedRuns.Min();
}

/// <summary>One compaction; its id's time is when it started (GC relies on that).</summary>
internal sealed record Compaction(Ulid Id, CompactionSpec Spec, CompactionStatus Status, ImmutableArray<CompactedSst> OutputSsts);

/// <summary>The compactor's state file: its epoch and the active plus last finished compactions.</summary>
internal sealed record CompactionsState(ulong CompactorEpoch, ImmutableArray<Compaction> Recent);
