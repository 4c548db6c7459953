using System.Collections.Immutable;

namespace SlateFast.Manifest;

/// <summary>Where a compaction is (the schema's <c>CompactionStatus</c>, values as written).</summary>
/// <remarks>
/// SlateDB 0.12 knows 0 to 3. 0.14 added <see cref="Compacted"/> (a worker wrote the final outputs and
/// the coordinator has not committed them) and <see cref="Scheduled"/> (validated and claimable by a
/// worker); only compactions files of format version 2 may hold them.
/// </remarks>
internal enum CompactionStatus : sbyte
{
    Submitted = 0,
    Running = 1,
    Completed = 2,
    Failed = 3,
    Compacted = 4,
    Scheduled = 5,
}

/// <summary>Which member of the schema's <c>CompactionSpec</c> union a spec is (values are the union tags).</summary>
internal enum CompactionSpecKind : byte
{
    /// <summary>Merge the sources into one sorted run (<c>TieredCompactionSpec</c>).</summary>
    Tiered = 1,

    /// <summary>
    /// Retire a named segment (<c>DrainSegmentSpec</c>, SlateDB 0.13+): no merge, no output run; the
    /// segment's sources are dropped when it commits.
    /// </summary>
    DrainSegment = 2,
}

/// <summary>
/// A compaction's sources: L0 views (ids equal SST ids while manifests are V1) and sorted runs, in
/// the order they are written (the file keeps the two lists apart, so nothing finer survives).
/// </summary>
/// <remarks>
/// The constructor makes a tiered spec of the root tree whose destination is derived, which is all
/// a format version 1 file can say. Format version 2 adds the other properties.
/// </remarks>
internal sealed record CompactionSpec(ImmutableArray<Ulid> L0ViewIds, ImmutableArray<uint> SortedRuns)
{
    public CompactionSpecKind Kind { get; init; } = CompactionSpecKind.Tiered;

    /// <summary>
    /// The prefix of the segment the spec works on; empty means the root tree (SlateDB's
    /// <c>prefix=""</c> segment), which is also what a file without the field means. A drain spec
    /// names a non-empty prefix by SlateDB's contract; this model does not enforce it, so that
    /// whatever a file holds survives a round trip.
    /// </summary>
    public ReadOnlyMemory<byte> Segment { get; init; }

    /// <summary>
    /// The destination run as stored (format version 2), or null when it is derived (format
    /// version 1 stores none). Drain specs have none.
    /// </summary>
    public uint? ExplicitDestination { get; init; }

    /// <summary>
    /// Where a tiered spec's output goes: the stored destination when there is one, else what SlateDB
    /// derives for a version 1 file, the smallest source run or 0. Null for a drain spec, which writes
    /// no run.
    /// </summary>
    public uint? Destination => Kind == CompactionSpecKind.DrainSegment
        ? null
        : ExplicitDestination ?? DerivedDestination;

    /// <summary>What a format version 1 reader takes the destination to be.</summary>
    public uint DerivedDestination => SortedRuns.IsDefaultOrEmpty ? 0 : SortedRuns.Min();

    public bool IsDrain => Kind == CompactionSpecKind.DrainSegment;

    /// <summary>A tiered spec whose destination is stored rather than derived.</summary>
    public static CompactionSpec Tiered(ImmutableArray<Ulid> l0ViewIds, ImmutableArray<uint> sortedRuns, uint destination, ReadOnlyMemory<byte> segment = default) =>
        new(l0ViewIds, sortedRuns) { ExplicitDestination = destination, Segment = segment };

    /// <summary>A drain-segment spec for the segment with prefix <paramref name="segment"/>.</summary>
    public static CompactionSpec Drain(ReadOnlyMemory<byte> segment, ImmutableArray<Ulid> l0ViewIds, ImmutableArray<uint> sortedRuns) =>
        new(l0ViewIds, sortedRuns) { Kind = CompactionSpecKind.DrainSegment, Segment = segment };
}

/// <summary>The worker that claimed a compaction (the schema's <c>WorkerSpec</c>, SlateDB 0.14+).</summary>
/// <param name="WorkerId">Which worker; a file's <c>WorkerSpec</c> without one means unclaimed.</param>
/// <param name="LastHeartbeatMs">Wall-clock milliseconds of the worker's last progress write.</param>
internal sealed record CompactionWorker(string WorkerId, ulong LastHeartbeatMs);

/// <summary>
/// One key range of a compaction, run and resumed on its own (RFC-0028, SlateDB 0.14+), with the
/// outputs it has written so far.
/// </summary>
internal sealed record Subcompaction(BytesRange Range, ImmutableArray<CompactedSst> OutputSsts);

/// <summary>
/// What a worker needs to resume a tiered compaction (the schema's <c>TieredCompactionContext</c>,
/// SlateDB 0.14+): its subcompactions and the retention sequence number it was planned with.
/// </summary>
/// <param name="Subcompactions">The key ranges, in order; empty until planned.</param>
/// <param name="RetentionMinSeq">
/// Null before planning. The file stores 0 for null, and decoding always gives a value, as in SlateDB.
/// </param>
internal sealed record CompactionContext(ImmutableArray<Subcompaction> Subcompactions, ulong? RetentionMinSeq);

/// <summary>One compaction; its id's time is when it started (GC relies on that).</summary>
/// <remarks>
/// From SlateDB 0.14 on, <see cref="OutputSsts"/> are the final outputs (set when
/// <see cref="CompactionStatus.Compacted"/>); partial progress lives in the context's
/// subcompactions. <see cref="Worker"/> and <see cref="Context"/> need format version 2.
/// </remarks>
internal sealed record Compaction(Ulid Id, CompactionSpec Spec, CompactionStatus Status, ImmutableArray<CompactedSst> OutputSsts)
{
    /// <summary>The worker that claimed it; null when unclaimed.</summary>
    public CompactionWorker? Worker { get; init; }

    public CompactionContext? Context { get; init; }
}

/// <summary>The compactor's state file: its epoch and the active plus last finished compactions.</summary>
internal sealed record CompactionsState(ulong CompactorEpoch, ImmutableArray<Compaction> Recent)
{
    /// <summary>
    /// The format version the state was decoded from; 1 for a state built in memory, which is what
    /// SlateFast writes unless told otherwise.
    /// </summary>
    public ushort FormatVersion { get; init; } = 1;
}
