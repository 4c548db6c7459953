using SlateFast.Compacting;
using SlateFast.Db.Admin;
using SlateFast.Db.Checkpoints;
using SlateFast.GarbageCollection;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast;

/// <summary>
/// Administration of a database without opening a writer (SlateDB's <c>Admin</c>): checkpoints,
/// one-off garbage collection, clones, reading manifests and the compactions file, sequence
/// number and time lookups, deleting a database and running a standalone compactor. Only the
/// compactor methods claim an epoch (the compactor's), so a running writer is never fenced; its
/// manifest updates and these interleave safely (each re-applied on conflict).
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
        _store = StorePipeline.ForTool(store);
        _walStore = walObjectStore is null ? _store : StorePipeline.ForTool(walObjectStore);
        _time = timeProvider ?? TimeProvider.System;
        _manifests = new ManifestStore(_store, Path);
    }

    /// <summary>The database's path inside its object store.</summary>
    public string Path { get; }

    /// <summary>
    /// Whether a database lives at <see cref="Path"/>: it has at least one manifest. Tools use it
    /// to refuse a typo'd path before an open would create a database there.
    /// </summary>
    public Task<bool> ExistsAsync(CancellationToken cancellationToken = default) => _manifests.AnyAsync(cancellationToken);

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
    /// Every manifest version in the store, oldest first (SlateDB's <c>list_manifests</c>): its id,
    /// size and the time the store wrote it, whether it decodes (and why not) and, when it does,
    /// its epochs, replay point and table counts. Reads only.
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

    /// <summary>
    /// Manifest version <paramref name="id"/>, or the latest when null, with every table,
    /// checkpoint and sequence tracker sample (SlateDB's <c>read_manifest</c>). A version that is
    /// not there (never written, or collected) and a path without a database are
    /// <see cref="ErrorKind.Invalid"/>; one that does not decode is <see cref="ErrorKind.Data"/>.
    /// </summary>
    public async Task<DbManifest> ReadManifestAsync(ulong? id = null, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var target = id ?? await _manifests.LatestIdAsync(cancellationToken).ConfigureAwait(false);
            if (target == 0)
            {
                ThrowHelper.Invalid($"no database at {Path} in {_store}: no manifest under {DbPaths.DirPrefix(Path, DbPaths.ManifestDir)}");
            }

            var path = _manifests.PathOf(target);
            var data = await _store.GetAsync(path, cancellationToken).ConfigureAwait(false);
            if (data is null)
            {
                // The latest, listed and then collected: newer versions landed meanwhile.
                if (id is null && attempt < 10)
                {
                    continue;
                }

                ThrowHelper.Invalid($"{Path}: there is no manifest {target} ({path}); 'slatefast manifest list' shows the versions there are");
            }

            ManifestState state;
            try
            {
                state = ManifestCodec.Decode(data.Data.Span);
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Data)
            {
                throw new SlateFastException(ErrorKind.Data, $"manifest {target} ({path}) does not decode: {e.Message}", e);
            }

            return DbManifest.From(target, path, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(data.Data.Span), state);
        }
    }

    /// <summary>
    /// Version <paramref name="id"/> of the compactions file, or the latest when null: the
    /// compactor epoch and the compactions in flight plus the last finished one (SlateDB's
    /// <c>read_compactions</c>). Null when there is no such file (no compactor has run, or the
    /// version was collected); a path without a database is <see cref="ErrorKind.Invalid"/>.
    /// </summary>
    public async Task<DbCompactions?> ReadCompactionsAsync(ulong? id = null, CancellationToken cancellationToken = default)
    {
        var compactions = new CompactionsStore(_store, Path);
        (ulong Id, CompactionsState State)? found = id is { } wanted
            ? await compactions.TryLoadAsync(wanted, cancellationToken).ConfigureAwait(false) is { } state ? (wanted, state) : null
            : await compactions.LoadLatestAsync(cancellationToken).ConfigureAwait(false);
        if (found is null && await _manifests.LatestIdAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            ThrowHelper.Invalid($"no database at {Path} in {_store}");
        }

        return found is { } f ? DbCompactions.From(f.Id, compactions.PathOf(f.Id), f.State) : null;
    }

    /// <summary>
    /// When sequence number <paramref name="seq"/> was written, to the second, from the latest
    /// manifest's sequence tracker (SlateDB's <c>get_timestamp_for_sequence</c>). Between two
    /// samples, <paramref name="roundUp"/> takes the later one, else the earlier; null when there
    /// is no sample on that side (an empty tracker: SlateFast writers keep the samples they find
    /// and add none). A path without a database is <see cref="ErrorKind.Invalid"/>.
    /// </summary>
    public async Task<DateTimeOffset?> GetTimestampForSequenceAsync(ulong seq, bool roundUp = false, CancellationToken cancellationToken = default)
    {
        var tracker = await LatestTrackerAsync(cancellationToken).ConfigureAwait(false);
        return tracker.FindTime(seq, roundUp) is { } seconds ? DateTimeOffset.FromUnixTimeSeconds(seconds) : null;
    }

    /// <summary>
    /// The sequence number current at <paramref name="timestamp"/> (whole seconds; a fraction is
    /// dropped), from the latest manifest's sequence tracker (SlateDB's
    /// <c>get_sequence_for_timestamp</c>); rounding as in <see cref="GetTimestampForSequenceAsync"/>.
    /// </summary>
    public async Task<ulong?> GetSequenceForTimestampAsync(DateTimeOffset timestamp, bool roundUp = false, CancellationToken cancellationToken = default)
    {
        var tracker = await LatestTrackerAsync(cancellationToken).ConfigureAwait(false);
        return tracker.FindSeq(timestamp.ToUnixTimeSeconds(), roundUp);
    }

    /// <summary>
    /// Deletes the database: every object under its path (manifests, WAL, compacted SSTs,
    /// compactions files, GC boundaries), and its WAL in the separate WAL store when one was
    /// given. Refused (<see cref="ErrorKind.Invalid"/>) while it looks in use (unexpired
    /// checkpoints, recent writes, objects under the path that are not the database's) unless
    /// <see cref="DeleteDatabaseOptions.Force"/>; stop writers and compactors first, since an idle
    /// one leaves no sign. Running it again after it stopped half-way finishes the job; on a path
    /// with nothing it deletes nothing. SSTs a clone inherited live under the parent's path and
    /// stay. RFC 0029.
    /// </summary>
    public Task<DeleteDatabaseResult> DeleteDatabaseAsync(DeleteDatabaseOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= DeleteDatabaseOptions.Default;
        options.Validate();
        return DbDeletion.DeleteAsync(_store, _walStore, Path, options, _time, cancellationToken);
    }

    /// <summary>
    /// Runs a compactor for this database until <paramref name="cancellationToken"/> fires, then
    /// stops it cleanly and returns (SlateDB's <c>run_compactor</c>): the standalone compactor for
    /// writers opened with <see cref="CompactorOptions.Enabled"/> off. It claims the compactor
    /// epoch, which fences any other compactor (SlateDB's included), polls the manifest every
    /// <see cref="CompactorOptions.PollInterval"/> and compacts L0 SSTs and sorted runs by the
    /// size-tiered rules; compactions in flight at the stop are abandoned (their outputs are
    /// garbage for the collector). When a newer compactor takes over it throws
    /// <see cref="ErrorKind.Closed"/> (<see cref="CloseReason.Fenced"/>). Of
    /// <paramref name="options"/>, <see cref="DbOptions.Compactor"/>, <see cref="DbOptions.MergeOperator"/>,
    /// <see cref="DbOptions.Compression"/>, <see cref="DbOptions.FormatLevel"/>,
    /// <see cref="DbOptions.LoggerFactory"/> (progress is logged there) and
    /// <see cref="DbOptions.TimeProvider"/> apply.
    /// </summary>
    public async Task RunCompactorAsync(DbOptions? options = null, CancellationToken cancellationToken = default)
    {
        options = CompactorDbOptions(options);
        await using var compactor = await Compactor.OpenAsync(_store, Path, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        Exception? crash = null;
        compactor.Start(cancellationToken, (_, e) => crash = e);
        await compactor.Completion.ConfigureAwait(false);
        compactor.ThrowIfFenced();
        if (crash is not null)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Panic, $"{Path}: {Threading.BackgroundLoop.Describe("compactor", crash)}", crash);
        }
    }

    /// <summary>
    /// Claims the compactor epoch (fencing any other compactor) and compacts once: until the
    /// size-tiered scheduler proposes nothing more, or with <paramref name="full"/> every L0 SST
    /// and sorted run into one sorted run. Options as for <see cref="RunCompactorAsync"/>.
    /// </summary>
    public async Task<CompactResult> CompactAsync(DbOptions? options = null, bool full = false, CancellationToken cancellationToken = default)
    {
        options = CompactorDbOptions(options);
        await using var compactor = await Compactor.OpenAsync(_store, Path, options, cancellationToken: cancellationToken).ConfigureAwait(false);
        var count = full
            ? (await compactor.CompactAllAsync(cancellationToken).ConfigureAwait(false) ? 1 : 0)
            : await compactor.RunUntilCaughtUpAsync(cancellationToken).ConfigureAwait(false);
        var (id, manifest) = compactor.Manifest;
        return new CompactResult(compactor.Epoch, count, compactor.BytesRead, compactor.BytesWritten, id, manifest.L0.Length, [.. manifest.Compacted.Select(DbManifestSortedRun.From)]);
    }

    // A standalone compactor runs whatever the options say about the writer's own one.
    private static DbOptions CompactorDbOptions(DbOptions? options)
    {
        options ??= new DbOptions();
        options.Validate();
        return options.Compactor.Enabled ? options : options with { Compactor = options.Compactor with { Enabled = true } };
    }

    private async Task<SequenceTracker> LatestTrackerAsync(CancellationToken cancellationToken)
    {
        var (_, state) = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {Path} in {_store}");
        return state.SequenceTracker;
    }

    private Uuid NewId()
    {
        lock (_random)
        {
            return Uuid.NewV4(_random);
        }
    }
}
