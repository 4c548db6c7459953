using System.Collections.Immutable;
using SlateFast.Diagnostics;
using SlateFast.Flush;
using SlateFast.Format;
using SlateFast.Memtables;
using SlateFast.Wal;
using SlateFast.Format.Rows;

namespace SlateFast;

public sealed partial class DbHandle
{
    // Guards the commit order and what must change with it: _lastSeq, _state and the close
    // fields, the memtable set's changes (freezes, a flush's removal), the WAL writer's open
    // object and seal queue, _snapshots, the conflict tracker, _writeGate and _pendingIngestSeq.
    // The commit path is one short critical section per batch: assign the sequence number, append
    // to the WAL, insert into the memtable. It runs on the caller's thread, so a write that does
    // not wait for durability completes synchronously and allocates nothing
    // (docs/rfcs/0005-commit-path.md). Lock order: _manifestLock, then this, then _viewLock.
    private readonly Lock _commitLock = new();
    private readonly Threading.MonotonicClock _clock;
    // Wakes the loop that, without a WAL, freezes a memtable durable writers wait on.
    private readonly Threading.AsyncSignal _noWalSignal = new();
    private ulong _lastSeq;

    // The newest sequence number whose whole commit is in the memtable: reads bound themselves to
    // it when they start (SlateDB's committed bound), so a read never sees part of a batch, nor
    // an iterator rows committed after it was created. Written under _commitLock, read without it.
    private ulong _visibleSeq;
    private ulong _durableSeq;
    // The WAL id this writer fenced at open: with the WAL disabled, the last WAL id for good.
    private ulong _fenceWalId;
    private ulong _writerEpoch;
    private long _unflushedBytes;
    private WalWriter? _wal;

    // Set once at a writer's open of a segmented database: every written key is checked against it.
    private Segments.SegmentRouter? _segments;

