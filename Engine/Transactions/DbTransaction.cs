using SlateFast.Format;
using SlateFast.Transactions;

namespace SlateFast;

/// <summary>
/// An optimistic transaction: reads see the database as of <see cref="StartSeq"/> plus the
/// transaction's own writes; writes are buffered and applied atomically, under one sequence
/// number, by <see cref="CommitAsync"/>, which fails with <see cref="ErrorKind.Transaction"/>
/// when a write committed after the start conflicts (see <see cref="IsolationLevel"/>). Nothing of
/// a failed or rolled-back transaction becomes visible. Not safe for concurrent use by several
/// threads; separate transactions are.
/// </summary>
public sealed class DbTransaction : IAsyncDisposable, IDisposable
{
    private readonly DbHandle _db;
    private readonly DbSnapshot _snapshot;
    private readonly SortedDictionary<byte[], List<WriteBatch.BatchOp>> _writes = new(ByteArrayComparer.Instance);
    private readonly HashSet<byte[]> _unchecked = new(ByteArrayComparer.Instance);
    private readonly HashSet<byte[]> _reads = new(ByteArrayComparer.Instance);
    private readonly List<KeyRange> _ranges = [];
    private int _finished;

    internal DbTransaction(DbHandle db, DbSnapshot snapshot, IsolationLevel isolation)
    {
        _db = db;
        _snapshot = snapshot;
        Isolation = isolation;
    }

    /// <summary>Identifies the transaction in logs and errors.</summary>
    public Guid Id { get; } = Guid.NewGuid();

    /// <summary>The sequence number the transaction reads at: every write committed before it began.</summary>
    public ulong StartSeq => _snapshot.Seq;

    /// <summary>The isolation level the commit is checked at.</summary>
    public IsolationLevel Isolation { get; }

    private bool Serializable => Isolation == IsolationLevel.SerializableSnapshot;

