using Microsoft.Extensions.Logging;
using SlateFast.Db.Checkpoints;
using SlateFast.Manifest;
using SlateFast.Wal;

namespace SlateFast;

public sealed partial class DbReader
{
    // Opening: pick the manifest to read (creating the reader's checkpoint in managed mode), then
    // replay the WAL after it.
    private async Task EstablishAsync(CancellationToken cancellationToken)
    {
        var latest = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"no database at {Path} in {_manifests.Store}");
        (_latestId, _latest) = latest;

        // Before the managed checkpoint is written: a refused open leaves nothing behind.
        WalObjects.CheckStoreConfiguration(_latest, Path, _options.WalObjectStore is not null);
        switch (_mode)
        {
            case DbReaderMode.FixedCheckpoint:
                var id = CheckpointIds.FromGuid(_options.CheckpointId!.Value);
                var checkpoint = CheckpointEdits.Find(_latest, id)
                    ?? throw new SlateFastException(ErrorKind.Invalid, $"{Path}: no checkpoint {id} in manifest {_latestId}");
                _checkpointBox = new CheckpointBox(id);
                await PinAsync(checkpoint.ManifestId, await _manifests.LoadAsync(checkpoint.ManifestId, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
                break;
            case DbReaderMode.ManagedCheckpoint:
                await ReplaceCheckpointAsync(cancellationToken).ConfigureAwait(false);
                break;
            default:
                await PinAsync(_latestId, _latest, cancellationToken).ConfigureAwait(false);
                break;
        }
    }

    private async Task PollLoopAsync()
    {
        var token = _stop.Token;
        while (!token.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ManifestPollInterval, _options.TimeProvider, token).ConfigureAwait(false);
                await _refreshLock.WaitAsync(token).ConfigureAwait(false);
                try
                {
                    await PollAsync(token).ConfigureAwait(false);
                }
                finally
                {
                    _refreshLock.Release();
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (Failures.IsExpected(e))
            {
                _log.LogWarning(e, "reader of {Path} could not refresh; trying again in {Interval}", Path, _options.ManifestPollInterval);
            }
        }
    }

    // Under _refreshLock.
    private async Task PollAsync(CancellationToken cancellationToken)
    {
        // Listed, not followed from the last known id: the collector may have deleted versions in
        // between, and following would stop at the gap.
        (_latestId, _latest) = await _manifests.LoadLatestAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new SlateFastException(ErrorKind.Invalid, $"{Path}: the database's manifests are gone");
        if (_mode == DbReaderMode.ManagedCheckpoint)
        {
            var own = _checkpointBox!.Id;
            if (CheckpointEdits.Find(_latest, own) is null)
            {
                _log.LogWarning("reader checkpoint {Id} of {Path} is gone (expired?); creating a new one", own, Path);
                await ReplaceCheckpointAsync(cancellationToken).ConfigureAwait(false);
                return;
            }

            if (HasNewTables(_latest, _pinned))
            {
                await ReplaceCheckpointAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await ReplayNewWalAsync(cancellationToken).ConfigureAwait(false);
            }

            await RefreshCheckpointIfHalfOverAsync(_checkpointBox!.Id, cancellationToken).ConfigureAwait(false);
            await TendRetiredCheckpointsAsync(cancellationToken).ConfigureAwait(false);
        }
        else if (HasNewTables(_latest, _pinned))
        {
            await PinAsync(_latestId, _latest, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ReplayNewWalAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the latest manifest has data the pinned one lacks (new L0s, compactions), as SlateDB's reader decides.</summary>
    private static bool HasNewTables(ManifestState latest, ManifestState pinned) =>
        latest.LastL0Seq > pinned.LastL0Seq
        || latest.LastCompactedL0SstViewId != pinned.LastCompactedL0SstViewId
        || !SameRuns(latest, pinned)
        || !latest.ReadL0.Select(v => v.Sst.Id).SequenceEqual(pinned.ReadL0.Select(v => v.Sst.Id));

    private static bool SameRuns(ManifestState a, ManifestState b) =>
        a.ReadRuns.Length == b.ReadRuns.Length
        && a.ReadRuns.Zip(b.ReadRuns).All(p => p.First.Id == p.Second.Id && p.First.Ssts.Select(v => v.Sst.Id).SequenceEqual(p.Second.Ssts.Select(v => v.Sst.Id)));

    // One manifest update adds the new checkpoint (pinning the version it writes) and drops the
    // old, so the reader's state is never unprotected between the two.
    private async Task ReplaceCheckpointAsync(CancellationToken cancellationToken)
    {
        Uuid next;
        lock (_random)
        {
            next = Uuid.NewV4(_random);
        }

        // A checkpoint a snapshot still reads through stays, retired, until the snapshot goes.
        var old = _checkpointBox?.Id is { } current && ReleasableOrRetire(current) ? current : (Uuid?)null;
        var options = new CheckpointOptions { Lifetime = _options.CheckpointLifetime };
        var now = _options.TimeProvider.GetUtcNow();
        var (id, state) = await EditAsync(
            (nextId, m) => CheckpointEdits.Add(old is { } o ? CheckpointEdits.Remove(m, o) ?? m : m, nextId, next, options, now),
            cancellationToken).ConfigureAwait(false);
        Volatile.Write(ref _checkpointBox, new CheckpointBox(next));
        (_latestId, _latest) = (id, state);
        await PinAsync(id, state, cancellationToken).ConfigureAwait(false);
        _log.LogDebug("reader of {Path} now reads manifest {Manifest} through checkpoint {Checkpoint}", Path, id, next);
    }

    // The reader's own checkpoint, and the retired ones snapshots still read through.
    private async Task RefreshCheckpointIfHalfOverAsync(Uuid own, CancellationToken cancellationToken)
    {
        var checkpoint = CheckpointEdits.Find(_latest, own);
        var now = _options.TimeProvider.GetUtcNow();
        var refreshAfter = DateTimeOffset.FromUnixTimeSeconds(checkpoint?.ExpireTimeSeconds ?? 0) - (_options.CheckpointLifetime / 2);
        if (checkpoint is null || now <= refreshAfter)
        {
            return;
        }

        (_latestId, _latest) = await EditAsync((_, m) => CheckpointEdits.Refresh(m, own, _options.CheckpointLifetime, now), cancellationToken).ConfigureAwait(false);
    }

    // One manifest update that removes every checkpoint of `ids` still listed.
    private async Task RemoveCheckpointsAsync(IReadOnlyCollection<Uuid> ids, CancellationToken cancellationToken) =>
        (_latestId, _latest) = await EditAsync(
            (_, m) => ids.Aggregate((ManifestState?)null, (changed, id) => CheckpointEdits.Remove(changed ?? m, id) ?? changed),
            cancellationToken).ConfigureAwait(false);

    private async Task<(ulong Id, ManifestState State)> EditAsync(Func<ulong, ManifestState, ManifestState?> change, CancellationToken cancellationToken)
    {
        var (id, state, _) = await ManifestEditor.ApplyAsync(
            _manifests, change, _options.TimeProvider, TimeSpan.FromMinutes(5), cancellationToken: cancellationToken).ConfigureAwait(false);
        return (id, state);
    }

    // Reads manifest `id` from now on, with the WAL after its replay point replayed afresh.
    private async Task PinAsync(ulong id, ManifestState state, CancellationToken cancellationToken)
    {
        // SkipWalReplay reads no WAL object at all, at open too (the bug SlateDB fixed for #2003:
        // it used to read up to wal_id_last_seen). A fixed checkpoint replays exactly the WAL its
        // version saw; otherwise everything after the replay point that is there.
        var lastWal = _options.SkipWalReplay ? state.ReplayAfterWalId
            : _mode == DbReaderMode.FixedCheckpoint ? state.WalIdLastSeen
            : ulong.MaxValue;
        var replayed = await _replayer.ReplayAsync(state.ReplayAfterWalId, lastWal, state.LastL0Seq, MissingWal.Stop, cancellationToken).ConfigureAwait(false);
        WarnIfCut(replayed);
        var tables = replayed.NewestFirst;
        if (tables.Count == 0)
        {
            tables.Add(new Memtables.Memtable(4096));
        }

        var set = new Db.MemtableSet(tables[0], [.. tables.Skip(1)]);
        if (!_view.InstallReadState(id, state, set, replayed.MaxSeq))
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"{Path}: the reader is closed");
        }

        _pinned = state;
        Interlocked.Exchange(ref _pinnedId, id);
        Interlocked.Exchange(ref _lastSeq, replayed.MaxSeq);
        _lastWalId = replayed.LastWalId;
    }

    // Same manifest, more WAL: the new rows go into new memtables placed before the current ones.
    private async Task ReplayNewWalAsync(CancellationToken cancellationToken)
    {
        if (_options.SkipWalReplay)
        {
            return;
        }

        var replayed = await _replayer.ReplayAsync(_lastWalId, ulong.MaxValue, LastSeq, MissingWal.Stop, cancellationToken).ConfigureAwait(false);
        WarnIfCut(replayed);
        _lastWalId = replayed.LastWalId;
        if (replayed.NewestFirst.Count == 0)
        {
            return;
        }

        var current = _view.Memtables ?? throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"{Path}: the reader is closed");
        var newest = replayed.NewestFirst;
        var set = new Db.MemtableSet(newest[0], [.. newest.Skip(1), .. current.NewestFirst]);
        if (!_view.InstallReadState(_pinnedId, _pinned, set, replayed.MaxSeq))
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"{Path}: the reader is closed");
        }

        Interlocked.Exchange(ref _lastSeq, replayed.MaxSeq);
    }

    // The reader writes nothing: it reads the prefix before the damaged object and stops there on
    // every poll until a writer moves the replay point past it.
    private void WarnIfCut(WalReplayer.Result replayed)
    {
        if (replayed.DamagedWalId is { } damaged)
        {
            _log.LogWarning("reader of {Path} (WalRecoveryMode.PointInTime) reads the state before damaged WAL object {WalId}; it and later WAL objects are not replayed", Path, damaged);
        }
    }
}
