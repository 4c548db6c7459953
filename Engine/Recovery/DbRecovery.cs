using Microsoft.Extensions.Logging;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Wal;

namespace SlateFast.Recovery;

/// <summary>
/// What an open recovered: the manifest version it starts from, the WAL replayed after its
/// replay point, the sequence number and clock tick to continue from; for a writer also its
/// fence, its options with the format level settled, and (with
/// <see cref="WalRecoveryMode.PointInTime"/>) the damaged WAL id the replay stopped before.
/// </summary>
internal sealed record Recovered(
    ulong ManifestId,
    ManifestState Manifest,
    WalReplayer.Result Replayed,
    ulong MaxSeq,
    long MaxTick,
    DbOptions Options,
    ulong FenceWalId = 0,
    ulong? WalCutBefore = null);

/// <summary>
/// Opening a database (spec §9, §10.1): a writer loads or creates the manifest, claims the next
/// writer epoch, fences older writers with a WAL object at the next id and replays the WAL up to
/// it; a read-only open loads a manifest (or a checkpoint's) and replays what follows it, writing
/// nothing. The database installs the result; nothing here touches a live database.
/// </summary>
internal static class DbRecovery
{
    // The empty SST a writer creates at the next WAL id to fence older writers: what SlateDB's
    // compacted-SST builder produces for no rows (spec §7), in each filter format (0.13 declares
    // Composite in it too).
    private static readonly Lazy<byte[]> s_fencingWal = new(() => FencingWal(FilterFormat.Legacy));
    private static readonly Lazy<byte[]> s_compositeFencingWal = new(() => FencingWal(FilterFormat.Composite));

    /// <summary>
    /// The bytes of a WAL fence at <paramref name="level"/> (what a writer's open writes); its
    /// index goes through <paramref name="transformer"/> as every SST section does.
    /// </summary>
    internal static ReadOnlyMemory<byte> FenceBytes(FormatLevel level, IBlockTransformer? transformer = null) => level switch
    {
        >= FormatLevel.SlateDb014 => ReadOnlyMemory<byte>.Empty,
        _ when transformer is not null => FencingWal(level == FormatLevel.SlateDb013 ? FilterFormat.Composite : FilterFormat.Legacy, transformer),
        FormatLevel.SlateDb013 => s_compositeFencingWal.Value,
        _ => s_fencingWal.Value,
    };

    /// <summary>
    /// Spec §10.1: load or create the manifest, claim the writer epoch, fence, replay the WAL into
    /// memtables from <paramref name="newMemtable"/> (writer-sized, with room for a row of the given size).
    /// The WAL lives in <paramref name="walStore"/> (the main store unless the options name another).
    /// </summary>
    public static async Task<Recovered> OpenWriterAsync(IObjectStore store, IObjectStore walStore, ManifestStore manifests, string path, DbOptions options, Func<long, Memtables.Memtable> newMemtable, ILogger log, CancellationToken cancellationToken)
    {
        var separateWal = !ReferenceEquals(walStore, store);
        var latest = await manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false);
        if (options.FormatLevel == FormatLevel.Detect && options.FilterPrefixExtractor is not null)
        {
            // Refused before the epoch claim (which would fence the running writer) and before a
            // new database's first manifest, as the level detected below will be; that check stays
            // the authority.
            var level = latest is not { } found
                ? FormatDetection.Of(ManifestState.Initial with { SegmentExtractorName = options.SegmentExtractor?.Name }, [])
                : await FormatDetection.DetectAsync(store, path, found.State, (await WalObjects.ListAsync(walStore, path, found.State.ReplayAfterWalId, cancellationToken).ConfigureAwait(false)).Sizes, cancellationToken).ConfigureAwait(false);
            CheckFormatFeatures(options with { FormatLevel = level }, path);
        }

        if (latest is null)
        {
            // A segmented database names its extractor from manifest 1 on (RFC-0024: set at
            // creation or never), which also makes it a V2 manifest that only 0.13+ reads.
            var initial = ManifestState.Initial with { WalObjectStoreUri = WalObjects.StoreMarker(separateWal), SegmentExtractorName = options.SegmentExtractor?.Name };
            if (await manifests.TryWriteAsync(1, initial, cancellationToken).ConfigureAwait(false))
            {
                latest = (1, initial);
                log.LogInformation("created database {Path}", path);
            }
            else
            {
                latest = await manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new SlateFastException(ErrorKind.Unavailable, $"{path}: manifest 1 exists but cannot be listed");
            }
        }

