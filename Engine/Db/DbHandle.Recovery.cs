using Microsoft.Extensions.Logging;
using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Manifest;
using SlateFast.Memtable;
using SlateFast.Sst;
using SlateFast.Wal;

namespace SlateFast;

public sealed partial class DbHandle
{
    // The empty SST a writer creates at the next WAL id to fence older writers: what SlateDB's
    // compacted-SST builder produces for no rows (spec §7), in each filter format (0.13 declares
    // Composite in it too).
    private static readonly Lazy<byte[]> s_fencingWal = new(() => FencingWal(FilterFormat.Legacy));
    private static readonly Lazy<byte[]> s_compositeFencingWal = new(() => FencingWal(FilterFormat.Composite));

    /// <summary>The bytes of a WAL fence at <paramref name="level"/> (what a writer's open writes).</summary>
    internal static ReadOnlyMemory<byte> FenceBytes(FormatLevel level) => level switch
    {
        >= FormatLevel.SlateDb014 => ReadOnlyMemory<byte>.Empty,
        FormatLevel.SlateDb013 => s_compositeFencingWal.Value,
        _ => s_fencingWal.Value,
    };

    private static byte[] FencingWal(FilterFormat format)
    {
        using var builder = new SstBuilder(new SstBuildSettings(4096, CompressionCodec.None, 10, 1000, SstType.Compacted, format));
        builder.Finish();
        return builder.Pending.ToArray();
    }

    /// <summary>
    /// Read-only open (spec §9): the newest manifest, and the WAL objects after its replay point up
    /// to the first missing one, replayed into memtables. Claims no epoch and writes nothing, so it
    /// never fences a writer.
    /// </summary>
    /// <remarks>
    /// At a checkpoint (spec §9, §11): the manifest version the checkpoint pins, and only the WAL
    /// objects in that version's (replay_after_wal_id, wal_id_last_seen], so later writes stay invisible.
    /// </remarks>
    private async Task RecoverReadOnlyAsync(Uuid? checkpoint, CancellationToken cancellationToken)
    {
        var latest = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {Path} in {_store}");
        var (id, state) = latest;
        var lastWal = ulong.MaxValue;
        if (checkpoint is { } checkpointId)
        {
            var pinned = state.Checkpoints.FirstOrDefault(c => c.Id == checkpointId)
                ?? throw new SlateFastException(ErrorKind.Invalid, $"{Path}: no checkpoint {checkpointId} in manifest {id}");
            id = pinned.ManifestId;
            state = await _manifests.LoadAsync(id, cancellationToken).ConfigureAwait(false);
            lastWal = state.WalIdLastSeen;
        }

        _manifestId = id;
        PublishReadState(new Db.ReadState(null, state));
        var replayed = await Replayer().ReplayAsync(state.ReplayAfterWalId, lastWal, state.LastL0Seq, MissingWal.Stop, cancellationToken).ConfigureAwait(false);
        if (replayed.DamagedWalId is { } damaged)
        {
            // Read-only: stop there and change nothing; a writer's open makes such a cut permanent.
            _log.LogWarning("{Path}: read-only open stops before WAL object {WalId}: {Message}", Path, damaged, replayed.Damage);
        }

        InstallReplayed(replayed);
        var (maxSeq, maxTick) = (replayed.MaxSeq, Math.Max(state.LastL0ClockTick, replayed.MaxTick));
        _lastSeq = maxSeq;
        _visibleSeq = maxSeq;
        _durableSeq = maxSeq;
        _clock.AtLeast(maxTick);
    }

    /// <summary>Spec §10.1: load or create the manifest, claim the writer epoch, fence, replay the WAL.</summary>
    private async Task RecoverAsync(CancellationToken cancellationToken)
    {
        var latest = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false);
        if (latest is null)
        {
            if (await _manifests.TryWriteAsync(1, ManifestState.Initial, cancellationToken).ConfigureAwait(false))
            {
                latest = (1, ManifestState.Initial);
                _log.LogInformation("created database {Path}", Path);
            }
            else
            {
                latest = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
                    ?? throw new SlateFastException(ErrorKind.Unavailable, $"{Path}: manifest 1 exists but cannot be listed");
            }
        }

        var (id, state) = latest.Value;
        if (!state.Initialized)
        {
            ThrowHelper.Invalid($"{Path}: the database is not initialized (a clone still being set up)");
        }

        RefuseSegmented(state, Path, "write to");

        (id, state, _) = await _manifests.UpdateAsync(
            (id, state),
            (_, s) => s with { WriterEpoch = s.WriterEpoch + 1 },
            reconcile: null,
            _options.TimeProvider,
            _options.ManifestUpdateTimeout,
            cancellationToken).ConfigureAwait(false);

        PublishManifest(id, state);
        _writerEpoch = state.WriterEpoch;
        _clock.AtLeast(state.LastL0ClockTick);

