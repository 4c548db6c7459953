using SlateFast.Manifest;

namespace SlateFast.GarbageCollection;

/// <summary>
/// WAL objects that may go (spec §12): id below the latest manifest's replay point (their rows
/// are in L0 or sorted runs), older than the minimum age, and outside the
/// (replay_after_wal_id, wal_id_last_seen] range of every manifest a checkpoint pins, since
/// readers of that checkpoint replay exactly those. Fences stay (as SlateDB 0.14+ keeps them by
/// default): see <see cref="Wal.WalObjects.IsFenceAsync"/>.
/// </summary>
internal static class WalGc
{
    public static async Task<List<string>> CollectAsync(GcContext context, TimeSpan minAge, CancellationToken cancellationToken)
    {
        var (latestId, latest) = await context.LatestAsync(cancellationToken).ConfigureAwait(false);
        var referenced = await context.ReferencedAsync(latestId, latest, cancellationToken).ConfigureAwait(false);
        var doomed = new List<string>();
        foreach (var meta in await context.ListAsync(DbPaths.WalDir, cancellationToken).ConfigureAwait(false))
        {
            if (DbPaths.TryParseWalSstName(meta.Path, out var id)
                && id < latest.ReplayAfterWalId
                && context.OlderThan(meta.LastModified, minAge)
                && !referenced.Values.Any(m => NeedsWal(m, id))
                && !await Wal.WalObjects.IsFenceAsync(context.WalStore, meta, context.Transformer, cancellationToken).ConfigureAwait(false))
            {
                doomed.Add(meta.Path);
            }
        }

        return await context.DeleteAsync(DbPaths.WalDir, doomed, cancellationToken).ConfigureAwait(false);
    }

    public static bool NeedsWal(ManifestState manifest, ulong walId) =>
        walId > manifest.ReplayAfterWalId && walId <= manifest.WalIdLastSeen;
}
