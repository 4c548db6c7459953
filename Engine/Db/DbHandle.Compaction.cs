using Microsoft.Extensions.Logging;
using SlateFast.Manifest;

namespace SlateFast;

public sealed partial class DbHandle
{
    // Completes whenever the in-process compactor committed (L0 may have room again).
    private readonly Threading.ProgressSignal _l0Progress = new();
    private Compacting.Compactor? _compactor;
    private Task _compactorStart = Task.CompletedTask;
    private Exception? _compactorStartFailure;

    /// <summary>The in-process compactor once it has claimed its epoch; null when disabled, starting, or unable to start.</summary>
    internal Compacting.Compactor? Compactor => Volatile.Read(ref _compactor);

    /// <summary>
    /// Compacts now, without waiting for the poll interval: after the compactions in flight finish,
    /// every L0 SST and sorted run in the manifest is merged into one sorted run (so tombstones and
    /// versions no snapshot needs disappear). Memtables are not flushed first; call
    /// <see cref="FlushAsync(FlushType, CancellationToken)"/> with <see cref="FlushType.MemTable"/> for that.
    /// </summary>
    /// <remarks>
    /// Runs on the in-process compactor: <see cref="ErrorKind.Invalid"/> when
    /// <see cref="CompactorOptions.Enabled"/> is off or the database is read-only,
    /// <see cref="ErrorKind.Unavailable"/> when it could not start (for example because another
    /// compactor holds a newer epoch), <see cref="ErrorKind.Closed"/> with
    /// <see cref="CloseReason.Fenced"/> when another compactor took over.
    /// </remarks>
    public async Task CompactAsync(CancellationToken cancellationToken = default)
    {
        var compactor = await RunningCompactorAsync("compaction", cancellationToken).ConfigureAwait(false);
        await compactor.CompactAllAsync(cancellationToken).ConfigureAwait(false);
    }

    // The in-process compactor for work asked of it now; the errors CompactAsync documents otherwise.
    private async Task<Compacting.Compactor> RunningCompactorAsync(string what, CancellationToken cancellationToken)
    {
        if (_readOnly || !_options.Compactor.Enabled)
        {
            ThrowHelper.Invalid($"{Path}: {what} needs the in-process compactor (CompactorOptions.Enabled) on a writable database");
        }

        ThrowIfClosed();
        await _compactorStart.WaitAsync(cancellationToken).ConfigureAwait(false);
        return Compactor ?? throw new SlateFastException(ErrorKind.Unavailable, $"{Path}: the compactor is not running" + (Volatile.Read(ref _compactorStartFailure) is { } why ? $": it did not start ({why.Message})" : string.Empty), Volatile.Read(ref _compactorStartFailure));
    }

    private void StartCompactor()
    {
        if (_options.Compactor.Enabled && !_readOnly)
        {
            _compactorStart = Threading.BackgroundLoop.Start("compactor start", OpenCompactorAsync, OnLoopCrash);
        }
    }

    // Cancelled first thing on close, so a start that is retrying does not hold the close up.
    private readonly CancellationTokenSource _compactorStop = new();

    private async Task OpenCompactorAsync()
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token, _compactorStop.Token);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var compactor = await Compacting.Compactor.OpenAsync(_store, Path, _options, AdoptCompactorManifestAsync, OldestSnapshot, stop.Token).ConfigureAwait(false);
                compactor.Start(_shutdown.Token, OnLoopCrash);
                Volatile.Write(ref _compactor, compactor);
                _l0Progress.Notify();
                return;
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (Failures.IsTransient(e) && attempt < 10)
            {
                Volatile.Write(ref _compactorStartFailure, e);
                // A store hiccup while claiming the epoch must not leave the database without a
                // compactor for good (L0 would then fill and stall the flushes): try again.
                _log.LogWarning("starting the compactor of {Path} failed ({Message}); trying again", Path, e.Message);
                try
                {
                    await _backoff.WaitAsync(attempt, stop.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception e) when (Failures.IsExpected(e))
            {
                // Another compactor (maybe SlateDB's) may own the database; the writer goes on without
                // one, and CompactAsync says why.
                Volatile.Write(ref _compactorStartFailure, e);
                _log.LogWarning(e, "the compactor of {Path} did not start: {Message}", Path, e.Message);
                return;
            }
        }
    }

    private async Task StopCompactorAsync()
    {
        await _compactorStop.CancelAsync().ConfigureAwait(false);
        await _compactorStart.ConfigureAwait(false);
        if (Compactor is { } compactor)
        {
            await compactor.StopAsync().ConfigureAwait(false);
        }
    }

    private ulong? OldestSnapshot()
    {
        lock (_commitLock)
        {
            return _snapshots.Count > 0 ? _snapshots.Keys.First() : null;
        }
    }

    // The compactor's commits reach reads and the L0 stall at once instead of at the next conflict.
    private async Task AdoptCompactorManifestAsync(ulong id, ManifestState state)
    {
        await _manifestLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            // A newer writer's version is not adopted: our next write then conflicts and finds out we are fenced.
            if (id > _manifestId && state.WriterEpoch == _writerEpoch)
            {
                PublishManifest(id, state);
            }
        }
        finally
        {
            _manifestLock.Release();
        }

        _l0Progress.Notify();
    }

    /// <summary>
    /// Waits while L0 holds <see cref="DbOptions.L0MaxSsts"/> SSTs: woken by the in-process
    /// compactor's commits, and re-reading the manifest every <see cref="DbOptions.ManifestPollInterval"/>
    /// for a compactor in another process.
    /// </summary>
    private async Task WaitForL0RoomAsync(CancellationToken token)
    {
        while (true)
        {
            var progress = _l0Progress.Next;
            if (CurrentManifest.MaxTreeL0 < _options.L0MaxSsts)
            {
                return;
            }

            LogL0Stall();
            Compactor?.Kick();
            using (var poll = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                var delay = Task.Delay(_options.ManifestPollInterval, _options.TimeProvider, poll.Token);
                await Task.WhenAny(progress, delay).ConfigureAwait(false);
                await poll.CancelAsync().ConfigureAwait(false);
            }

            token.ThrowIfCancellationRequested();
            await RefreshManifestAsync(token).ConfigureAwait(false);
        }
    }
}
