using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using SlateFast.Diagnostics;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Flush;

/// <summary>What a <see cref="MemtableFlusher"/> needs from the database it flushes for.</summary>
internal interface IFlushHost
{
    /// <summary>The frozen memtables, newest first (the oldest is flushed next).</summary>
    ImmutableArray<Memtables.Memtable> Frozen { get; }

    /// <summary>The newest WAL id whose object is written.</summary>
    ulong LastWrittenWalId { get; }

    /// <summary>Notified when a WAL object is written or a flush lands.</summary>
    Threading.ProgressSignal Progress { get; }

    /// <summary>The database failed (fenced, or a panic).</summary>
    bool HasFailed { get; }

    /// <summary>The error a failed database answers with.</summary>
    SlateFastException ClosedError();

    /// <summary>Returns when L0 has room for one more SST (a compactor drains it).</summary>
    Task WaitForL0RoomAsync(CancellationToken cancellationToken);

    /// <summary>Live snapshot sequence numbers, ascending: the versions the L0 must keep.</summary>
    ulong[] SnapshotSeqs();

    /// <summary>A fresh SST id.</summary>
    Ulid NewSstId();

    /// <summary>How keys find their segment in a segmented database; null for one tree.</summary>
    Segments.SegmentRouter? Segments { get; }

    /// <summary>
    /// Writes the manifest version <paramref name="change"/> makes of the newest one, and publishes
    /// it to reads together with the removal of <paramref name="flushed"/> from the memtables.
    /// </summary>
    Task CommitAsync(Func<ManifestState, ManifestState?> change, Memtables.Memtable flushed, CancellationToken cancellationToken);

    /// <summary>A memtable is an L0 SST in the manifest: its bytes are no longer unflushed.</summary>
    void Flushed(Memtables.Memtable memtable);

    /// <summary>Closes the database with this reason.</summary>
    void Fail(CloseReason reason, string message, Exception? cause);
}

/// <summary>
/// Flushes frozen memtables to L0, oldest first: waits until the WAL holds every row of the
/// memtable (an L0 never holds rows the WAL lacks, spec §10.3) and L0 has room, writes the L0 SST,
/// and commits a manifest version listing it. A transient failure leaves the memtable frozen and
/// is tried again with backoff (its rows are safe in the WAL); anything else closes the database.
/// </summary>
internal sealed class MemtableFlusher(IObjectStore store, string db, DbOptions options, IFlushHost host, ILogger log)
{
    private readonly Threading.AsyncSignal _signal = new();
    private readonly Threading.Backoff _backoff = Threading.Backoff.For(options);
    private readonly Threading.Backoff _restarts = Threading.Backoff.ForRestarts(options);
    private readonly KeyValuePair<string, object?> _metricTag = DbMetrics.Tag(db);

    /// <summary>Wakes the loop: a memtable froze, or the database closes.</summary>
    public void Kick() => _signal.Set();

    /// <summary>What <see cref="Freeze"/> made of the memtables.</summary>
    /// <param name="Set">The memtables to publish.</param>
    /// <param name="Retired">An empty active memtable the new set replaced; release it once published.</param>
    /// <param name="Froze">Whether a memtable joined the frozen ones (the loop has work).</param>
    public readonly record struct FreezeResult(Db.MemtableSet Set, Memtables.Memtable? Retired, bool Froze);

    /// <summary>
    /// The freezing rule, under the commit lock. A non-empty active memtable becomes the newest
    /// frozen one, its <see cref="Memtables.Memtable.LastWalId"/> the WAL id <paramref name="sealWal"/>
    /// seals at the same point, so every WAL id up to it is wholly in it and older memtables (what
    /// the loop waits for before the L0 write). An empty active memtable stays, unless it has no
    /// room for a row that needs <paramref name="arenaNeed"/> bytes: then a bigger one replaces it.
    /// Null when nothing changes.
    /// </summary>
    public static FreezeResult? Freeze(Db.MemtableSet set, long arenaNeed, Func<ulong> sealWal, Func<long, Memtables.Memtable> newMemtable)
    {
        var active = set.Active;
        if (active.IsEmpty)
        {
            return active.Capacity < arenaNeed + 4096
                ? new FreezeResult(set with { Active = newMemtable(arenaNeed) }, active, Froze: false)
                : null;
        }

        active.LastWalId = sealWal();
        return new FreezeResult(new Db.MemtableSet(newMemtable(arenaNeed), set.Frozen.Insert(0, active)), null, Froze: true);
    }