        var (id, state) = latest.Value;
        if (!state.Initialized)
        {
            ThrowHelper.Invalid($"{path}: the database is not initialized (a clone still being set up)");
        }

        // Before the epoch claim, so a writer with the wrong extractor never fences the right one.
        Segments.SegmentRouter.CheckConfiguration(state, options.SegmentExtractor, path);
        WalObjects.CheckStoreConfiguration(state, path, separateWal);

        (id, state, _) = await manifests.UpdateAsync(
            (id, state),
            (_, s) => s with { WriterEpoch = s.WriterEpoch + 1 },
            reconcile: null,
            options.TimeProvider,
            options.ManifestUpdateTimeout,
            cancellationToken).ConfigureAwait(false);
        var epoch = state.WriterEpoch;

        var (walIds, walSizes) = await WalObjects.ListAsync(walStore, path, state.ReplayAfterWalId, cancellationToken).ConfigureAwait(false);
        RequireSeenWal(state, walIds, path);

        // From here on the options carry the level this handle writes at, never Detect.
        options = options with
        {
            FormatLevel = FormatDetection.Choose(
                options.FormatLevel,
                await FormatDetection.DetectAsync(store, path, state, walSizes, cancellationToken).ConfigureAwait(false)),
        };

        CheckFormatFeatures(options, path);

        // Listed after the epoch claim: no older writer can move the replay point any more, so the
        // fence id is above it (the check SlateDB added for #1622 holds by construction; asserted below).
        var fence = FenceBytes(options.FormatLevel, options.BlockTransformer);
        var claimed = state;
        var replayFrom = claimed.ReplayAfterWalId;
        var fencingId = (walIds.Count > 0 ? walIds.Max : replayFrom) + 1;
        while (!(await walStore.PutIfAbsentAsync(DbPaths.WalSstPath(path, fencingId), fence, cancellationToken).ConfigureAwait(false)).Stored)
        {
            (id, state) = await manifests.FollowAsync(id, state, cancellationToken).ConfigureAwait(false);
            DbHandle.CheckWriterEpoch(state, epoch, path);

            walIds.Add(fencingId);
            fencingId++;
        }

        if (fencingId <= state.ReplayAfterWalId)
        {
            ThrowHelper.Internal($"{path}: fence {fencingId} is at or below the replay point {state.ReplayAfterWalId}");
        }

        // Everything up to the fence must be there (a missing id is damage, not the WAL's end).
        var replayed = await Replayer(walStore, path, options, newMemtable).ReplayAsync(replayFrom, fencingId - 1, claimed.LastL0Seq, MissingWal.Fail, cancellationToken).ConfigureAwait(false);
        if (replayed.DamagedWalId is { } damaged)
        {
            // Opted in (PointInTime): the database opens at the prefix before this object. The
            // open makes the cut permanent before the first write (DbHandle.MakeWalCutPermanentAsync).
            log.LogWarning(
                "{Path}: WalRecoveryMode.PointInTime: replay stops before WAL object {WalId}; it and WAL objects up to {Fence} are discarded: {Message}",
                path, damaged, fencingId, replayed.Damage);
        }

