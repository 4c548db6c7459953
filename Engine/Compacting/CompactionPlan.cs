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
    /// <summary>
    /// The tree the plan works on: empty for the root tree, else a segment's prefix (SlateDB
    /// 0.13+). Sources and destination are that tree's; the rules are the same for every tree.
    /// </summary>
    public ReadOnlyMemory<byte> Segment { get; init; }

    /// <summary>
    /// A drain (SlateDB's <c>DrainSegmentSpec</c>): the sources are removed from the segment and
    /// nothing is written; a segment left empty disappears. <see cref="Destination"/> means nothing.
    /// </summary>
    public bool IsDrain { get; init; }

    /// <summary>A drain of segment <paramref name="segment"/>'s listed L0 views and runs.</summary>
    public static CompactionPlan Drain(ReadOnlyMemory<byte> segment, ImmutableArray<Ulid> l0Views, ImmutableArray<uint> sortedRuns) =>
        new(l0Views, sortedRuns, 0) { Segment = segment, IsDrain = true };

    public bool HasL0 => !L0Views.IsEmpty;

    public bool HasSortedRuns => !SortedRuns.IsEmpty;

    public int SourceCount => L0Views.Length + SortedRuns.Length;

    /// <summary>
    /// The spec to record. Format 2 stores the destination; format 1 cannot, and its readers derive
    /// the smallest source run (see the remarks).
    /// </summary>
    public CompactionSpec ToSpec(bool storeDestination) =>
        IsDrain ? CompactionSpec.Drain(Segment, L0Views, SortedRuns)
        : storeDestination || !Segment.IsEmpty ? CompactionSpec.Tiered(L0Views, SortedRuns, Destination, Segment)
        : new(L0Views, SortedRuns);

    public static CompactionPlan FromSpec(CompactionSpec spec)
    {
        ImmutableArray<Ulid> l0 = spec.L0ViewIds.IsDefault ? [] : spec.L0ViewIds;
        ImmutableArray<uint> runs = spec.SortedRuns.IsDefault ? [] : spec.SortedRuns;
        return spec.IsDrain
            ? Drain(spec.Segment, l0, runs)
            : new(l0, runs, spec.Destination ?? 0) { Segment = spec.Segment };
    }

    /// <summary>Whether the plan reads source <paramref name="run"/> or writes into it.</summary>
    public bool Touches(uint run) => (!IsDrain && Destination == run) || SortedRuns.Contains(run);

    public override string ToString() =>
        (Segment.IsEmpty ? string.Empty : $"segment {Segments.SegmentRouter.Hex(Segment.Span)}: ")
        + $"[{string.Join(", ", L0Views.Select(_ => "l0").Concat(SortedRuns.Select(r => $"sr{r}")))}]"
        + (IsDrain ? " drained" : $" -> sr{Destination}");
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
