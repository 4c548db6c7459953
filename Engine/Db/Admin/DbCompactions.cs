using SlateFast.Manifest;
using CompactionRecord = SlateFast.Manifest.Compaction;

namespace SlateFast;

/// <summary>
/// One version of the compactor's state file, <c>compactions/&lt;id&gt;.compactions</c>, as
/// <see cref="DbAdmin.ReadCompactionsAsync"/> reads it (SlateDB's <c>VersionedCompactions</c>):
/// the compactor epoch and the compactions in flight plus the last finished one.
/// <see cref="DbAdminJson.Compactions"/> renders it as JSON.
/// </summary>
/// <param name="Id">The file's version id.</param>
/// <param name="Path">The object's path in the store.</param>
/// <param name="FormatVersion">1 (SlateDB 0.12) or 2 (0.13 and later).</param>
/// <param name="CompactorEpoch">The epoch of the compactor that wrote it.</param>
/// <param name="Compactions">The compactions it lists, by id (start time).</param>
public sealed record DbCompactions(ulong Id, string Path, int FormatVersion, ulong CompactorEpoch, IReadOnlyList<DbCompaction> Compactions)
{
    internal static DbCompactions From(ulong id, string path, CompactionsState state) =>
        new(id, path, state.FormatVersion, state.CompactorEpoch, [.. state.Recent.OrderBy(c => c.Id).Select(DbCompaction.From)]);
}

/// <summary>One compaction of a compactions file.</summary>
/// <param name="Id">Its ULID.</param>
/// <param name="StartTime">When it was created (the ULID's time).</param>
/// <param name="Status">submitted, running, completed, failed, or SlateDB 0.14's scheduled and compacted.</param>
/// <param name="Kind">"tiered" (merge the sources into one sorted run) or "drain-segment" (SlateDB 0.13+).</param>
/// <param name="Segment">The prefix of the segment it works on; empty for the root tree.</param>
/// <param name="L0Sources">The L0 views it merges (ULIDs).</param>
/// <param name="SortedRunSources">The sorted runs it merges.</param>
/// <param name="Destination">The sorted run it writes, or null for a drain.</param>
/// <param name="OutputSsts">The SSTs it wrote, once known (ULIDs).</param>
/// <param name="Worker">The SlateDB 0.14+ worker that claimed it, or null.</param>
public sealed record DbCompaction(
    string Id,
    DateTimeOffset StartTime,
    string Status,
    string Kind,
    byte[] Segment,
    IReadOnlyList<string> L0Sources,
    IReadOnlyList<uint> SortedRunSources,
    uint? Destination,
    IReadOnlyList<string> OutputSsts,
    string? Worker)
{
    internal static DbCompaction From(CompactionRecord c) => new(
        c.Id.ToString(),
        c.Id.Timestamp,
        c.Status.ToString().ToLowerInvariant(),
        c.Spec.IsDrain ? "drain-segment" : "tiered",
        c.Spec.Segment.ToArray(),
        [.. c.Spec.L0ViewIds.Select(v => v.ToString())],
        [.. c.Spec.SortedRuns],
        c.Spec.Destination,
        [.. c.OutputSsts.Select(s => s.Id.ToString())],
        c.Worker?.WorkerId);
}