    /// <summary>Writes <paramref name="value"/> under <paramref name="key"/>.</summary>
    public ValueTask<WriteHandle> PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, PutOptions? putOptions = null, WriteOptions? writeOptions = null, CancellationToken cancellationToken = default)
    {
        Keys.Validate(key.Span);
        writeOptions ??= WriteOptions.Default;
        var ttl = (putOptions ?? PutOptions.Default).Ttl;
        return WriteOne(key, value, RowKind.Value, ttl, writeOptions, cancellationToken);
    }

    /// <summary>Writes a tombstone for <paramref name="key"/>.</summary>
    public ValueTask<WriteHandle> DeleteAsync(ReadOnlyMemory<byte> key, WriteOptions? writeOptions = null, CancellationToken cancellationToken = default)
    {
        Keys.Validate(key.Span);
        writeOptions ??= WriteOptions.Default;
        return WriteOne(key, default, RowKind.Tombstone, Ttl.NoExpiry, writeOptions, cancellationToken);
    }

    /// <summary>
    /// Writes a merge operand for <paramref name="key"/>. Operands are stored as SlateDB stores them;
    /// reads resolve them with the configured merge operator.
    /// </summary>
    public ValueTask<WriteHandle> MergeAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> operand, PutOptions? putOptions = null, WriteOptions? writeOptions = null, CancellationToken cancellationToken = default)
    {
        Keys.Validate(key.Span);
        writeOptions ??= WriteOptions.Default;
        var ttl = (putOptions ?? PutOptions.Default).Ttl;
        return WriteOne(key, operand, RowKind.Merge, ttl, writeOptions, cancellationToken);
    }

    /// <summary>Applies every operation of <paramref name="batch"/> atomically under one sequence number.</summary>
    public ValueTask<WriteHandle> WriteAsync(WriteBatch batch, WriteOptions? writeOptions = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        writeOptions ??= WriteOptions.Default;
        var rows = batch.Resolve(_options.MergeOperator);
        if (rows.Count == 0)
        {
            ThrowHelper.Invalid("a write batch must not be empty");
        }

        return !MustWait() && TryCommitBatch(rows, writeOptions, out var handle)
            ? Complete(handle, writeOptions, cancellationToken)
            : WriteBatchSlowAsync(rows, writeOptions, cancellationToken);
    }

    private ValueTask<WriteHandle> Complete(WriteHandle handle, WriteOptions options, CancellationToken cancellationToken)
    {
        if (!options.AwaitDurable)
        {
            return new ValueTask<WriteHandle>(handle);
        }

        var durable = handle.AwaitDurableAsync();
        return durable.IsCompletedSuccessfully ? new ValueTask<WriteHandle>(handle) : AwaitDurable(handle, durable, cancellationToken);

        static async ValueTask<WriteHandle> AwaitDurable(WriteHandle handle, Task durable, CancellationToken cancellationToken)
        {
            await durable.WaitAsync(cancellationToken).ConfigureAwait(false);
            return handle;
        }
    }

    // One row: committed at once unless backpressure or an ingestion's write gate makes it wait.
    private ValueTask<WriteHandle> WriteOne(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, RowKind kind, Ttl ttl, WriteOptions options, CancellationToken cancellationToken) =>
        !MustWait() && TryCommitOne(key.Span, value.Span, kind, ttl, options, out var handle)
            ? Complete(handle, options, cancellationToken)
            : WriteOneSlowAsync(key, value, kind, ttl, options, cancellationToken);

    // The slow paths live in their own methods so the fast path allocates no closure or state
    // machine. A commit refused because an ingestion closed the gate after the wait tries again.
    private async ValueTask<WriteHandle> WriteOneSlowAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, RowKind kind, Ttl ttl, WriteOptions options, CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitToWriteAsync(cancellationToken).ConfigureAwait(false);
            if (TryCommitOne(key.Span, value.Span, kind, ttl, options, out var handle))
            {
                return await Complete(handle, options, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async ValueTask<WriteHandle> WriteBatchSlowAsync(List<WriteBatch.BatchOp> rows, WriteOptions options, CancellationToken cancellationToken)
    {
        while (true)
        {
            await WaitToWriteAsync(cancellationToken).ConfigureAwait(false);
            if (TryCommitBatch(rows, options, out var handle))
            {
                return await Complete(handle, options, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private bool MustWait() => Volatile.Read(ref _unflushedBytes) > _options.MaxUnflushedBytes || Volatile.Read(ref _writeGate) is not null;

    // Waits out backpressure and a closed write gate (an ingestion installing its files).
    private async Task WaitToWriteAsync(CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _unflushedBytes) > _options.MaxUnflushedBytes)
        {
            await WaitForRoomAsync(cancellationToken).ConfigureAwait(false);
        }

        while (Volatile.Read(ref _writeGate) is { } gate)
        {
            await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    // Backpressure: too much unflushed data. Wait for the memtable flusher, never fail for it; a
    // dead flusher closes the database, which ends the wait with that error.
    private async Task WaitForRoomAsync(CancellationToken cancellationToken)
    {
        DbMetrics.Backpressure.Add(1, MetricTag);
        var waited = false;
        while (true)
        {
            var next = _progress.Next;
            ThrowIfClosed();
            if (Volatile.Read(ref _unflushedBytes) <= _options.MaxUnflushedBytes)
            {
                break;
            }

            if (!waited)
            {
                waited = true;
                LogStall();
                KickFlusher();
            }

            await next.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void LogStall() =>
        Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(_log, "writes to {Path} stall: {Bytes} unflushed bytes exceed MaxUnflushedBytes {Max}", Path, Volatile.Read(ref _unflushedBytes), _options.MaxUnflushedBytes);

    // False (nothing written) when an ingestion closed the write gate: the caller waits and retries.
    private bool TryCommitOne(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, RowKind kind, Ttl ttl, WriteOptions options, out WriteHandle handle)
    {
        Keys.ValidateValue(value.Length);
        _segments?.Admit(key);
        var need = ArenaSkipList.MaxNodeSize(key.Length, value.Length);
        lock (_commitLock)
        {
            if (!TryBeginCommit(options, need, out var seq, out var now, out var active))
            {
                handle = default;
                return false;
            }

            Apply(active, key, value, kind, seq, now, ExpireTs(kind, ttl, now));
            if (_conflicts.Active)
            {
                _conflicts.RecordWrite(seq, key);
            }

            handle = EndCommit(active, seq, now, 1, options.AwaitDurable);
            return true;
        }
    }

    private bool TryCommitBatch(List<WriteBatch.BatchOp> rows, WriteOptions options, out WriteHandle handle)
    {
        long need = 0;
        foreach (var r in rows)
        {
            need += ArenaSkipList.MaxNodeSize(r.Key.Length, r.Value.Length);
        }

        lock (_commitLock)
        {
            return TryCommitRowsLocked(rows, options, need, out handle);
        }
    }

    // Under the commit lock. Rows were resolved to one per key, ascending.
    private bool TryCommitRowsLocked(List<WriteBatch.BatchOp> rows, WriteOptions options, long need, out WriteHandle handle)
    {
        if (_segments is { } router)
        {
            foreach (var r in rows)
            {
                router.Admit(r.Key);
            }
        }

        if (!TryBeginCommit(options, need, out var seq, out var now, out var active))
        {
            handle = default;
            return false;
        }

        foreach (var r in rows)
        {
            Apply(active, r.Key, r.Value, r.Kind, seq, now, ExpireTs(r.Kind, r.Ttl, now));
        }

        if (_conflicts.Active)
        {
            var keys = new byte[rows.Count][];
            for (var i = 0; i < keys.Length; i++)
            {
                keys[i] = rows[i].Key;
            }

            _conflicts.RecordWrites(seq, keys);
        }

        handle = EndCommit(active, seq, now, rows.Count, options.AwaitDurable);
        return true;
    }

    // Under the commit lock: the closed check, the sequence number and room for the whole batch in
    // one memtable (so a batch never spans two memtables or two WAL objects), which is returned in
    // `active`. False, with nothing taken, when an ingestion closed the write gate after the
    // caller's check.
    private bool TryBeginCommit(WriteOptions options, long arenaNeed, out ulong seq, out long now, out Memtables.Memtable active)
    {
        if (_state == StateClosed)
        {
            ThrowClosed();
        }

        if (_readOnly)
        {
            ThrowHelper.Invalid($"{Path} is open read-only");
        }

        if (_writeGate is not null)
        {
            (seq, now, active) = (0, 0, null!);
            return false;
        }

        if (options.SeqNum == 0)
        {
            seq = ++_lastSeq;
        }
        else
        {
            if (options.SeqNum <= _lastSeq)
            {
                ThrowHelper.Invalid($"invalid sequence number, must be greater than the current max. provided={options.SeqNum}, current={_lastSeq}");
            }

            seq = _lastSeq = options.SeqNum;
        }

        active = Memtables!.Active;
        if (active.Capacity - active.Rows.ArenaBytes < arenaNeed)
        {
            Freeze(arenaNeed);
            active = Memtables!.Active;
        }

        now = _clock.Now();
        return true;
    }

    private void Apply(Memtables.Memtable active, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, RowKind kind, ulong seq, long now, long? expireTs)
    {
        var row = new RowEntry(key, kind == RowKind.Tombstone ? default : value, seq, kind, expireTs, now);
        _wal?.Append(row);
        var result = active.Insert(key, seq, row.Flags, row.Value, now, expireTs ?? 0);
        if (result != InsertResult.Inserted)
        {
            ThrowHelper.Internal($"memtable insert of seq {seq} returned {result}");
        }

        Interlocked.Add(ref _unflushedBytes, key.Length + row.Value.Length + 30);
    }

    private WriteHandle EndCommit(Memtables.Memtable active, ulong seq, long now, int rows, bool awaitDurable)
    {
        Volatile.Write(ref _visibleSeq, seq);
        active.TrackSequence(seq, now);
        var ticket = _wal?.Ticket ?? active.FlushTicket;
        var hurry = false;
        if (awaitDurable)
        {
            ticket.AddWaiter();
            hurry = _options.FlushOnDurableWaiters;
        }

        if (_wal is not null && _wal.IsFull)
        {
            _wal.Seal();
            hurry = true;
        }

        if (active.EstimatedSize >= _options.L0SstSizeBytes)
        {
            Freeze(0);
        }

        DbMetrics.WriteOps.Add(rows, MetricTag);
        DbMetrics.WriteBatches.Add(1, MetricTag);
        if (hurry)
        {
            WakeDurabilityLoop();
        }

        return new WriteHandle(seq, now, ticket);
    }

    private long? ExpireTs(RowKind kind, Ttl ttl, long now)
    {
        if (kind == RowKind.Tombstone)
        {
            return null;
        }

        return ttl.Kind switch
        {
            TtlKind.NoExpiry => null,
            TtlKind.ExpireAfter => now + ttl.Value,
            TtlKind.ExpireAt => ttl.Value,
            _ => _options.DefaultTtl is { } d ? now + (long)d.TotalMilliseconds : null,
        };
    }

    // Under the commit lock: the flusher's freezing rule (MemtableFlusher.Freeze) applied to the
    // published memtables, with the WAL sealed at the same point.
    private void Freeze(long arenaNeed)
    {
        if (MemtableFlusher.Freeze(Memtables!, arenaNeed, () => _wal?.Seal() ?? _fenceWalId, NewMemtable) is not { } next)
        {
            return;
        }

        PublishMemtables(next.Set);
        next.Retired?.Release();
        if (next.Froze)
        {
            KickFlusher();
        }
    }

    private Memtables.Memtable NewMemtable(long arenaNeed)
    {
        ulong seed;
        lock (_heightSeeds)
        {
            seed = (ulong)_heightSeeds.NextInt64();
        }

        return new(Math.Max(ArenaCapacity, arenaNeed + 4096), seed);
    }

    // Arena nodes carry a skiplist tower and alignment on top of what the size estimate counts.
    private long ArenaCapacity => Math.Min(Memory.NativeArena.MaxCapacity, Math.Max(1L << 20, (_options.L0SstSizeBytes * 2) + (1L << 20)));

    bool IWalHost.IsClosing => _state == StateClosed;

    bool IWalHost.HasFailed => _failed;

    void IWalHost.WalWritten(ulong lastSeq)
    {
        Memory.Atomic.Max(ref _durableSeq, lastSeq);
        _progress.Notify();
        StatusChanged();
    }

    void IWalHost.Fail(CloseReason reason, string message, Exception? cause) => Fail(reason, message, cause);

    void IWalHost.Crash(string loop, Exception error) => OnLoopCrash(loop, error);

    private void WakeDurabilityLoop()
    {
        if (_wal is not null)
        {
            _wal.Kick();
        }
        else
        {
            _noWalSignal.Set();
        }
    }

    private void FailPending(Exception error)
    {
        List<DurabilityTicket> tickets = [];
        lock (_commitLock)
        {
            _wal?.CollectPending(tickets);

            if (Memtables is { } set)
            {
                foreach (var m in set.NewestFirst)
                {
                    tickets.Add(m.FlushTicket);
                    m.Flushed.TrySetException(error);
                }
            }
        }

        foreach (var t in tickets)
        {
            t.Fail(error);
        }
    }
}
