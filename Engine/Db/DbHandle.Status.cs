using System.Runtime.CompilerServices;

namespace SlateFast;

public sealed partial class DbHandle
{
    // Notified when what Status shows may have changed; only while someone subscribes, so the
    // write path allocates no signal for nobody.
    private readonly Threading.ProgressSignal _statusChanged = new();
    private int _statusSubscribers;

    /// <summary>The database's state now: sequence numbers, close reason, manifest, memtables and SSTs.</summary>
    public DbStatus Status
    {
        get
        {
            var view = View;
            var manifest = view.Manifest;
            var l0 = manifest.ReadL0;
            DateTimeOffset? lastL0 = null;
            foreach (var sst in l0)
            {
                lastL0 = lastL0 is { } t && t >= sst.Sst.Id.Timestamp ? t : sst.Sst.Id.Timestamp;
            }

            // Compaction may have consumed every L0; the newest one it took is recorded.
            if (manifest.LastCompactedL0SstId is { } compacted && (lastL0 is null || compacted.Timestamp > lastL0))
            {
                lastL0 = compacted.Timestamp;
            }

            var reason = CloseReason;
            return new DbStatus(
                DurableSeq,
                LastSeq,
                reason,
                reason == CloseReason.None ? null : _closeMessage,
                Volatile.Read(ref _manifestId),
                manifest.WriterEpoch,
                manifest.CompactorEpoch,
                manifest.LastL0Seq,
                lastL0,
                view.Memtables?.Frozen.Length ?? 0,
                l0.Length,
                manifest.ReadRuns.Length);
        }
    }

    /// <summary>
    /// The status now, then each time it changes, as SlateDB's <c>subscribe</c> watch: a consumer
    /// that falls behind sees the latest status, not every one in between. Ends after the status
    /// that reports the database closed; cancelling <paramref name="cancellationToken"/> ends it
    /// with an <see cref="OperationCanceledException"/>.
    /// </summary>
    public IAsyncEnumerable<DbStatus> SubscribeAsync(CancellationToken cancellationToken = default) => WatchStatusAsync(cancellationToken);

    internal async IAsyncEnumerable<DbStatus> WatchStatusAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _statusSubscribers);
        try
        {
            DbStatus? last = null;
            while (true)
            {
                // The signal before the status: a change between the two is not missed.
                var changed = _statusChanged.Next;
                var status = Status;
                if (status != last)
                {
                    yield return status;
                    last = status;
                }

                if (status.IsClosed)
                {
                    yield break;
                }

                await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _statusSubscribers);
        }
    }

    /// <summary>Wakes the status subscribers, if any, after a change of what <see cref="Status"/> shows.</summary>
    private void StatusChanged()
    {
        if (Volatile.Read(ref _statusSubscribers) > 0)
        {
            _statusChanged.Notify();
        }
    }
}
