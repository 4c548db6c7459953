using SlateFast.Diagnostics;
using SlateFast.Iterators;
using SlateFast.Memtables;
using SlateFast.Transactions;

namespace SlateFast;

public sealed partial class DbHandle
{
    private readonly ConflictTracker _conflicts = new();

    /// <summary>
    /// Starts an optimistic transaction reading at the current sequence number (every write applied
    /// so far, durable or not, as a <see cref="DurabilityFilter.Memory"/> read sees it).
    /// </summary>
    public DbTransaction BeginTransaction(IsolationLevel isolation = IsolationLevel.Snapshot)
    {
        if (!Enum.IsDefined(isolation))
        {
            ThrowHelper.Invalid($"unknown isolation level {isolation}");
        }

        if (_readOnly)
        {
            ThrowHelper.Invalid($"{Path} is open read-only");
        }

        lock (_commitLock)
        {
            var snapshot = Snapshot();
            _conflicts.Begin(snapshot.Seq);
            return new DbTransaction(this, snapshot, isolation);
        }
    }

    /// <summary>How many committed write sets conflict checking keeps; for tests of its bound.</summary>
    internal int RetainedConflictWrites
    {
        get
        {
            lock (_commitLock)
            {
                return _conflicts.RetainedWrites;
            }
        }
    }

    internal void EndTransaction(ulong startSeq)
    {
        lock (_commitLock)
        {
            _conflicts.End(startSeq);
        }
    }

    internal async ValueTask<WriteHandle?> CommitTransactionAsync(DbTransaction transaction, List<WriteBatch.BatchOp> rows, HashSet<byte[]> written, HashSet<byte[]>? read, List<KeyRange>? ranges, WriteOptions options, CancellationToken cancellationToken)
    {
        var ended = false;
        try
        {
            long need = 0;
            foreach (var r in rows)
            {
                need += ArenaSkipList.MaxNodeSize(r.Key.Length, r.Value.Length);
            }

            WriteHandle handle = default;
            while (!ended)
            {
                await WaitToWriteAsync(cancellationToken).ConfigureAwait(false);
                lock (_commitLock)
                {
                    // Checked and applied under one lock: nothing can commit between the check and the write.
                    if (_conflicts.FindConflict(transaction.StartSeq, written, read, ranges) is { } key)
                    {
                        DbMetrics.TransactionConflicts.Add(1, MetricTag);

                        // A sequence number the caller supplied is consumed even though the
                        // commit fails, as SlateDB's write loop advances its oracle before the
                        // conflict check: reusing it later is then refused like any other.
                        if (options.SeqNum > _lastSeq)
                        {
                            _lastSeq = options.SeqNum;
                        }

                        throw new SlateFastException(ErrorKind.Transaction, $"transaction {transaction.Id} conflicts: key {Convert.ToHexString(key)} was written after its start at seq {transaction.StartSeq}");
                    }

                    // Refused only while an ingestion holds the write gate: wait for it and check again.
                    if (TryCommitRowsLocked(rows, options, need, out handle))
                    {
                        _conflicts.End(transaction.StartSeq);
                        ended = true;
                    }
                }
            }

            return await Complete(handle, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ended)
            {
                EndTransaction(transaction.StartSeq);
            }
        }
    }
}
