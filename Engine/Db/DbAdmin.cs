using SlateFast.Db.Checkpoints;
using SlateFast.GarbageCollection;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast;

/// <summary>
/// Administration of a database without opening a writer (SlateDB's <c>Admin</c>): checkpoints,
/// one-off garbage collection and clones. Nothing here claims an epoch, so a running writer is
/// never fenced; its manifest updates and these interleave safely (each re-applied on conflict).
/// </summary>
public sealed class DbAdmin
{
    private readonly IObjectStore _store;
    private readonly IObjectStore _walStore;
    private readonly TimeProvider _time;
    private readonly ManifestStore _manifests;
    private readonly Random _random = new();

    /// <summary>Administers the database at <paramref name="path"/> in <paramref name="store"/>.</summary>
    /// <param name="path">The database's path inside the store.</param>
    /// <param name="store">The object store.</param>
    /// <param name="timeProvider">The clock for checkpoint times and object ages; null: the system clock.</param>
    /// <param name="walObjectStore">The database's separate WAL store (<see cref="DbOptions.WalObjectStore"/>), which garbage collection cleans; null: the WAL is in <paramref name="store"/>.</param>
    public DbAdmin(string path, IObjectStore store, TimeProvider? timeProvider = null, IObjectStore? walObjectStore = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        Path = (path ?? string.Empty).Trim('/');
        ObjectPath.Validate(Path);
        _store = store is RetryingObjectStore ? store : new RetryingObjectStore(store);
        _walStore = walObjectStore is null ? _store : walObjectStore is RetryingObjectStore ? walObjectStore : new RetryingObjectStore(walObjectStore);
        _time = timeProvider ?? TimeProvider.System;
        _manifests = new ManifestStore(_store, Path);
    }

    /// <summary>The database's path inside its object store.</summary>
    public string Path { get; }

