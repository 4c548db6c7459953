using System.Collections.Immutable;
using SlateFast.Sst;

namespace SlateFast.Manifest;

/// <summary>A compacted SST as the manifest knows it: its id (file name), footer info and block/row format version.</summary>
internal sealed record CompactedSst(Ulid Id, SsTableInfo Info, ushort FormatVersion)
{
    /// <summary>What a manifest entry without <c>format_version</c> means.</summary>
    public const ushort DefaultFormatVersion = 1;

    /// <summary>What SlateDB 0.12 writes.</summary>
    public const ushort CurrentFormatVersion = 2;
}

/// <summary>
/// A view of a compacted SST in L0 or a sorted run, optionally limited to a key range. Manifest V1
/// has no view ids: decoding gives each view its SST's id, and encoding drops view ids.
/// </summary>
internal sealed record SstView(Ulid Id, CompactedSst Sst, BytesRange? VisibleRange = null)
{
    public static SstView Whole(CompactedSst sst) => new(sst.Id, sst);
}

/// <summary>A sorted run: SSTs with ordered, non-overlapping key ranges.</summary>
internal sealed record SortedRun(uint Id, ImmutableArray<SstView> Ssts);

/// <summary>
/// A segment of a SlateDB 0.13+ database (RFC-0024): an LSM tree of its own that owns the keys
/// starting with <see cref="Prefix"/>; its views refer to the manifest's shared SST list.
/// </summary>
internal sealed record Segment(ReadOnlyMemory<byte> Prefix, Ulid? LastCompactedL0SstViewId, ImmutableArray<SstView> L0, ImmutableArray<SortedRun> Compacted)
{
    public bool Equals(Segment? other) =>
        other is not null && Prefix.Span.SequenceEqual(other.Prefix.Span) && LastCompactedL0SstViewId == other.LastCompactedL0SstViewId
        && L0.SequenceEqual(other.L0) && Compacted.Length == other.Compacted.Length
        && Compacted.Zip(other.Compacted).All(p => p.First.Id == p.Second.Id && p.First.Ssts.SequenceEqual(p.Second.Ssts));

    public override int GetHashCode() => HashCode.Combine(Prefix.Length, L0.Length, Compacted.Length);
}

/// <summary>A database this one was cloned from, whose listed SSTs live under its path.</summary>
internal sealed record ExternalDb(string Path, Uuid SourceCheckpointId, Uuid? FinalCheckpointId, ImmutableArray<Ulid> SstIds);

/// <summary>
/// A checkpoint: pins manifest <see cref="ManifestId"/> and everything it refers to. Times are Unix
/// seconds; an expire time of 0 means never.
/// </summary>
internal sealed record Checkpoint(Uuid Id, ulong ManifestId, uint ExpireTimeSeconds, uint CreateTimeSeconds, string? Name = null);

/// <summary>
/// The database state a manifest version records, independent of the V1/V2 encoding.
/// </summary>
internal sealed record ManifestState
{
    public ImmutableArray<ExternalDb> ExternalDbs { get; init; } = ImmutableArray<ExternalDb>.Empty;

    /// <summary>False only while a clone is being set up.</summary>
    public bool Initialized { get; init; } = true;

    public ulong WriterEpoch { get; init; }

    public ulong CompactorEpoch { get; init; }

    /// <summary>Every WAL id up to this one is fully contained in L0 and the sorted runs.</summary>
    public ulong ReplayAfterWalId { get; init; }

    /// <summary>The writer's next WAL id minus one when this version was written.</summary>
    public ulong WalIdLastSeen { get; init; }

    /// <summary>View id of the newest L0 consumed by a finished compaction (V2's field; V1 stores SST ids, so both are equal there).</summary>
    public Ulid? LastCompactedL0SstViewId { get; init; }

    /// <summary>SST id of the newest L0 consumed by a finished compaction; what V1 writes. Not stored by V2.</summary>
    public Ulid? LastCompactedL0SstId { get; init; }

    /// <summary>L0 views, newest first.</summary>
    public ImmutableArray<SstView> L0 { get; init; } = ImmutableArray<SstView>.Empty;

    /// <summary>Sorted runs, descending id (newest first).</summary>
    public ImmutableArray<SortedRun> Compacted { get; init; } = ImmutableArray<SortedRun>.Empty;

    /// <summary>Max create tick flushed to L0; <see cref="long.MinValue"/> until the first flush.</summary>
    public long LastL0ClockTick { get; init; } = long.MinValue;

    public ImmutableArray<Checkpoint> Checkpoints { get; init; } = ImmutableArray<Checkpoint>.Empty;

    /// <summary>Highest sequence number contained in L0 and the sorted runs.</summary>
    public ulong LastL0Seq { get; init; }

    /// <summary>Set when WAL SSTs live in a separate object store (V1 only).</summary>
    public string? WalObjectStoreUri { get; init; }

    public ulong RecentSnapshotMinSeq { get; init; }

    public SequenceTracker SequenceTracker { get; init; } = SequenceTracker.Empty;

    /// <summary>
    /// SlateDB 0.13+ segments, ascending by prefix (V2 only). When there are any, readers see only
    /// them and not the root tree (<see cref="L0"/>, <see cref="Compacted"/>), as SlateDB does.
    /// </summary>
    public ImmutableArray<Segment> Segments { get; init; } = ImmutableArray<Segment>.Empty;

    /// <summary>The name of the prefix extractor that assigns keys to segments; set once a database is segmented (V2 only).</summary>
    public string? SegmentExtractorName { get; init; }

    /// <summary>Whether the database uses SlateDB 0.13 segments: a manifest is then written as V2.</summary>
    public bool IsSegmented => !Segments.IsEmpty || SegmentExtractorName is not null;

    /// <summary>Every view in the root tree and in every segment (what the collector must keep).</summary>
    public IEnumerable<SstView> AllViews()
    {
        foreach (var view in L0.Concat(Compacted.SelectMany(r => r.Ssts)))
        {
            yield return view;
        }

        foreach (var segment in Segments)
        {
            foreach (var view in segment.L0.Concat(segment.Compacted.SelectMany(r => r.Ssts)))
            {
                yield return view;
            }
        }
    }

    /// <summary>
    /// The L0 views reads consult: the root tree's, or with segments every segment's. Segments own
    /// disjoint key ranges, so their lists side by side answer any key as its own segment would.
    /// </summary>
    public ImmutableArray<SstView> ReadL0 => Segments.IsEmpty ? L0 : [.. Segments.SelectMany(s => s.L0)];

    /// <summary>
    /// The sorted runs reads consult: the root tree's, or with segments the i-th run of every
    /// segment joined into one run (disjoint ranges, ascending prefixes), newest first as within each segment.
    /// </summary>
    public ImmutableArray<SortedRun> ReadRuns
    {
        get
        {
            if (Segments.IsEmpty)
            {
                return Compacted;
            }

            var depth = Segments.Max(s => s.Compacted.Length);
            var runs = ImmutableArray.CreateBuilder<SortedRun>(depth);
            for (int i = 0; i < depth; i++)
            {
                var views = Segments.Where(s => i < s.Compacted.Length).SelectMany(s => s.Compacted[i].Ssts).ToImmutableArray();
                runs.Add(new SortedRun(Segments.Where(s => i < s.Compacted.Length).Max(s => s.Compacted[i].Id), views));
            }

            return runs.MoveToImmutable();
        }
    }

    /// <summary>The state SlateDB writes as manifest 1 of a new database.</summary>
    public static ManifestState Initial { get; } = new();
}
