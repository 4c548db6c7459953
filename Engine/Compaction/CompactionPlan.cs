using System.Collections.Immutable;
using SlateFast.Manifest;

namespace SlateFast.Compacting;

/// <summary>
/// What one compaction merges and where the result goes: L0 views newest first, then sorted runs
/// by descending id (SlateDB's "logical order" of sources), into sorted run <see cref="Destination"/>.
/// </summary>
/// <remarks>
/// A format version 1 compactions file (what this compactor writes) stores only the sources; a plan
/// read back from it gets the destination SlateDB derives (the smallest source run, or 0), which
/// for an L0-only plan over existing runs fails validation, as it does in SlateDB. A version 2 file
/// stores the destination.
/// </remarks>
internal sealed record CompactionPlan(ImmutableArray<Ulid> L0Views, ImmutableArray<uint> SortedRuns, uint Destination)
{
    public bool HasL0 => !L0Views.IsEmpty;

    public bool HasSortedRuns => !SortedRuns.IsEmpty;

    public int SourceCount => L0Views.Length + SortedRuns.Length;

    /// <summary>
    /// The spec to record. Format 2 stores the destination; format 1 cannot, and its readers derive
    /// the smallest source run (see the remarks).
    /// </summary>
    public CompactionSpec ToSpec(bool storeDestination) =>
        storeDestination ? CompactionSpec.Tiered(L0Views, SortedRuns, Destination) : new(L0Views, SortedRuns);

    public static CompactionPlan FromSpec(CompactionSpec spec) =>
        new(
            spec.L0ViewIds.IsDefault ? [] : spec.L0ViewIds,
            spec.SortedRuns.IsDefault ? [] : spec.SortedRuns,
            spec.Destination ?? ThrowHelper.Data<uint>("a drain-segment compaction (SlateDB 0.13+ segments) is not something SlateFast's compactor runs"));

    /// <summary>Whether the plan reads source <paramref name="run"/> or writes into it.</summary>
    public bool Touches(uint run) => Destination == run || SortedRuns.Contains(run);

    public override string ToString() =>
        $"[{string.Join(", ", L0Views.Select(_ => "l0").Concat(SortedRuns.Select(r => $"sr{r}")))}] -> sr{Destination}";
}

/// <summary>
/// Decides which compactions to run next from the manifest and the compactions already active.
/// SlateFast ships SlateDB's size-tiered rules (<see cref="SizeTieredScheduler"/>); another policy
/// plugs in through <see cref="CompactorOptions"/>.
/// </summary>
internal interface ICompactionScheduler
{
    /// <summary>
    /// New compactions to submit, none of which may share a source or destination with
    /// <paramref name="active"/> or with each other. Sources must be consecutive in SlateDB's
    /// logical order (L0 newest first, then runs by descending id) and an L0 set must end at the
    /// oldest L0, because the writer's merge keeps only L0s newer than the last compacted one.
    /// </summary>
    IReadOnlyList<CompactionPlan> Propose(ManifestState manifest, IReadOnlyList<CompactionPlan> active);
}