    /// <summary>
    /// Creates a checkpoint of the database's durable state as the latest manifest records it
    /// (writes still only in the writer's memory or in WAL objects after the manifest's last seen
    /// id are not in it; use <see cref="DbHandle.CreateCheckpointAsync"/> for those).
    /// </summary>
    public async Task<CheckpointCreateResult> CreateCheckpointAsync(CheckpointOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= CheckpointOptions.Default;
        options.Validate();
        var id = NewId();
        var (_, state, _) = await ManifestEditor.ApplyAsync(
            _manifests, (next, m) => CheckpointEdits.Add(m, next, id, options, _time.GetUtcNow()), _time, TimeSpan.FromMinutes(5),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return new CheckpointCreateResult(CheckpointIds.ToGuid(id), CheckpointEdits.Find(state, id)!.ManifestId);
    }

    /// <summary>
    /// Which SlateDB format versions the database's objects show, its epochs and boundaries, and
    /// whether SlateFast can write and compact it. Reads only.
    /// </summary>
    public Task<FormatReport> InspectFormatAsync(CancellationToken cancellationToken = default) =>
        FormatDetection.InspectAsync(_store, Path, cancellationToken);

    /// <summary>The checkpoints the latest manifest lists, expired ones included until a collector removes them.</summary>
    public async Task<IReadOnlyList<CheckpointInfo>> ListCheckpointsAsync(CancellationToken cancellationToken = default)
    {
        var (_, state) = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {Path} in {_store}");
        return [.. state.Checkpoints.Select(CheckpointInfo.From)];
    }

    /// <summary>Sets checkpoint <paramref name="id"/> to expire <paramref name="lifetime"/> from now (null: never). Missing: <see cref="ErrorKind.Invalid"/>.</summary>
    public async Task<CheckpointInfo> RefreshCheckpointAsync(Guid id, TimeSpan? lifetime, CancellationToken cancellationToken = default)
    {
        new CheckpointOptions { Lifetime = lifetime }.Validate();
        var uuid = CheckpointIds.FromGuid(id);
        var (_, state, _) = await ManifestEditor.ApplyAsync(
            _manifests, (_, m) => CheckpointEdits.Refresh(m, uuid, lifetime, _time.GetUtcNow()), _time, TimeSpan.FromMinutes(5),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return CheckpointInfo.From(CheckpointEdits.Find(state, uuid)!);
    }

    /// <summary>Deletes checkpoint <paramref name="id"/>; returns false when there was none.</summary>
    public async Task<bool> DeleteCheckpointAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var uuid = CheckpointIds.FromGuid(id);
        var (_, _, written) = await ManifestEditor.ApplyAsync(
            _manifests, (_, m) => CheckpointEdits.Remove(m, uuid), _time, TimeSpan.FromMinutes(5),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        return written;
    }

    /// <summary>
    /// Runs one garbage collection pass over every kind <paramref name="options"/> enables
    /// (default: all, with SlateDB's minimum ages), removing expired checkpoints first. With
    /// <paramref name="dryRun"/> nothing changes and the result lists what would go.
    /// </summary>
    public async Task<GarbageCollectionResult> CollectGarbageAsync(GarbageCollectorOptions? options = null, bool dryRun = false, CancellationToken cancellationToken = default)
    {
        await using var collector = new GarbageCollector(_store, Path, options ?? new GarbageCollectorOptions(), _time, null, _walStore);
        return await collector.RunOnceAsync(dryRun, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Makes this path a clone of the database at <paramref name="parentPath"/> (same store) as of
    /// checkpoint <paramref name="parentCheckpoint"/>, or of a new short-lived checkpoint of its
    /// current durable state. The clone reads the parent's SSTs in place and writes only under its
    /// own path; open it with <see cref="DbHandle.OpenAsync(string, IObjectStore, DbOptions?, CancellationToken)"/>.
    /// Calling it again resumes an interrupted clone. Returns true when this call created or
    /// finished the clone, false when the path already was a finished clone of that parent.
    /// </summary>
    public Task<bool> CreateCloneAsync(string parentPath, Guid? parentCheckpoint = null, CancellationToken cancellationToken = default)
    {
        parentPath = (parentPath ?? string.Empty).Trim('/');
        ObjectPath.Validate(parentPath);
        return DbClone.CreateAsync(_store, Path, parentPath, parentCheckpoint is { } c ? CheckpointIds.FromGuid(c) : null, _time, _random, cancellationToken);
    }

    /// <summary>
    /// Every manifest version in the store, oldest first, with whether it decodes (and why not)
    /// and, when it does, its epochs, replay point and table counts. Reads only.
    /// </summary>
    public Task<IReadOnlyList<ManifestVersionInfo>> ListManifestsAsync(CancellationToken cancellationToken = default) =>
        Db.Checkpoints.ManifestRollback.ListAsync(_manifests, cancellationToken);

    /// <summary>
    /// The way back from a damaged manifest: writes manifest version <paramref name="toId"/>'s
    /// state again as the next version (create-if-absent; nothing is overwritten or deleted), with
    /// writer and compactor epochs above any a newer version can hold, so a writer or compactor
    /// still running is fenced at its next manifest update. Refused (<see cref="ErrorKind.Data"/>)
    /// when <paramref name="toId"/> does not decode or an SST it lists is gone. The WAL after its
    /// replay point is kept and replayed by the next open, so writes since then that are still in
    /// the WAL come back; when the collector removed part of that WAL the rollback is refused,
    /// unless <paramref name="discardWal"/>, which returns to exactly that version's tables and
    /// writes a WAL fence. Stop writers and compactors first: RFC 0017.
    /// </summary>
    public Task<ManifestRollbackResult> RollbackManifestAsync(ulong toId, bool discardWal = false, CancellationToken cancellationToken = default)
    {
        if (toId == 0)
        {
            ThrowHelper.Invalid("manifest ids start at 1");
        }

        return Db.Checkpoints.ManifestRollback.RollbackAsync(_manifests, _store, Path, toId, discardWal, cancellationToken);
    }

    private Uuid NewId()
    {
        lock (_random)
        {
            return Uuid.NewV4(_random);
        }
    }
}