        log.LogInformation(
            "opened {Path} as writer epoch {Epoch}: fenced at WAL {Fence}, replayed {Rows} rows from {Wals} WAL objects after {ReplayAfter}, last seq {Seq}",
            path, epoch, fencingId, replayed.Rows, walIds.Count, replayFrom, replayed.MaxSeq);
        return new Recovered(id, state, replayed, replayed.MaxSeq, Math.Max(claimed.LastL0ClockTick, replayed.MaxTick), options, fencingId, replayed.DamagedWalId);
    }

    /// <summary>
    /// Read-only open (spec §9): the newest manifest, and the WAL objects after its replay point up
    /// to the first missing one. Claims no epoch and writes nothing, so it never fences a writer.
    /// At a checkpoint (spec §9, §11): the manifest version the checkpoint pins, and only the WAL
    /// objects in that version's (replay_after_wal_id, wal_id_last_seen], so later writes stay invisible.
    /// </summary>
    public static async Task<Recovered> OpenReadOnlyAsync(IObjectStore store, IObjectStore walStore, ManifestStore manifests, string path, DbOptions options, Uuid? checkpoint, Func<long, Memtables.Memtable> newMemtable, ILogger log, CancellationToken cancellationToken)
    {
        var (id, state) = await manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {path} in {store}");
        var lastWal = ulong.MaxValue;
        if (checkpoint is { } checkpointId)
        {
            var pinned = state.Checkpoints.FirstOrDefault(c => c.Id == checkpointId)
                ?? throw new SlateFastException(ErrorKind.Invalid, $"{path}: no checkpoint {checkpointId} in manifest {id}");
            id = pinned.ManifestId;
            state = await manifests.LoadAsync(id, cancellationToken).ConfigureAwait(false);
            lastWal = state.WalIdLastSeen;
        }

        WalObjects.CheckStoreConfiguration(state, path, !ReferenceEquals(walStore, store));
        var replayed = await Replayer(walStore, path, options, newMemtable).ReplayAsync(state.ReplayAfterWalId, lastWal, state.LastL0Seq, MissingWal.Stop, cancellationToken).ConfigureAwait(false);
        if (replayed.DamagedWalId is { } damaged)
        {
            // Read-only: stop there and change nothing; a writer's open makes such a cut permanent.
            log.LogWarning("{Path}: read-only open stops before WAL object {WalId}: {Message}", path, damaged, replayed.Damage);
        }

        return new Recovered(id, state, replayed, replayed.MaxSeq, Math.Max(state.LastL0ClockTick, replayed.MaxTick), options);
    }

    // The manifest says WAL objects up to wal_id_last_seen were written, and nothing removes one
    // after the replay point while the epoch is ours: a missing one is damage, or a WAL kept in a
    // separate object store that a SlateDB 0.12+ manifest does not name. Either way, replaying
    // what is here would silently drop writes, and the fence would land among the old ids.
    private static void RequireSeenWal(ManifestState state, SortedSet<ulong> walIds, string path)
    {
        if (state.WalIdLastSeen <= state.ReplayAfterWalId)
        {
            return;
        }

        var seen = walIds.GetViewBetween(state.ReplayAfterWalId + 1, state.WalIdLastSeen);
        if ((ulong)seen.Count == state.WalIdLastSeen - state.ReplayAfterWalId)
        {
            return;
        }

        var missing = state.ReplayAfterWalId + 1;
        foreach (var id in seen)
        {
            if (id != missing)
            {
                break;
            }

            missing++;
        }

        ThrowHelper.Data(
            $"{path}: WAL object {missing} is not in the store, though the manifest saw WAL objects up to {state.WalIdLastSeen} after its replay point {state.ReplayAfterWalId}: "
            + "the WAL is damaged, or it lives in a separate object store (SlateDB's with_wal_object_store: open with DbOptions.WalObjectStore, CLI --wal-store URL)");
    }

    // Writer-sized memtables, frozen at the L0 size as a writer's are.
    private static WalReplayer Replayer(IObjectStore store, string path, DbOptions options, Func<long, Memtables.Memtable> newMemtable) =>
        new(store, path, options.WalRecovery, options.L0SstSizeBytes, (need, _) => newMemtable(need), options.BlockTransformer);

    // With FormatLevel.Detect the level is known only from the objects (checked before the epoch
    // claim and again after it): features SlateDB 0.12 cannot read need a database at 0.13 or
    // later (a segmented one always is: its manifest is V2).
    private static void CheckFormatFeatures(DbOptions options, string path)
    {
        if (options.FormatLevel < FormatLevel.SlateDb013 && options.FilterPrefixExtractor is not null)
        {
            ThrowHelper.Invalid($"{path}: DbOptions.FilterPrefixExtractor needs format level 0.13 or later, and this database is at 0.12 (set DbOptions.FormatLevel to upgrade it)");
        }
    }

    private static byte[] FencingWal(FilterFormat format, IBlockTransformer? transformer = null)
    {
        using var builder = new SstBuilder(new SstBuildSettings(4096, CompressionCodec.None, 10, 1000, SstType.Compacted, format, transformer));
        builder.Finish();
        return builder.Pending.ToArray();
    }
}
