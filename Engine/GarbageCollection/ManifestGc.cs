using SlateFast.Manifest;

namespace SlateFast.GarbageCollection;

/// <summary>
/// Manifest versions that may go (spec §12): every one but the latest that is older than the
/// minimum age and not pinned by a checkpoint of the latest. A version written after the listing
/// is not in it, so a concurrent writer's new latest is never at risk. The namespace's GC boundary
/// moves past the old versions first (RFC-0026), so a stale writer cannot re-create one of them.
/// </summary>
internal static class ManifestGc
{
    public static async Task<List<string>> CollectAsync(GcContext context, TimeSpan minAge, CancellationToken cancellationToken)
    {
        var listed = await context.Manifests.ListVersionsAsync(cancellationToken).ConfigureAwait(false);
        if (listed.Count == 0)
        {
            ThrowHelper.Invalid($"no database at {context.Db} in {context.Store}");
        }

        var latestId = listed[^1].Id;
        var latest = await context.Manifests.LoadAsync(latestId, cancellationToken).ConfigureAwait(false);
        var candidates = listed.Count - 1;
        if (context.DryRun && Db.Checkpoints.CheckpointEdits.RemoveExpired(latest, context.Now) is { } expired)
        {
            // The real pass writes a new version to drop the expired checkpoints, so today's latest
            // is then just another old version.
            latest = expired;
            candidates++;
        }

        var pinned = latest.Checkpoints.Select(c => c.ManifestId).ToHashSet();
        var old = listed.Take(candidates).Where(m => context.OlderThan(m.Meta.LastModified, minAge)).ToList();
        await context.AdvanceBoundaryAsync(context.Manifests.Boundary, old.Select(m => m.Id), cancellationToken).ConfigureAwait(false);
        var doomed = old.Where(m => !pinned.Contains(m.Id)).Select(m => m.Meta.Path);
        return await context.DeleteAsync(DbPaths.ManifestDir, doomed, cancellationToken).ConfigureAwait(false);
    }
}