        var walIds = new SortedSet<ulong>();
        var walSizes = new List<long>();
        await foreach (var meta in _store.ListAsync(DbPaths.DirPrefix(Path, DbPaths.WalDir), cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (DbPaths.TryParseWalSstName(meta.Path, out var walId))
            {
                walSizes.Add(meta.Size);
                if (walId > state.ReplayAfterWalId)
                {
                    walIds.Add(walId);
                }
            }
        }

        // From here on the options carry the level this handle writes at, never Detect.
        _options = _options with
        {
            FormatLevel = FormatDetection.Choose(
                _options.FormatLevel,
                await FormatDetection.DetectAsync(_store, Path, state, walSizes, cancellationToken).ConfigureAwait(false)),
        };

        // Listed after the epoch claim: no older writer can move the replay point any more, so the
        // fence id is above it (the check SlateDB added for #1622 holds by construction; asserted below).
        var fence = FormatLevel switch
        {
            >= FormatLevel.SlateDb014 => ReadOnlyMemory<byte>.Empty,
            FormatLevel.SlateDb013 => s_compositeFencingWal.Value,
            _ => s_fencingWal.Value,
        };
        var fencingId = (walIds.Count > 0 ? walIds.Max : state.ReplayAfterWalId) + 1;
        while (!(await _store.PutIfAbsentAsync(DbPaths.WalSstPath(Path, fencingId), fence, cancellationToken).ConfigureAwait(false)).Stored)
        {
            var (followedId, followed) = await _manifests.FollowAsync(_manifestId, CurrentManifest, cancellationToken).ConfigureAwait(false);
            PublishManifest(followedId, followed);
            CheckEpoch();
            walIds.Add(fencingId);
            fencingId++;
        }

        if (fencingId <= CurrentManifest.ReplayAfterWalId)
        {
            ThrowHelper.Internal($"{Path}: fence {fencingId} is at or below the replay point {CurrentManifest.ReplayAfterWalId}");
        }

        // Everything up to the fence must be there (a missing id is damage, not the WAL's end).
        var replayed = await Replayer().ReplayAsync(state.ReplayAfterWalId, fencingId - 1, state.LastL0Seq, MissingWal.Fail, cancellationToken).ConfigureAwait(false);
        if (replayed.DamagedWalId is { } damaged)
        {
            // Opted in (PointInTime): the database opens at the prefix before this object.
            // OpenAsync makes the cut permanent before the first write (MakeWalCutPermanentAsync).
            _log.LogWarning(
                "{Path}: WalRecoveryMode.PointInTime: replay stops before WAL object {WalId}; it and WAL objects up to {Fence} are discarded: {Message}",
                Path, damaged, fencingId, replayed.Damage);
            _walCutBefore = damaged;
        }

        InstallReplayed(replayed);
        var (maxSeq, maxTick, rows) = (replayed.MaxSeq, Math.Max(state.LastL0ClockTick, replayed.MaxTick), replayed.Rows);
        _lastSeq = maxSeq;
        _visibleSeq = maxSeq;
        _durableSeq = maxSeq;
        _clock.AtLeast(maxTick);
        _fenceWalId = fencingId;
        _wal = _options.WalEnabled ? new WalWriter(_store, Path, _options, _commitLock, this, fencingId) : null;

        _log.LogInformation(
            "opened {Path} as writer epoch {Epoch}: fenced at WAL {Fence}, replayed {Rows} rows from {Wals} WAL objects after {ReplayAfter}, last seq {Seq}",
            Path, _writerEpoch, fencingId, rows, walIds.Count, state.ReplayAfterWalId, maxSeq);
    }

    /// <summary>
    /// A segmented database (SlateDB 0.13 segments) routes every key to a segment by a prefix
    /// extractor SlateFast does not have: a write would land in the root tree, which SlateDB's
    /// readers ignore once segments exist. Refused before anything is claimed, so SlateDB's own
    /// writer or compactor is never fenced by it; readers and checkpoints work.
    /// </summary>
    internal static void RefuseSegmented(ManifestState state, string path, string action)
    {
        if (state.IsSegmented)
        {
            ThrowHelper.Invalid(
                $"{path}: SlateFast cannot {action} a segmented database (SlateDB 0.13+ segments, extractor '{state.SegmentExtractorName}', {state.Segments.Length} segments): "
                + "it has no segment extractors; read it with DbReader or a read-only open");
        }
    }

    /// <summary>
    /// With <see cref="WalRecoveryMode.PointInTime"/>: the damaged WAL id the replay stopped
    /// before; null when the whole WAL replayed.
    /// </summary>
    private ulong? _walCutBefore;

    /// <summary>
    /// Makes a point-in-time cut permanent before the handle takes its first write: the replayed
    /// rows go to L0 and the replay point moves to the fence, past every damaged or discarded id.
    /// Without this, a write acknowledged now would sit in a WAL object after the damaged one and
    /// be dropped by the next point-in-time open (or block every strict one).
    /// </summary>
    private async Task MakeWalCutPermanentAsync(CancellationToken cancellationToken)
    {
        if (_walCutBefore is not { } cut)
        {
            return;
        }

        await FlushAsync(FlushType.MemTable, cancellationToken).ConfigureAwait(false);
        var fence = LastWrittenWalId;
        await UpdateManifestAsync(
            m => m.ReplayAfterWalId >= fence ? null : m with { ReplayAfterWalId = fence, WalIdLastSeen = Math.Max(m.WalIdLastSeen, fence) },
            cancellationToken).ConfigureAwait(false);
        _log.LogWarning("{Path}: replay point moved past discarded WAL objects {Cut}..{Fence}", Path, cut, fence);
    }

    // Writer-sized memtables, frozen at the L0 size as a writer's are.
    private WalReplayer Replayer() => new(_store, Path, _options.WalRecovery, _options.L0SstSizeBytes, (need, _) => NewMemtable(need));

    // The replayed memtables become the set: the open one stays active (writes continue in it),
    // the frozen ones wait for the flusher; their bytes count as unflushed.
    private void InstallReplayed(WalReplayer.Result replayed)
    {
        var frozen = replayed.Open is null ? replayed.NewestFirst : replayed.NewestFirst.Skip(1);
        PublishMemtables(new Db.MemtableSet(replayed.Open ?? NewMemtable(0), [.. frozen]));
        foreach (var m in replayed.NewestFirst)
        {
            _unflushedBytes += m.EstimatedSize;
        }
    }
}
