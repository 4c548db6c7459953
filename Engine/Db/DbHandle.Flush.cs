using Microsoft.Extensions.Logging;
using SlateFast.Diagnostics;
using SlateFast.Flush;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Wal;

namespace SlateFast;

public sealed partial class DbHandle
{
    // Guards the writer's manifest updates (flushes, checkpoints, the compactor's adopted
    // versions, refreshes): one version at a time is written and published, with _manifestId.
    // Held across the store's round trips, hence a semaphore; taken before _commitLock.
    private readonly SemaphoreSlim _manifestLock = new(1, 1);
    private ulong _manifestId;

    /// <summary>
    /// Makes every write made before the call durable: writes buffered WAL rows as a WAL object,
    /// or without a WAL (<see cref="DbOptions.WalEnabled"/> off) flushes the memtables to L0.
    /// </summary>
    public Task FlushAsync() => FlushAsync(_options.WalEnabled ? FlushType.Wal : FlushType.MemTable);

    /// <summary>
    /// <see cref="FlushType.Wal"/>: writes buffered WAL rows and returns when every write made
    /// before the call is durable; <see cref="ErrorKind.Invalid"/> when the WAL is disabled (as in
    /// SlateDB). <see cref="FlushType.MemTable"/>: freezes the active memtable and returns when
    /// every memtable frozen so far is an L0 SST in the manifest.
    /// </summary>
    public async Task FlushAsync(FlushType type, CancellationToken cancellationToken = default)
    {
        if (_readOnly)
        {
            ThrowHelper.Invalid($"{Path} is open read-only");
        }

        if (type == FlushType.Wal && !_options.WalEnabled)
        {
            ThrowHelper.Invalid($"{Path}: cannot flush the WAL, it is disabled (WalEnabled = false); flush the memtable instead");
        }

        if (type == FlushType.MemTable)
        {
            Task[] flushed;
            lock (_commitLock)
            {
                if (_state == StateClosed)
                {
                    ThrowClosed();
                }

                Freeze(0);
                flushed = [.. Memtables!.Frozen.Select(m => m.Flushed.Task)];
            }

            _memtableSignal.Set();
            await Task.WhenAll(flushed).WaitAsync(cancellationToken).ConfigureAwait(false);
            return;
        }

        DurabilityTicket? ticket;
        lock (_commitLock)
        {
            if (_state == StateClosed)
            {
                ThrowClosed();
            }

            ticket = _wal!.SealForFlush();
        }

        if (ticket is not null)
        {
            await ticket.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Without a WAL, durable writers wait for their memtable to reach L0: every flush interval
    // (or when one of them hurries it), the active memtable is frozen if anyone waits on it.
    private async Task NoWalDurabilityLoopAsync()
    {
        while (true)
        {
            await _noWalSignal.WaitAsync(_options.FlushInterval, _options.TimeProvider, CancellationToken.None).ConfigureAwait(false);
            bool closed;
            lock (_commitLock)
            {
                closed = _state == StateClosed;
                if (!closed && Memtables!.Active.FlushTicket.HasWaiters)
                {
                    Freeze(0);
                }
            }

            if (closed || _closeCause is not null)
            {
                return;
            }
        }
    }

    /// <summary>The newest WAL id whose object is written; with the WAL disabled, the fence written at open.</summary>
    private ulong LastWrittenWalId => _wal?.LastWrittenId ?? _fenceWalId;

    private async Task MemtableFlushLoopAsync()
    {
        var token = _shutdown.Token;
        var failures = 0;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var frozen = FrozenSnapshot();
                if (frozen.IsEmpty)
                {
                    await _memtableSignal.WaitAsync(null, _options.TimeProvider, token).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    await FlushMemtableAsync(frozen[^1], token).ConfigureAwait(false);
                    failures = 0;
                }
                catch (Exception e) when (IsRetryableFlushFailure(e) && !token.IsCancellationRequested)
                {
                    // The rows are safe in the WAL and the memtable stays frozen, so a store that
                    // is down only delays the flush: try it again (a new L0; the change is
                    // idempotent if the last attempt's manifest landed), as RocksDB resumes after
                    // a retryable background error, rather than closing the database.
                    failures++;
                    var wait = TimeSpan.FromMilliseconds(Math.Min(5000, 100 * (1 << Math.Min(failures, 6))));
                    _log.LogWarning("flushing a memtable of {Path} failed ({Message}); trying again in {Wait} (failure {Count})", Path, e.Message, wait, failures);
                    await Task.Delay(wait, _options.TimeProvider, token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (SlateFastException e) when (e.Kind == ErrorKind.Closed)
        {
            if (e.CloseReason != CloseReason.Clean)
            {
                Fail(e.CloseReason, e.Message, e);
            }
        }
        catch (Exception e) when (e is SlateFastException or IOException)
        {
            Fail(CloseReason.Panic, $"flushing a memtable failed: {e.Message}", e);
        }
    }

    // Transient store failures and manifest timeouts; a permanent store failure (disk full,
    // access denied) or a fence still closes the database.
    private bool IsRetryableFlushFailure(Exception e) =>
        _options.WalEnabled
        && _closeCause is null
        && (e is ObjectStoreException store ? store.IsTransient : e is SlateFastException { Kind: ErrorKind.Unavailable });

    private async Task FlushMemtableAsync(Memtable.Memtable memtable, CancellationToken token)
    {
        // An L0 never holds rows that are not also in a WAL object (spec §10.3).
        while (_options.WalEnabled && LastWrittenWalId < memtable.LastWalId)
        {
            var next = _progress.Next;
            if (LastWrittenWalId >= memtable.LastWalId)
            {
                break;
            }

            // A clean close is not a failure: the WAL flusher still writes what was sealed, and the
            // shutdown token ends this wait afterwards. Only a failed database stops it here.
            if (_closeCause is not null)
            {
                ThrowClosed();
            }

            await next.WaitAsync(token).ConfigureAwait(false);
        }

        // L0 is full: wait for a compactor to drain it.
        await WaitForL0RoomAsync(token).ConfigureAwait(false);

        Ulid id;
        lock (_random)
        {
            id = Ulid.NewUlid(_options.TimeProvider, _random);
        }

        var snapshots = SnapshotSeqs();
        var sst = await UploadRetry.RunAsync(() => L0Writer.WriteAsync(_store, Path, memtable, _options, id, snapshots, token), _log, $"writing L0 {id} of {Path}", token).ConfigureAwait(false);
        var lastWal = Math.Max(memtable.LastWalId, 0);
        await UpdateManifestAsync(
            m =>
            {
                // Idempotent: a write that landed may be reported as a conflict (a newer version
                // was listed right after it), and this change then runs again on the newest
                // version, where a compactor may already have compacted this L0 away: the rows
                // are in when the L0 is listed or the L0 sequence number covers them.
                if (m.L0.Any(v => v.Sst.Id == sst.Id) || (memtable.MaxSeq > 0 && m.LastL0Seq >= memtable.MaxSeq))
                {
                    return null;
                }

                var lastSeq = Math.Max(m.LastL0Seq, memtable.MaxSeq);
                return m with
                {
                    L0 = m.L0.Insert(0, SstView.Whole(sst)),
                    ReplayAfterWalId = _options.WalEnabled ? Math.Max(m.ReplayAfterWalId, lastWal) : m.ReplayAfterWalId,
                    WalIdLastSeen = Math.Max(m.WalIdLastSeen, LastWrittenWalId),
                    LastL0Seq = lastSeq,
                    LastL0ClockTick = Math.Max(m.LastL0ClockTick, memtable.LastTick),
                    RecentSnapshotMinSeq = snapshots.Length > 0 ? Math.Min(snapshots[0], lastSeq) : lastSeq,
                };
            },
            token,
            flushed: memtable).ConfigureAwait(false);

        Interlocked.Add(ref _unflushedBytes, -memtable.EstimatedSize);
        DbMetrics.MemtableFlushes.Add(1);
        if (!_options.WalEnabled)
        {
            Memory.Atomic.Max(ref _durableSeq, memtable.MaxSeq);
        }

        memtable.FlushTicket.Complete();
        memtable.Flushed.TrySetResult();
        memtable.Release();
        _progress.Notify();
        Compactor?.Kick();
        _log.LogDebug("flushed memtable of {Rows} rows to L0 {Sst} in {Path}", memtable.Rows.Count, sst.Id, Path);
    }

    private void LogL0Stall() =>
        _log.LogWarning("memtable flush to {Path} waits: L0 holds {Count} SSTs (L0MaxSsts {Max})", Path, CurrentManifest.L0.Length, _options.L0MaxSsts);

    /// <summary>
    /// Writes manifest version N+1 from <paramref name="change"/> applied to the newest version;
    /// if another process wrote N+1 first, re-reads, checks the writer epoch (a newer one fences
    /// us) and applies the change again (spec §10.2). The new version and the removal of
    /// <paramref name="flushed"/>, whose L0 it lists, reach reads together.
    /// </summary>
    private async Task UpdateManifestAsync(Func<ManifestState, ManifestState?> change, CancellationToken token, Memtable.Memtable? flushed = null)
    {
        await _manifestLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var (id, state, _) = await _manifests.UpdateAsync(
                (_manifestId, CurrentManifest),
                (_, s) => change(s),
                reconcile: s =>
                {
                    CheckEpoch(s);
                    return s;
                },
                _options.TimeProvider,
                _options.ManifestUpdateTimeout,
                token).ConfigureAwait(false);
            PublishManifest(id, state, flushed);
        }
        finally
        {
            _manifestLock.Release();
        }
    }

    private async Task RefreshManifestAsync(CancellationToken token)
    {
        await _manifestLock.WaitAsync(token).ConfigureAwait(false);
        try
        {
            var (id, state) = await _manifests.FollowAsync(_manifestId, CurrentManifest, token).ConfigureAwait(false);
            PublishManifest(id, state);
            CheckEpoch();
        }
        finally
        {
            _manifestLock.Release();
        }
    }

    private void CheckEpoch() => CheckEpoch(CurrentManifest);

    private void CheckEpoch(ManifestState manifest)
    {
        if (manifest.WriterEpoch > _writerEpoch)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Fenced, $"{Path}: detected a newer writer (epoch {manifest.WriterEpoch}, ours {_writerEpoch})");
        }
    }
}
