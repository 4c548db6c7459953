using SlateFast.Manifest;

namespace SlateFast.GarbageCollection;

/// <summary>
/// Compacted SSTs that may go (spec §12): referenced by neither the latest manifest nor any
/// manifest a checkpoint pins, and whose ULID time is before the cutoff
/// min(now − min age, start of the oldest compaction in the compactions file, newest L0's time).
/// </summary>
/// <remarks>
/// The cutoff protects objects written but not yet in a manifest: a compaction's outputs (written
/// after it started, committed at its end) and a flush's new L0 (written before its manifest).
/// Without a compactions file, or with no compaction in it, the watermark is the Unix epoch and
/// nothing is deleted, as in SlateDB 0.12. Readers pin through checkpoints, so their SSTs are in
/// a pinned manifest.
/// </remarks>
internal static class CompactedGc
{
    public static async Task<List<string>> CollectAsync(GcContext context, TimeSpan minAge, CancellationToken cancellationToken)
    {
        // The compactions file first: read after the manifest, it could already list a finished
        // compaction whose outputs the manifest read before did not yet reference.
        var watermarkMs = await CompactionLowWatermarkMsAsync(context, cancellationToken).ConfigureAwait(false);
        var (latestId, latest) = await context.LatestAsync(cancellationToken).ConfigureAwait(false);
        var referenced = await context.ReferencedAsync(latestId, latest, cancellationToken).ConfigureAwait(false);
        var live = new HashSet<Ulid>();
        foreach (var manifest in referenced.Values)
        {
            // Segment SSTs too: SlateFast does not compact segments, but it must never delete them.
            foreach (var view in manifest.AllViews())
            {
                live.Add(view.Sst.Id);
            }
        }

        var cutoffMs = Math.Min(Math.Min((context.Now - minAge).ToUnixTimeMilliseconds(), watermarkMs), NewestL0Ms(latest));
        var doomed = new List<string>();
        foreach (var meta in await context.ListAsync(DbPaths.CompactedDir, cancellationToken).ConfigureAwait(false))
        {
            if (DbPaths.TryParseCompactedSstName(meta.Path, out var id) && id.TimestampMs < cutoffMs && !live.Contains(id))
            {
                doomed.Add(meta.Path);
            }
        }

        return await context.DeleteAsync(DbPaths.CompactedDir, doomed, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The newest L0's ULID time; else the last compacted L0's; else 0 (never had an L0: delete nothing).</summary>
    public static long NewestL0Ms(ManifestState latest)
    {
        var l0 = latest.L0.Concat(latest.Segments.SelectMany(s => s.L0)).ToList();
        if (l0.Count > 0)
        {
            return l0.Max(v => v.Sst.Id.TimestampMs);
        }

        return (latest.LastCompactedL0SstViewId ?? latest.LastCompactedL0SstId)?.TimestampMs ?? 0;
    }

    /// <summary>Start time of the oldest compaction in the latest compactions file; 0 when there is none or it cannot be read.</summary>
    public static async Task<long> CompactionLowWatermarkMsAsync(GcContext context, CancellationToken cancellationToken)
    {
        ulong latest = 0;
        foreach (var meta in await context.ListAsync(DbPaths.CompactionsDir, cancellationToken).ConfigureAwait(false))
        {
            if (DbPaths.TryParseCompactionsName(meta.Path, out var id) && id > latest)
            {
                latest = id;
            }
        }

        if (latest == 0)
        {
            return 0;
        }

        try
        {
            var data = await context.Store.GetAsync(DbPaths.CompactionsPath(context.Db, latest), cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                return 0;
            }

            var state = CompactionsCodec.Decode(data.Data.Span);
            return state.Recent.IsDefaultOrEmpty ? 0 : state.Recent.Min(c => c.Id.TimestampMs);
        }
        catch (SlateFastException)
        {
            return 0;
        }
    }
}
