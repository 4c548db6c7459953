using SlateFast.Manifest;

namespace SlateFast;

/// <summary>
/// One manifest version as <see cref="DbAdmin.ReadManifestAsync"/> reads it: the state a writer,
/// a compactor and readers open from, in public terms (SlateDB's <c>VersionedManifest</c>).
/// <see cref="DbAdminJson.Manifest"/> renders it as JSON.
/// </summary>
public sealed record DbManifest
{
    /// <summary>The manifest version's id.</summary>
    public required ulong Id { get; init; }

    /// <summary>The object's path in the store.</summary>
    public required string Path { get; init; }

    /// <summary>The manifest encoding: 1 (SlateDB 0.12) or 2 (0.13 and later, segments).</summary>
    public required int FormatVersion { get; init; }

    /// <summary>The lowest SlateDB format level this manifest alone shows (WAL fences and the compactions file are not in it).</summary>
    public required FormatLevel FormatLevel { get; init; }

    /// <summary>False only while a clone is being set up.</summary>
    public required bool Initialized { get; init; }

    /// <summary>The writer epoch; a writer with a lower one is fenced.</summary>
    public required ulong WriterEpoch { get; init; }

    /// <summary>The compactor epoch; a compactor with a lower one is fenced.</summary>
    public required ulong CompactorEpoch { get; init; }

    /// <summary>Every WAL object up to this id is in L0 or the sorted runs; an open replays the ones after it.</summary>
    public required ulong ReplayAfterWalId { get; init; }

    /// <summary>The writer's newest WAL id when this version was written.</summary>
    public required ulong WalIdLastSeen { get; init; }

    /// <summary>The highest sequence number in L0 and the sorted runs.</summary>
    public required ulong LastL0Seq { get; init; }

    /// <summary>The highest clock tick flushed to L0 (<see cref="long.MinValue"/> before the first flush).</summary>
    public required long LastL0ClockTick { get; init; }

    /// <summary>The oldest sequence number a snapshot of the writer held when this version was written.</summary>
    public required ulong RecentSnapshotMinSeq { get; init; }

    /// <summary>The newest L0 view a finished compaction consumed (a ULID), or null.</summary>
    public string? LastCompactedL0 { get; init; }

    /// <summary>Where the WAL lives when it has its own store (manifest version 1 only).</summary>
    public string? WalObjectStoreUri { get; init; }

    /// <summary>The prefix extractor of a segmented (SlateDB 0.13+) database, or null.</summary>
    public string? SegmentExtractorName { get; init; }

    /// <summary>L0 SSTs, newest first.</summary>
    public required IReadOnlyList<DbManifestSst> L0 { get; init; }

    /// <summary>Sorted runs, newest (highest id) first.</summary>
    public required IReadOnlyList<DbManifestSortedRun> SortedRuns { get; init; }

    /// <summary>The segments of a segmented database, by ascending prefix; empty otherwise.</summary>
    public required IReadOnlyList<DbManifestSegment> Segments { get; init; }

    /// <summary>The checkpoints this version lists, expired ones included until a collector removes them.</summary>
    public required IReadOnlyList<CheckpointInfo> Checkpoints { get; init; }

    /// <summary>Databases this one was cloned from, whose SSTs it reads in place.</summary>
    public required IReadOnlyList<DbManifestExternalDb> ExternalDbs { get; init; }

    /// <summary>
    /// The sequence tracker's samples, oldest first: which sequence number was current when. SlateDB
    /// writers record one a minute at most; <see cref="DbAdmin.GetTimestampForSequenceAsync"/> and
    /// <see cref="DbAdmin.GetSequenceForTimestampAsync"/> search them.
    /// </summary>
    public required IReadOnlyList<DbSequenceSample> SequenceSamples { get; init; }

    internal static DbManifest From(ulong id, string path, int formatVersion, ManifestState m) => new()
    {
        Id = id,
        Path = path,
        FormatVersion = formatVersion,
        FormatLevel = FormatDetection.Of(m, []) >= FormatLevel.SlateDb013 ? FormatLevel.SlateDb013 : FormatLevel.SlateDb012,
        Initialized = m.Initialized,
        WriterEpoch = m.WriterEpoch,
        CompactorEpoch = m.CompactorEpoch,
        ReplayAfterWalId = m.ReplayAfterWalId,
        WalIdLastSeen = m.WalIdLastSeen,
        LastL0Seq = m.LastL0Seq,
        LastL0ClockTick = m.LastL0ClockTick,
        RecentSnapshotMinSeq = m.RecentSnapshotMinSeq,
        LastCompactedL0 = (m.LastCompactedL0SstViewId ?? m.LastCompactedL0SstId)?.ToString(),
        WalObjectStoreUri = m.WalObjectStoreUri,
        SegmentExtractorName = m.SegmentExtractorName,
        L0 = [.. m.L0.Select(DbManifestSst.From)],
        SortedRuns = [.. m.Compacted.Select(DbManifestSortedRun.From)],
        Segments = [.. m.Segments.Select(s => new DbManifestSegment(
            s.Prefix.ToArray(),
            s.LastCompactedL0SstViewId?.ToString(),
            [.. s.L0.Select(DbManifestSst.From)],
            [.. s.Compacted.Select(DbManifestSortedRun.From)]))],
        Checkpoints = [.. m.Checkpoints.Select(CheckpointInfo.From)],
        ExternalDbs = [.. m.ExternalDbs.Select(e => new DbManifestExternalDb(
            e.Path,
            Db.Checkpoints.CheckpointIds.ToGuid(e.SourceCheckpointId),
            e.FinalCheckpointId is { } f ? Db.Checkpoints.CheckpointIds.ToGuid(f) : null,
            [.. e.SstIds.Select(s => s.ToString())]))],
        SequenceSamples = [.. m.SequenceTracker.Samples.Select(s => new DbSequenceSample(s.Seq, DateTimeOffset.FromUnixTimeSeconds(s.UnixSeconds)))],
    };
}

