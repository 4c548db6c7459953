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

    /// <summary>No L0 and no runs: a drained segment's marker, which lists nothing.</summary>
    public bool IsEmpty => L0.IsEmpty && Compacted.IsEmpty;
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

    // The joined lists of a segmented manifest, built once per segment array: keyed by the array
    // itself, so a `with` that replaces the segments misses, and the record's equality is untouched.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Segment[], JoinedTrees> s_joined = [];

    private sealed record JoinedTrees(ImmutableArray<SstView> L0, ImmutableArray<SortedRun> Runs);

    /// <summary>
    /// The L0 views scans consult: the root tree's, or with segments every segment's. Segments own
    /// disjoint key ranges, so their lists side by side answer any key as its own segment would.
    /// </summary>
    public ImmutableArray<SstView> ReadL0 => Segments.IsEmpty ? L0 : Joined().L0;

    /// <summary>
    /// The sorted runs scans consult: the root tree's, or with segments the i-th run of every
    /// segment joined into one run (disjoint ranges, ascending prefixes), newest first as within each segment.
    /// </summary>
    public ImmutableArray<SortedRun> ReadRuns => Segments.IsEmpty ? Compacted : Joined().Runs;

    /// <summary>
    /// The L0 views and runs a point read of <paramref name="key"/> consults: the root tree's, or
    /// the one segment whose prefix starts the key (none: the key is in no SST). Allocates nothing.
    /// </summary>
    public (ImmutableArray<SstView> L0, ImmutableArray<SortedRun> Runs) TreeFor(ReadOnlySpan<byte> key)
    {
        if (Segments.IsEmpty)
        {
            return (L0, Compacted);
        }

        // The last prefix at or before the key is the only one that can start it (antichain).
        int lo = 0, hi = Segments.Length - 1, found = -1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            if (Segments[mid].Prefix.Span.SequenceCompareTo(key) <= 0)
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found >= 0 && key.StartsWith(Segments[found].Prefix.Span)
            ? (Segments[found].L0, Segments[found].Compacted)
            : ([], []);
    }

    private JoinedTrees Joined() =>
        s_joined.GetValue(System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsArray(Segments)!, static segments =>
        {
            var depth = segments.Max(s => s.Compacted.Length);
            var runs = ImmutableArray.CreateBuilder<SortedRun>(depth);
            for (int i = 0; i < depth; i++)
            {
                var level = segments.Where(s => i < s.Compacted.Length).Select(s => s.Compacted[i]).ToArray();
                runs.Add(new SortedRun(level.Max(r => r.Id), [.. level.SelectMany(r => r.Ssts)]));
            }

            return new JoinedTrees([.. segments.SelectMany(s => s.L0)], runs.MoveToImmutable());
        });

    /// <summary>
    /// The tree of <paramref name="prefix"/> as a manifest of its own: the root tree for an empty
    /// prefix, else the segment's L0, runs and last compacted L0 in the root fields, without
    /// segments. The compactor's rules (scheduling, validation, applying a result) are the same
    /// for every tree, so they run on this projection; <see cref="WithTree"/> puts it back. Null when
    /// the segment does not exist.
    /// </summary>
    public ManifestState? Tree(ReadOnlySpan<byte> prefix)
    {
        if (prefix.IsEmpty)
        {
            return this;
        }

        int i = FindSegment(prefix);
        if (i < 0)
        {
            return null;
        }

        var s = Segments[i];
        return this with
        {
            L0 = s.L0,
            Compacted = s.Compacted,
            LastCompactedL0SstViewId = s.LastCompactedL0SstViewId,
            LastCompactedL0SstId = null,
            Segments = [],
        };
    }

    /// <summary>
    /// This manifest with the tree of <paramref name="prefix"/> taken from <paramref name="tree"/>
    /// (a <see cref="Tree"/> projection after a change). A segment left with no L0 and no runs
    /// stays, as SlateDB's compactor leaves it: its watermark is what stops a SlateDB writer's
    /// manifest merge from bringing the drained L0s back (a segment missing from the compactor's
    /// version counts as "nothing compacted" there). The writer prunes it (<see cref="WithoutEmptySegments"/>).
    /// </summary>
    public ManifestState WithTree(ReadOnlySpan<byte> prefix, ManifestState tree)
    {
        if (prefix.IsEmpty)
        {
            return tree;
        }

        int i = FindSegment(prefix);
        if (i < 0)
        {
            ThrowHelper.Internal($"segment {Convert.ToHexString(prefix)} is not in the manifest");
        }

        return this with { Segments = Segments.SetItem(i, new Segment(Segments[i].Prefix, tree.LastCompactedL0SstViewId, tree.L0, tree.Compacted)) };
    }

    /// <summary>
    /// This manifest without segments that hold nothing (the drain markers a compactor leaves),
    /// what a writer's next manifest write does, as SlateDB's writer does when it merges.
    /// </summary>
    public ManifestState WithoutEmptySegments() =>
        Segments.Any(s => s.IsEmpty) ? this with { Segments = Segments.RemoveAll(s => s.IsEmpty) } : this;

    /// <summary>The index of the segment named exactly <paramref name="prefix"/>, or -1.</summary>
    public int FindSegment(ReadOnlySpan<byte> prefix) =>
        Math.Max(-1, SlateFast.Segments.SortedPrefixes.IndexOf(Segments.AsSpan(), static s => s.Prefix, prefix));

    /// <summary>
    /// This manifest with <paramref name="view"/> as the newest L0 of segment <paramref name="prefix"/>,
    /// which is created (in prefix order) when missing. A prefix that would nest with another
    /// segment's is refused: segments must own disjoint key ranges (SlateDB's antichain rule).
    /// </summary>
    public ManifestState WithSegmentL0(ReadOnlyMemory<byte> prefix, SstView view)
    {
        int i = FindSegment(prefix.Span);
        if (i >= 0)
        {
            var s = Segments[i];
            return this with { Segments = Segments.SetItem(i, s with { L0 = s.L0.Insert(0, view) }) };
        }

        if (NestingSegment(prefix.Span) is { } other)
        {
            ThrowHelper.Invalid($"segment prefix {Convert.ToHexString(prefix.Span)} nests with segment {Convert.ToHexString(other.Span)}: segments must not be prefixes of one another");
        }

        int at = ~SlateFast.Segments.SortedPrefixes.IndexOf(Segments.AsSpan(), static s => s.Prefix, prefix.Span);
        return this with { Segments = Segments.Insert(at, new Segment(prefix.ToArray(), null, [view], [])) };
    }

    /// <summary>A segment whose prefix is a proper prefix of <paramref name="prefix"/> or has it as one; null when none.</summary>
    public ReadOnlyMemory<byte>? NestingSegment(ReadOnlySpan<byte> prefix)
    {
        foreach (var s in Segments)
        {
            var p = s.Prefix.Span;
            if (p.Length != prefix.Length && (p.StartsWith(prefix) || prefix.StartsWith(p)))
            {
                return s.Prefix;
            }
        }

        return null;
    }

    /// <summary>The most L0 SSTs any one tree holds: what L0 backpressure compares (per tree, as SlateDB 0.13+ does).</summary>
    public int MaxTreeL0 => Segments.IsEmpty ? L0.Length : Math.Max(L0.Length, Segments.Max(s => s.L0.Length));

    /// <summary>The highest sorted run id of any tree, or -1: run ids are unique across the database.</summary>
    public long MaxRunId =>
        Compacted.Select(r => (long)r.Id).Concat(Segments.SelectMany(s => s.Compacted).Select(r => (long)r.Id)).DefaultIfEmpty(-1).Max();

    /// <summary>The state SlateDB writes as manifest 1 of a new database.</summary>
    public static ManifestState Initial { get; } = new();
}