    /// <summary>The loop, until <paramref name="token"/> is cancelled or the database fails.</summary>
    public async Task RunAsync(CancellationToken token)
    {
        var failures = 0;
        try
        {
            while (!token.IsCancellationRequested)
            {
                var frozen = host.Frozen;
                if (frozen.IsEmpty)
                {
                    await _signal.WaitAsync(null, options.TimeProvider, token).ConfigureAwait(false);
                    continue;
                }

                try
                {
                    await FlushAsync(frozen[^1], token).ConfigureAwait(false);
                    failures = 0;
                }
                catch (Exception e) when (IsRetryable(e) && !token.IsCancellationRequested)
                {
                    // The rows are safe in the WAL and the memtable stays frozen, so a store that
                    // is down only delays the flush: try it again (a new L0; the change is
                    // idempotent if the last attempt's manifest landed), as RocksDB resumes after
                    // a retryable background error, rather than closing the database.
                    failures++;
                    var wait = _backoff.Delay(failures);
                    log.LogWarning("flushing a memtable of {Path} failed ({Message}); trying again in {Wait} (failure {Count})", db, e.Message, wait, failures);
                    await Task.Delay(wait, _backoff.Time, token).ConfigureAwait(false);
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
                host.Fail(e.CloseReason, e.Message, e);
            }
        }
        catch (Exception e) when (Failures.IsExpected(e))
        {
            host.Fail(CloseReason.Panic, $"flushing a memtable failed: {e.Message}", e);
        }
    }

    /// <summary>
    /// The manifest change that lists <paramref name="sst"/>, the L0 of <paramref name="memtable"/>,
    /// as the newest L0. Null when the newest version already has it: a write that landed may be
    /// reported as a conflict (a newer version was listed right after it), and the change then
    /// runs again on the newest version, where a compactor may already have compacted the L0 away;
    /// the rows are in when the L0 is listed or the last L0 sequence number covers them.
    /// </summary>
    internal static ManifestState? AddL0(ManifestState m, Memtables.Memtable memtable, CompactedSst sst, ulong[] snapshots, bool walEnabled, ulong lastWrittenWalId) =>
        AddL0(m, memtable, [(ReadOnlyMemory<byte>.Empty, sst)], snapshots, walEnabled, lastWrittenWalId);

    /// <summary>
    /// The same for a segmented flush: one L0 per segment (an empty segment is the root tree), all
    /// in one manifest version, so a reader sees the whole memtable or none of it and the replay
    /// point stays one WAL id (RFC-0024).
    /// </summary>
    internal static ManifestState? AddL0(ManifestState m, Memtables.Memtable memtable, IReadOnlyList<(ReadOnlyMemory<byte> Segment, CompactedSst Sst)> ssts, ulong[] snapshots, bool walEnabled, ulong lastWrittenWalId)
    {
        if ((ssts.Count > 0 && m.AllViews().Any(v => v.Sst.Id == ssts[0].Sst.Id)) || (memtable.MaxSeq > 0 && m.LastL0Seq >= memtable.MaxSeq))
        {
            return null;
        }

        var trees = m.WithoutEmptySegments();
        foreach (var (segment, sst) in ssts)
        {
            trees = segment.IsEmpty
                ? trees with { L0 = trees.L0.Insert(0, SstView.Whole(sst)) }
                : trees.WithSegmentL0(segment, SstView.Whole(sst));
        }

        var lastSeq = Math.Max(m.LastL0Seq, memtable.MaxSeq);
        return trees with
        {
            ReplayAfterWalId = walEnabled ? Math.Max(m.ReplayAfterWalId, memtable.LastWalId) : m.ReplayAfterWalId,
            WalIdLastSeen = Math.Max(m.WalIdLastSeen, lastWrittenWalId),
            LastL0Seq = lastSeq,
            LastL0ClockTick = Math.Max(m.LastL0ClockTick, memtable.LastTick),
            RecentSnapshotMinSeq = snapshots.Length > 0 ? Math.Min(snapshots[0], lastSeq) : lastSeq,
            SequenceTracker = m.SequenceTracker.Extend(memtable.SequenceSamples),
        };
    }

    // Transient store failures and manifest timeouts; a permanent store failure (disk full,
    // access denied) or a fence still closes the database. Without a WAL the memtable is the only
    // copy of its rows and durable writers wait on this very flush: no retry there.
    private bool IsRetryable(Exception e) =>
        options.WalEnabled
        && !host.HasFailed
        && Failures.IsTransient(e);

    private async Task FlushAsync(Memtables.Memtable memtable, CancellationToken token)
    {
        while (options.WalEnabled && host.LastWrittenWalId < memtable.LastWalId)
        {
            var next = host.Progress.Next;
            if (host.LastWrittenWalId >= memtable.LastWalId)
            {
                break;
            }

            // A clean close is not a failure: the WAL writer still writes what was sealed, and the
            // shutdown token ends this wait afterwards. Only a failed database stops it here.
            if (host.HasFailed)
            {
                throw host.ClosedError();
            }

            await next.WaitAsync(token).ConfigureAwait(false);
        }

        await host.WaitForL0RoomAsync(token).ConfigureAwait(false);

        var snapshots = host.SnapshotSeqs();
        var ssts = new List<(ReadOnlyMemory<byte> Segment, CompactedSst Sst)>();
        if (host.Segments is { } router)
        {
            foreach (var (prefix, first) in router.SegmentsOf(memtable.Rows))
            {
                var id = host.NewSstId();
                var sst = await UploadRetry.RunAsync(() => L0Writer.WriteAsync(store, db, memtable, options, id, snapshots, first, prefix, token), _restarts, log, $"writing L0 {id} of {db} (segment {Segments.SegmentRouter.Hex(prefix)})", token).ConfigureAwait(false);
                ssts.Add((prefix, sst));
            }
        }
        else
        {
            var id = host.NewSstId();
            ssts.Add((ReadOnlyMemory<byte>.Empty, await UploadRetry.RunAsync(() => L0Writer.WriteAsync(store, db, memtable, options, id, snapshots, token), _restarts, log, $"writing L0 {id} of {db}", token).ConfigureAwait(false)));
        }

        await host.CommitAsync(m => AddL0(m, memtable, ssts, snapshots, options.WalEnabled, host.LastWrittenWalId), memtable, token).ConfigureAwait(false);

        host.Flushed(memtable);
        DbMetrics.MemtableFlushes.Add(1, _metricTag);
        memtable.FlushTicket.Complete();
        memtable.Flushed.TrySetResult();
        memtable.Release();
        host.Progress.Notify();
        log.LogDebug("flushed memtable of {Rows} rows to {Count} L0 SSTs in {Path}", memtable.Rows.Count, ssts.Count, db);
    }
}
