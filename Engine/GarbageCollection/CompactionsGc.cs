using SlateFast.Manifest;

namespace SlateFast.GarbageCollection;

/// <summary>
/// Compactions files that may go (spec §12): every one but the latest, once older than the minimum
/// age; the namespace's GC boundary moves past them first (RFC-0026).
/// </summary>
internal static class CompactionsGc
{
    public static async Task<List<string>> CollectAsync(GcContext context, TimeSpan minAge, CancellationToken cancellationToken)
    {
        var compactions = new Compacting.CompactionsStore(context.Store, context.Db);
        var listed = await compactions.ListVersionsAsync(cancellationToken).ConfigureAwait(false);
        var doomed = listed.Take(Math.Max(0, listed.Count - 1))
            .Where(m => context.OlderThan(m.Meta.LastModified, minAge))
            .ToList();
        await context.AdvanceBoundaryAsync(compactions.Boundary, doomed.Select(m => m.Id), cancellationToken).ConfigureAwait(false);
        return await context.DeleteAsync(DbPaths.CompactionsDir, doomed.Select(m => m.Meta.Path), cancellationToken).ConfigureAwait(false);
    }
}