    /// <summary>The value of <paramref name="key"/> as this transaction sees it, or null.</summary>
    public async ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key, ReadOptions? options = null, CancellationToken cancellationToken = default)
    {
        ThrowIfFinished();
        Keys.Validate(key.Span);
        var own = OwnRow(key.Span);
        if (own is not null && own.Kind != RowKind.Merge)
        {
            return own.Kind == RowKind.Tombstone ? null : own.Value;
        }

        if (Serializable)
        {
            _reads.Add(key.ToArray());
        }

        var stored = await _snapshot.GetAsync(key, options, cancellationToken).ConfigureAwait(false);
        return own is null ? stored : OnStored(key.Span, own, stored);
    }

    /// <summary>
    /// The rows in <paramref name="range"/> as this transaction sees them: its snapshot overlaid
    /// with its own writes. Under <see cref="IsolationLevel.SerializableSnapshot"/> the whole range
    /// counts as read, so a key inserted into it by a later commit is a conflict (no phantoms).
    /// </summary>
    public async IAsyncEnumerable<KeyValue> ScanAsync(KeyRange range, ScanOptions? options = null, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ThrowIfFinished();
        ArgumentNullException.ThrowIfNull(range);
        var descending = (options ?? ScanOptions.Default).Order == IterationOrder.Descending;
        if (Serializable)
        {
            _ranges.Add(range);
        }

        // The own writes as of the start of the scan, in scan order.
        var own = _writes.Where(w => range.Contains(w.Key)).Select(w => (w.Key, Row: Resolve(w.Key, w.Value))).ToList();
        if (descending)
        {
            own.Reverse();
        }

        var next = 0;
        await using var iterator = _snapshot.ScanAsync(range, options);
        var stored = await iterator.NextAsync(cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var hasOwn = next < own.Count;
            if (!hasOwn && stored is null)
            {
                yield break;
            }

            // cmp < 0: the own row comes first in scan order. Only a comparison of two keys flips
            // with the order; an exhausted side never does.
            var cmp = !hasOwn ? 1 : stored is null ? -1 : Math.Sign(own[next].Key.AsSpan().SequenceCompareTo(stored.Key)) * (descending ? -1 : 1);

            if (cmp <= 0)
            {
                var (key, row) = own[next++];
                var storedValue = cmp == 0 ? stored!.Value : null;
                if (cmp == 0)
                {
                    stored = await iterator.NextAsync(cancellationToken).ConfigureAwait(false);
                }

                if (row.Kind == RowKind.Merge)
                {
                    yield return new KeyValue(key, OnStored(key, row, cmp == 0 ? storedValue : null), 0, null, null);
                }
                else if (row.Kind != RowKind.Tombstone)
                {
                    yield return new KeyValue(key, row.Value, 0, null, null);
                }
            }
            else
            {
                yield return stored!;
                stored = await iterator.NextAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The rows whose key starts with <paramref name="prefix"/> as this transaction sees them, as
    /// <see cref="ScanAsync(KeyRange, ScanOptions?, CancellationToken)"/> over <see cref="KeyRange.Prefix(ReadOnlySpan{byte})"/>
    /// (under <see cref="IsolationLevel.SerializableSnapshot"/> every key with the prefix counts as read).
    /// </summary>
    public IAsyncEnumerable<KeyValue> ScanPrefixAsync(ReadOnlySpan<byte> prefix, ScanOptions? options = null, CancellationToken cancellationToken = default) =>
        ScanAsync(KeyRange.Prefix(prefix), options, cancellationToken);

    /// <summary>Buffers a put of <paramref name="value"/> under <paramref name="key"/>.</summary>
    public void Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, PutOptions? options = null)
    {
        Keys.Validate(key);
        Keys.ValidateValue(value.Length);
        Add(new WriteBatch.BatchOp(key.ToArray(), value.ToArray(), RowKind.Value, (options ?? PutOptions.Default).Ttl));
    }

    /// <summary>Buffers a delete of <paramref name="key"/>.</summary>
    public void Delete(ReadOnlySpan<byte> key)
    {
        Keys.Validate(key);
        Add(new WriteBatch.BatchOp(key.ToArray(), [], RowKind.Tombstone, Ttl.NoExpiry));
    }

    /// <summary>Buffers a merge operand for <paramref name="key"/>.</summary>
    public void Merge(ReadOnlySpan<byte> key, ReadOnlySpan<byte> operand, PutOptions? options = null)
    {
        Keys.Validate(key);
        Keys.ValidateValue(operand.Length);
        Add(new WriteBatch.BatchOp(key.ToArray(), operand.ToArray(), RowKind.Merge, (options ?? PutOptions.Default).Ttl));
    }

    /// <summary>
    /// Counts <paramref name="key"/> as read without reading it, so that under
    /// <see cref="IsolationLevel.SerializableSnapshot"/> a later commit writing it is a conflict
    /// (what a read of a key the caller already knows would record).
    /// </summary>
    public void MarkRead(ReadOnlySpan<byte> key)
    {
        ThrowIfFinished();
        Keys.Validate(key);
        _reads.Add(key.ToArray());
    }

    /// <summary>
    /// Keeps the write of <paramref name="key"/> but stops checking it for write-write conflicts:
    /// for writes the caller knows commute (counters by merge, blind overwrites).
    /// </summary>
    public void UnmarkWrite(ReadOnlySpan<byte> key)
    {
        ThrowIfFinished();
        Keys.Validate(key);
        _unchecked.Add(key.ToArray());
    }

    /// <summary>
    /// Checks for conflicts and applies every buffered write atomically. Returns the write's handle,
    /// or null when the transaction wrote nothing (a read-only transaction never conflicts). A
    /// conflict is <see cref="ErrorKind.Transaction"/> and applies nothing. Either way the
    /// transaction is finished.
    /// </summary>
    public async ValueTask<WriteHandle?> CommitAsync(WriteOptions? options = null, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _finished, 1) != 0)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"transaction {Id} is closed: already committed or rolled back");
        }

        try
        {
            if (_writes.Count == 0)
            {
                _db.EndTransaction(StartSeq);
                return null;
            }

            var rows = new List<WriteBatch.BatchOp>(_writes.Count);
            foreach (var (key, ops) in _writes)
            {
                rows.Add(Resolve(key, ops));
            }

            var checkedWrites = new HashSet<byte[]>(_writes.Keys.Where(k => !_unchecked.Contains(k)), ByteArrayComparer.Instance);
            return await _db.CommitTransactionAsync(this, rows, checkedWrites, Serializable ? _reads : null, Serializable ? _ranges : null, options ?? WriteOptions.Default, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _snapshot.Dispose();
        }
    }

    /// <summary>Discards every buffered write. Rolling back a finished transaction does nothing.</summary>
    public void Rollback()
    {
        if (Interlocked.Exchange(ref _finished, 1) == 0)
        {
            _db.EndTransaction(StartSeq);
            _snapshot.Dispose();
        }
    }

    /// <summary>Rolls back unless committed.</summary>
    public void Dispose() => Rollback();

    /// <summary>Rolls back unless committed.</summary>
    public ValueTask DisposeAsync()
    {
        Rollback();
        return ValueTask.CompletedTask;
    }

    private void Add(WriteBatch.BatchOp op)
    {
        ThrowIfFinished();
        if (!_writes.TryGetValue(op.Key, out var ops))
        {
            _writes[op.Key] = ops = [];
        }

        if (op.Kind != RowKind.Merge)
        {
            ops.Clear();
        }

        ops.Add(op);
    }

    private WriteBatch.BatchOp? OwnRow(ReadOnlySpan<byte> key)
    {
        var array = key.ToArray();
        return _writes.TryGetValue(array, out var ops) ? Resolve(array, ops) : null;
    }

    // One row per key, as a batch commits it.
    private WriteBatch.BatchOp Resolve(byte[] key, List<WriteBatch.BatchOp> ops) => WriteBatch.Combine(key, ops, _db.MergeOperator);

    // The transaction's own operand applied to what its snapshot holds for the key.
    private byte[] OnStored(ReadOnlySpan<byte> key, WriteBatch.BatchOp operand, byte[]? stored) =>
        SlateFast.MergeOperator.MergeFolding.Fold(_db.MergeOperator, key, stored is not null, stored, [operand.Value]);

    private void ThrowIfFinished()
    {
        if (Volatile.Read(ref _finished) != 0)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"transaction {Id} is closed: already committed or rolled back");
        }
    }
}
