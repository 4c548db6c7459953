using System.Collections.Immutable;
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

            KickFlusher();
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

    ImmutableArray<Memtables.Memtable> IFlushHost.Frozen => FrozenSnapshot();

    ulong IFlushHost.LastWrittenWalId => LastWrittenWalId;

    Threading.ProgressSignal IFlushHost.Progress => _progress;

    bool IFlushHost.HasFailed => _failed;

    SlateFastException IFlushHost.ClosedError() => new(ErrorKind.Closed, _closeReason, $"{Path}: {_closeMessage}", _closeCause);

    Task IFlushHost.WaitForL0RoomAsync(CancellationToken cancellationToken) => WaitForL0RoomAsync(cancellationToken);

    ulong[] IFlushHost.SnapshotSeqs() => SnapshotSeqs();

    Segments.SegmentRouter? IFlushHost.Segments => _segments;

    Ulid IFlushHost.NewSstId()
    {
        lock (_random)
        {
            return Ulid.NewUlid(_options.TimeProvider, _random);
        }
    }

    Task IFlushHost.CommitAsync(Func<ManifestState, ManifestState?> change, Memtables.Memtable flushed, CancellationToken cancellationToken) =>
        UpdateManifestAsync(change, cancellationToken, flushed);

    void IFlushHost.Flushed(Memtables.Memtable memtable)
    {
        Interlocked.Add(ref _unflushedBytes, -memtable.EstimatedSize);
        if (!_options.WalEnabled)
        {
            Memory.Atomic.Max(ref _durableSeq, memtable.MaxSeq);
        }

        StatusChanged();
        Compactor?.Kick();
    }

    void IFlushHost.Fail(CloseReason reason, string message, Exception? cause) => Fail(reason, message, cause);

    private void KickFlusher() => Volatile.Read(ref _flusher)?.Kick();

    private void LogL0Stall() =>
        _log.LogWarning("memtable flush to {Path} waits: L0 holds {Count} SSTs (L0MaxSsts {Max})", Path, CurrentManifest.L0.Length, _options.L0MaxSsts);

    /// <summary>
    /// Writes manifest version N+1 from <paramref name="change"/> applied to the newest version;
    /// if another process wrote N+1 first, re-reads, checks the writer epoch (a newer one fences
    /// us) and applies the change again (spec §10.2). The new version and the removal of
    /// <paramref name="flushed"/>, whose L0 it lists, reach reads together.
    /// </summary>
    private async Task UpdateManifestAsync(Func<ManifestState, ManifestState?> change, CancellationToken token, Memtables.Memtable? flushed = null)
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

    private void CheckEpoch(ManifestState manifest) => CheckWriterEpoch(manifest, _writerEpoch, Path);

    /// <summary>A manifest version claimed by a newer writer fences the writer holding <paramref name="ours"/>.</summary>
    internal static void CheckWriterEpoch(ManifestState manifest, ulong ours, string path)
    {
        if (manifest.WriterEpoch > ours)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Fenced, $"{path}: detected a newer writer (epoch {manifest.WriterEpoch}, ours {ours})");
        }
    }
}
