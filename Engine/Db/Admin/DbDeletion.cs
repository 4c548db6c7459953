using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Db.Admin;

/// <summary>
/// Deleting a whole database (<see cref="DbAdmin.DeleteDatabaseAsync"/>, RFC 0029). SlateDB has no
/// such operation; this one is built to be safe to run twice and to stop half-way.
/// </summary>
/// <remarks>
/// <para>Checks first, unless forced: a database someone still uses is refused (Invalid). Signs of
/// use are an unexpired checkpoint in the latest manifest (a reader's, or the one a clone keeps
/// in its parent so the SSTs it reads in place stay) and an object of the manifest, WAL or
/// compactions written within the quiet period (a writer or compactor at work). An idle writer
/// leaves no trace, so the check can only catch busy ones: the caller must still stop writers.
/// Objects under the path that are not the database's (outside its folders: another database
/// nested below it, or someone's files) are refused too.</para>
/// <para>Order: everything but the manifests first (the WAL in its own store too), then the
/// manifests by ascending id. A run that stops half-way leaves a latest manifest whose objects are
/// partly gone: opening it fails loudly (Data) instead of looking like a new, empty database that
/// a writer would recreate over leftover WAL objects; running the deletion again finishes it.</para>
/// </remarks>
internal static class DbDeletion
{
    /// <summary>The folders a SlateDB database keeps under its path.</summary>
    private static readonly string[] s_folders = [DbPaths.ManifestDir, DbPaths.WalDir, DbPaths.CompactedDir, DbPaths.CompactionsDir, GcBoundary.Dir];

    public static async Task<DeleteDatabaseResult> DeleteAsync(
        IObjectStore store, IObjectStore walStore, string db, DeleteDatabaseOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        if (db.Length == 0)
        {
            ThrowHelper.Invalid("deleting a database needs its path; an empty path would delete the whole store");
        }

        var root = db + "/";
        var objects = await store.ListAllAsync(root, cancellationToken).ConfigureAwait(false);
        var separateWal = !ReferenceEquals(walStore, store);
        var walObjects = separateWal ? await walStore.ListAllAsync(DbPaths.DirPrefix(db, DbPaths.WalDir), cancellationToken).ConfigureAwait(false) : [];
        if (objects.Count == 0 && walObjects.Count == 0)
        {
            return new DeleteDatabaseResult(0, 0, 0);
        }

        if (!options.Force)
        {
            await CheckUnusedAsync(store, db, objects, walObjects, options.QuietPeriod, time, cancellationToken).ConfigureAwait(false);
        }

        var manifests = objects.Where(o => IsIn(db, DbPaths.ManifestDir, o.Path)).OrderBy(o => o.Path, StringComparer.Ordinal).ToList();
        var rest = objects.Where(o => !IsIn(db, DbPaths.ManifestDir, o.Path)).ToList();
        var count = 0;
        var bytes = 0L;
        foreach (var o in walObjects)
        {
            await walStore.DeleteAsync(o.Path, cancellationToken).ConfigureAwait(false);
            count++;
            bytes += o.Size;
        }

        var wal = count;
        foreach (var o in rest.Concat(manifests))
        {
            await store.DeleteAsync(o.Path, cancellationToken).ConfigureAwait(false);
            count++;
            bytes += o.Size;
        }

        return new DeleteDatabaseResult(count, bytes, wal);
    }

    private static async Task CheckUnusedAsync(
        IObjectStore store, string db, List<ObjectMeta> objects, List<ObjectMeta> walObjects, TimeSpan quietPeriod, TimeProvider time, CancellationToken cancellationToken)
    {
        var foreign = objects.Where(o => !s_folders.Any(f => IsIn(db, f, o.Path))).ToList();
        if (foreign.Count > 0)
        {
            ThrowHelper.Invalid($"{db}: {foreign.Count} object(s) under the path are not the database's (for example {foreign[0].Path}): another database or someone's files; refusing to delete them (force deletes everything under {db}/)");
        }

        var now = time.GetUtcNow();
        var recent = objects.Where(o => IsIn(db, DbPaths.ManifestDir, o.Path) || IsIn(db, DbPaths.WalDir, o.Path) || IsIn(db, DbPaths.CompactionsDir, o.Path))
            .Concat(walObjects)
            .Where(o => now - o.LastModified < quietPeriod)
            .OrderByDescending(o => o.LastModified)
            .FirstOrDefault();
        if (recent.Path is not null)
        {
            ThrowHelper.Invalid($"{db}: a writer or compactor looks active: {recent.Path} was written {Math.Max(0, (now - recent.LastModified).TotalSeconds):0} s ago (quiet period {quietPeriod.TotalSeconds:0} s); stop it and try again, or force");
        }

        var manifests = new ManifestStore(store, db);
        if (await manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false) is { } latest)
        {
            var nowSeconds = now.ToUnixTimeSeconds();
            var live = latest.State.Checkpoints.Where(c => c.ExpireTimeSeconds == 0 || c.ExpireTimeSeconds > nowSeconds).ToList();
            if (live.Count > 0)
            {
                ThrowHelper.Invalid($"{db}: manifest {latest.Id} holds {live.Count} unexpired checkpoint(s) (for example {Db.Checkpoints.CheckpointIds.ToGuid(live[0].Id):D}): a reader or a clone may still depend on this database (a compactor's own expires 15 minutes after its compaction); delete them or wait, or force");
            }
        }
    }

    private static bool IsIn(string db, string folder, string path) => path.StartsWith(DbPaths.DirPrefix(db, folder), StringComparison.Ordinal);
}
