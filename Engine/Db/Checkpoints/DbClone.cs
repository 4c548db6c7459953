using System.Collections.Immutable;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Db.Checkpoints;

/// <summary>
/// Creates a database from a checkpoint of another without copying its SSTs, as SlateDB 0.12
/// does: the clone's manifest lists the parent's SSTs under an <c>ExternalDb</c> entry (read in
/// place, spec §2), each external database gets a never-expiring "final" checkpoint so its
/// collector keeps those SSTs, and only the WAL objects the checkpoint needs are copied.
/// </summary>
/// <remarks>
/// Idempotent and resumable: the clone's first manifest is written with <c>initialized = false</c>
/// and flipped to true last, so a crash leaves a clone that a second call finishes and that a
/// writer refuses to open meanwhile.
/// </remarks>
internal static class DbClone
{
    /// <summary>Lifetime of the checkpoint taken of the parent when the caller names none (SlateDB: 300 s).</summary>
    private static readonly TimeSpan s_parentCheckpointLifetime = TimeSpan.FromSeconds(300);

    public static async Task<bool> CreateAsync(IObjectStore store, string clonePath, string parentPath, Uuid? parentCheckpoint, TimeProvider time, Random random, CancellationToken cancellationToken)
    {
        if (clonePath == parentPath)
        {
            ThrowHelper.Invalid($"a clone needs a path of its own, not its parent's ({parentPath})");
        }

        var cloneManifests = new ManifestStore(store, clonePath);
        var parentManifests = new ManifestStore(store, parentPath);
        var existing = await cloneManifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false);
        if (existing is null)
        {
            existing = await CreateManifestAsync(cloneManifests, parentManifests, parentPath, parentCheckpoint, time, random, cancellationToken).ConfigureAwait(false);
        }

        var (_, clone) = existing.Value;
        if (!clone.ExternalDbs.Any(e => e.Path == parentPath && (parentCheckpoint is null || e.SourceCheckpointId == parentCheckpoint)))
        {
            ThrowHelper.Invalid($"{clonePath} already holds a database that is not a clone of {parentPath}{(parentCheckpoint is { } c ? $" at checkpoint {c}" : string.Empty)}");
        }

        await EnsureFinalCheckpointsAsync(store, clone, time, cancellationToken).ConfigureAwait(false);
        if (clone.Initialized)
        {
            return false;
        }

        await CopyWalAsync(store, parentPath, clonePath, clone, cancellationToken).ConfigureAwait(false);
        await ManifestEditor.ApplyAsync(
            cloneManifests,
            (_, m) => m.Initialized ? null : m with { Initialized = true },
            time,
            TimeSpan.FromMinutes(5),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// The clone's manifest: the parent's state at the checkpoint without its checkpoints, not yet
    /// initialized, with the parent's own SSTs as a new external database and the parent's
    /// external databases carried over (each with a new final checkpoint id).
    /// </summary>
    public static ManifestState CloneState(ManifestState parent, string parentPath, Uuid sourceCheckpoint, Random random)
    {
        var external = ImmutableArray.CreateBuilder<ExternalDb>();
        var inherited = new HashSet<Ulid>();
        foreach (var e in parent.ExternalDbs)
        {
            inherited.UnionWith(e.SstIds);
            external.Add(e with { FinalCheckpointId = NewId(random) });
        }

        var owned = parent.AllViews().Select(v => v.Sst.Id)
            .Where(id => !inherited.Contains(id))
            .Distinct();
        external.Add(new ExternalDb(parentPath, sourceCheckpoint, NewId(random), [.. owned]));
        return parent with
        {
            Initialized = false,
            Checkpoints = [],
            ExternalDbs = external.ToImmutable(),
        };
    }

    private static async Task<(ulong, ManifestState)> CreateManifestAsync(ManifestStore cloneManifests, ManifestStore parentManifests, string parentPath, Uuid? parentCheckpoint, TimeProvider time, Random random, CancellationToken cancellationToken)
    {
        var (parentId, parent) = await parentManifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {parentPath} to clone");
        if (!parent.Initialized)
        {
            ThrowHelper.Invalid($"{parentPath} is not initialized (itself a clone being set up)");
        }

        // A clone copies the checkpoint's WAL objects from the main store (RFC 0022).
        Wal.WalObjects.CheckStoreConfiguration(parent, parentPath, separateStore: false);

        Checkpoint checkpoint;
        if (parentCheckpoint is { } given)
        {
            checkpoint = CheckpointEdits.Find(parent, given)
                ?? throw new SlateFastException(ErrorKind.Invalid, $"{parentPath}: no checkpoint {given} to clone from");
        }
        else
        {
            var id = NewId(random);
            var options = new CheckpointOptions { Lifetime = s_parentCheckpointLifetime };
            var (_, written, _) = await ManifestEditor.ApplyAsync(
                parentManifests, (next, m) => CheckpointEdits.Add(m, next, id, options, time.GetUtcNow()), time, TimeSpan.FromMinutes(5),
                cancellationToken: cancellationToken).ConfigureAwait(false);
            checkpoint = CheckpointEdits.Find(written, id)!;
        }

        var atCheckpoint = await parentManifests.LoadAsync(checkpoint.ManifestId, cancellationToken).ConfigureAwait(false);
        var state = CloneState(atCheckpoint, parentPath, checkpoint.Id, random);
        if (await cloneManifests.TryWriteAsync(1, state, cancellationToken).ConfigureAwait(false))
        {
            return (1, state);
        }

        // Another process is creating the same clone; continue with its manifest.
        return await cloneManifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Unavailable, $"{cloneManifests.Db}: manifest 1 exists but cannot be listed");
    }

    // The final checkpoint copies the source checkpoint without expiry, so the parent keeps the
    // SSTs the clone reads after the (short-lived) source checkpoint is gone.
    private static async Task EnsureFinalCheckpointsAsync(IObjectStore store, ManifestState clone, TimeProvider time, CancellationToken cancellationToken)
    {
        foreach (var external in clone.ExternalDbs)
        {
            if (external.FinalCheckpointId is not { } final)
            {
                continue;
            }

            var options = new CheckpointOptions { Source = CheckpointIds.ToGuid(external.SourceCheckpointId) };
            await ManifestEditor.ApplyAsync(
                new ManifestStore(store, external.Path),
                (next, m) => CheckpointEdits.Find(m, final) is null ? CheckpointEdits.Add(m, next, final, options, time.GetUtcNow()) : null,
                time,
                TimeSpan.FromMinutes(5),
                cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task CopyWalAsync(IObjectStore store, string parentPath, string clonePath, ManifestState clone, CancellationToken cancellationToken)
    {
        for (var id = clone.ReplayAfterWalId + 1; id <= clone.WalIdLastSeen; id++)
        {
            var source = DbPaths.WalSstPath(parentPath, id);
            var data = await store.GetAsync(source, cancellationToken).ConfigureAwait(false)
                ?? throw new SlateFastException(ErrorKind.Data, $"{source} is missing but the checkpoint being cloned needs it");
            await store.PutIfAbsentAsync(DbPaths.WalSstPath(clonePath, id), data.Data, cancellationToken).ConfigureAwait(false);
        }
    }

    private static Uuid NewId(Random random)
    {
        lock (random)
        {
            return Uuid.NewV4(random);
        }
    }
}
