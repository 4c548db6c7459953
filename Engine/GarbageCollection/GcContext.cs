using Microsoft.Extensions.Logging;
using SlateFast.Db.Checkpoints;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.GarbageCollection;

/// <summary>
/// What every collector task reads and how it deletes. In a dry run the latest manifest is read
/// as if expired checkpoints were already removed, and deletions are only recorded.
/// </summary>
internal sealed class GcContext(IObjectStore store, IObjectStore walStore, string db, TimeProvider time, bool dryRun, ILogger log, IBlockTransformer? transformer = null)
{
    public IObjectStore Store => store;

    /// <summary>Where the WAL lives: <see cref="Store"/> unless the database keeps it in a separate store.</summary>
    public IObjectStore WalStore => walStore;

    public string Db => db;

    public ManifestStore Manifests { get; } = new(store, db);

    public bool DryRun => dryRun;

    /// <summary>Decodes WAL objects when the collector looks inside one (a fence has no rows).</summary>
    public IBlockTransformer? Transformer => transformer;

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task<(ulong Id, ManifestState State)> LatestAsync(CancellationToken cancellationToken)
    {
        var (id, state) = await Manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {db} in {store}");
        return (id, dryRun ? CheckpointEdits.RemoveExpired(state, Now) ?? state : state);
    }

    /// <summary>
    /// The latest manifest and every manifest a checkpoint of it pins. A pinned manifest that
    /// cannot be read fails the task: deleting without knowing what it needs is never safe.
    /// </summary>
    public async Task<Dictionary<ulong, ManifestState>> ReferencedAsync(ulong latestId, ManifestState latest, CancellationToken cancellationToken)
    {
        var result = new Dictionary<ulong, ManifestState> { [latestId] = latest };
        foreach (var checkpoint in latest.Checkpoints)
        {
            if (!result.ContainsKey(checkpoint.ManifestId))
            {
                result[checkpoint.ManifestId] = await Manifests.LoadAsync(checkpoint.ManifestId, cancellationToken).ConfigureAwait(false);
            }
        }

        return result;
    }

    public async Task<List<ObjectMeta>> ListAsync(string dir, CancellationToken cancellationToken) =>
        await StoreOf(dir).ListAllAsync(DbPaths.DirPrefix(db, dir), cancellationToken).ConfigureAwait(false);

    // The WAL folder is in the WAL's store; every other folder in the main one.
    private IObjectStore StoreOf(string dir) => dir == DbPaths.WalDir ? walStore : store;

    /// <summary>
    /// Before versions of a namespace are deleted, moves its GC boundary up to the highest of
    /// them (not in a dry run): from then on a writer that re-creates one of those ids sees its
    /// write void instead of committed.
    /// </summary>
    public async Task AdvanceBoundaryAsync(GcBoundary boundary, IEnumerable<ulong> ids, CancellationToken cancellationToken)
    {
        var highest = ids.DefaultIfEmpty().Max();
        if (!dryRun && highest > 0)
        {
            await boundary.AdvanceAsync(highest, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Deletes (unless dry) and records each path of <paramref name="dir"/>; a failed delete is logged and left for the next pass.</summary>
    public async Task<List<string>> DeleteAsync(string dir, IEnumerable<string> paths, CancellationToken cancellationToken)
    {
        var from = StoreOf(dir);
        var deleted = new List<string>();
        foreach (var path in paths)
        {
            if (!dryRun)
            {
                try
                {
                    await from.DeleteAsync(path, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (Failures.IsExpected(e))
                {
                    log.LogWarning(e, "garbage collection could not delete {Path}", path);
                    continue;
                }

                log.LogDebug("garbage collection deleted {Path}", path);
            }

            deleted.Add(path);
        }

        return deleted;
    }

    /// <summary>Whether an object written at <paramref name="written"/> is older than <paramref name="minAge"/> (strictly, as SlateDB).</summary>
    public bool OlderThan(DateTimeOffset written, TimeSpan minAge) => Now - written > minAge;
}