/// <summary>An SST as a manifest lists it in L0 or a sorted run.</summary>
/// <param name="Id">The SST's ULID: its object is <c>compacted/&lt;Id&gt;.sst</c> (under a parent's path for a clone's inherited SSTs).</param>
/// <param name="ViewId">The view's own id when it differs from the SST's (manifest version 2 views), else null.</param>
/// <param name="FirstKey">The first key, or null when the SST has no rows.</param>
/// <param name="LastKey">The last key, or null when the manifest does not record it.</param>
/// <param name="FormatVersion">The block and row format version.</param>
/// <param name="Compression">The block compression.</param>
/// <param name="IndexOffset">Where the index starts in the object.</param>
/// <param name="FilterLength">The filter's size in bytes (0: no filter).</param>
/// <param name="FilterFormat">"legacy" (SlateDB 0.12's bloom filter block) or "composite" (0.13+).</param>
/// <param name="VisibleRange">The key range a view limits the SST to, or null for all of it.</param>
public sealed record DbManifestSst(
    string Id,
    string? ViewId,
    byte[]? FirstKey,
    byte[]? LastKey,
    int FormatVersion,
    CompressionCodec Compression,
    ulong IndexOffset,
    ulong FilterLength,
    string FilterFormat,
    string? VisibleRange)
{
    internal static DbManifestSst From(SstView view)
    {
        var info = view.Sst.Info;
        return new DbManifestSst(
            view.Sst.Id.ToString(),
            view.Id != view.Sst.Id ? view.Id.ToString() : null,
            info.FirstEntry?.ToArray(),
            info.LastEntry?.ToArray(),
            view.Sst.FormatVersion,
            info.Compression,
            info.IndexOffset,
            info.FilterLength,
            info.FilterFormat.ToString().ToLowerInvariant(),
            view.VisibleRange?.ToString());
    }
}

/// <summary>A sorted run: SSTs with ordered, non-overlapping key ranges.</summary>
/// <param name="Id">The run's id.</param>
/// <param name="Ssts">Its SSTs by ascending key.</param>
public sealed record DbManifestSortedRun(uint Id, IReadOnlyList<DbManifestSst> Ssts)
{
    internal static DbManifestSortedRun From(SortedRun run) => new(run.Id, [.. run.Ssts.Select(DbManifestSst.From)]);
}

/// <summary>A segment of a SlateDB 0.13+ database: an LSM tree of its own for the keys that start with <paramref name="Prefix"/>.</summary>
/// <param name="Prefix">The key prefix it owns.</param>
/// <param name="LastCompactedL0">The newest of its L0 views a finished compaction consumed, or null.</param>
/// <param name="L0">Its L0 SSTs, newest first.</param>
/// <param name="SortedRuns">Its sorted runs, newest first.</param>
public sealed record DbManifestSegment(byte[] Prefix, string? LastCompactedL0, IReadOnlyList<DbManifestSst> L0, IReadOnlyList<DbManifestSortedRun> SortedRuns);

/// <summary>A database this one was cloned from.</summary>
/// <param name="Path">The parent's path in the store.</param>
/// <param name="SourceCheckpoint">The parent checkpoint the clone was made from.</param>
/// <param name="FinalCheckpoint">The checkpoint in the parent that keeps the inherited SSTs alive, or null while the clone is set up.</param>
/// <param name="SstIds">The inherited SSTs (ULIDs), read under the parent's path.</param>
public sealed record DbManifestExternalDb(string Path, Guid SourceCheckpoint, Guid? FinalCheckpoint, IReadOnlyList<string> SstIds);

/// <summary>A sample of the sequence tracker: <paramref name="Seq"/> was current at <paramref name="Time"/> (whole seconds).</summary>
/// <param name="Seq">The sequence number.</param>
/// <param name="Time">When, to the second.</param>
public sealed record DbSequenceSample(ulong Seq, DateTimeOffset Time);
