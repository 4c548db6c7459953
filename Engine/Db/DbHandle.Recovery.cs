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
        PublishReadState(new Db.ReadState(new Db.MemtableSet(NewMemtable(0), []), state));
        ulong maxSeq = state.LastL0Seq;
        var maxTick = state.LastL0ClockTick;
        for (var walId = state.ReplayAfterWalId + 1; walId <= lastWal; walId++)
        {
            Wal.WalContents? contents;
            try
            {
                contents = await Wal.WalObjects.ReadForReplayAsync(_store, Path, walId, cancellationToken).ConfigureAwait(false);
            }
            catch (ObjectNotFoundException)
            {
                break;
            }
            catch (Wal.CorruptWalObjectException e) when (_options.WalRecovery == WalRecoveryMode.PointInTime)
            {
                // Read-only: stop here and change nothing; a writer's open makes such a cut permanent.
                _log.LogWarning("{Path}: read-only open stops before WAL object {WalId}: {Message}", Path, walId, e.Message);
                break;
            }

            var (_, seq, tick) = Apply(walId, contents, state.LastL0Seq);
            maxSeq = Math.Max(maxSeq, seq);
            maxTick = Math.Max(maxTick, tick);
        }

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

        var set = new Db.MemtableSet(NewMemtable(0), []);
        PublishMemtables(set);
        ulong maxSeq = state.LastL0Seq;
        var maxTick = state.LastL0ClockTick;
        long rows = 0;
        var expected = state.ReplayAfterWalId + 1;
        foreach (var walId in walIds)
        {
            if (walId != expected)
            {
                ThrowHelper.Data($"{Path}: WAL object {expected} is missing before {walId}; the WAL must be contiguous after the replay point {state.ReplayAfterWalId}");
            }

            expected++;
            Wal.WalContents? contents;
            try
            {
                contents = await Wal.WalObjects.ReadForReplayAsync(_store, Path, walId, cancellationToken).ConfigureAwait(false);
            }
            catch (Wal.CorruptWalObjectException e) when (_options.WalRecovery == WalRecoveryMode.PointInTime)
            {
                // Opted in: the database opens at the prefix before this object. Later objects
                // are not replayed either (they follow it in commit order); OpenAsync makes the
                // cut permanent before the first write (MakeWalCutPermanentAsync).
                _log.LogWarning(
                    "{Path}: WalRecoveryMode.PointInTime: replay stops before WAL object {WalId}; it and WAL objects up to {Fence} are discarded: {Message}",
                    Path, walId, fencingId, e.Message);
                _walCutBefore = walId;
                break;
            }

            var (count, seq, tick) = Apply(walId, contents, state.LastL0Seq);
            rows += count;
            maxSeq = Math.Max(maxSeq, seq);
            maxTick = Math.Max(maxTick, tick);
            if (Memtables!.Active.EstimatedSize >= _options.L0SstSizeBytes)
            {
                FreezeReplayed(walId);
            }
        }

        _lastSeq = maxSeq;
        _visibleSeq = maxSeq;
        _durableSeq = maxSeq;
        _clock.AtLeast(maxTick);
        _fenceWalId = fencingId;
        _wal = _options.WalEnabled ? new WalWriter(_store, Path, _options, _commitLock, this, fencingId) : null;
        foreach (var m in Memtables!.NewestFirst)
        {
            _unflushedBytes += m.EstimatedSize;
        }

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

    private (long Rows, ulong MaxSeq, long MaxTick) Apply(ulong walId, Wal.WalContents? contents, ulong lastL0Seq)
    {
        long rows = 0;
        if (contents is null)
        {
            return (0, 0, long.MinValue);
        }

        ulong maxSeq = 0;
        var maxTick = long.MinValue;
        var iterator = new BlockIterator();
        foreach (var bytes in contents.Blocks)
        {
            iterator.Reset(bytes, contents.Format);
            for (var valid = iterator.SeekToFirst(); valid; valid = iterator.MoveNext())
            {
                if (iterator.Seq <= lastL0Seq)
                {
                    continue;
                }

                var need = ArenaSkipList.MaxNodeSize(iterator.Key.Length, iterator.Value.Length);
                var active = Memtables!.Active;
                if (active.Capacity - active.Rows.ArenaBytes < need)
                {
                    // The memtable fills inside this WAL object, so only the previous one is wholly in it.
                    FreezeReplayed(walId - 1, need);
                }

                var result = Memtables!.Active.Insert(iterator.Key, iterator.Seq, iterator.Flags, iterator.Value, iterator.CreateTs ?? 0, iterator.ExpireTs ?? 0);
                if (result == InsertResult.ArenaFull)
                {
                    ThrowHelper.Internal($"replayed row of seq {iterator.Seq} does not fit a fresh memtable");
                }

                rows++;
                maxSeq = Math.Max(maxSeq, iterator.Seq);
                maxTick = Math.Max(maxTick, iterator.CreateTs ?? long.MinValue);
            }
        }

        return (rows, maxSeq, maxTick);
    }

    private void FreezeReplayed(ulong lastWalId, long arenaNeed = 0)
    {
        var set = Memtables!;
        if (set.Active.IsEmpty)
        {
            return;
        }

        set.Active.LastWalId = lastWalId;
        PublishMemtables(new Db.MemtableSet(NewMemtable(arenaNeed), set.Frozen.Insert(0, set.Active)));
    }
}
