namespace SlateFast.Native;

/// <summary>An object a parent handle hands out; it closes with its parent.</summary>
internal interface INativeChild
{
    /// <summary>The child's token in <see cref="NativeApi.Handles"/>.</summary>
    nint Token { get; }

    /// <summary>Releases what the child holds; later calls on it report SF_ERR_CLOSED.</summary>
    void CloseWithDb();
}

/// <summary>A child that owns resources of its own: registered by <see cref="NativeApi.AddChild"/>, freed by <see cref="NativeApi.FreeChild"/>.</summary>
internal interface INativeOwnedChild : INativeChild
{
    /// <summary>The child's token, set once it is in the handle table.</summary>
    new nint Token { get; set; }

    /// <summary>The handle it closes with.</summary>
    NativeParent Owner { get; }

    /// <summary>Releases what it holds; idempotent.</summary>
    void Close();
}

/// <summary>
/// A handle whose children (iterators, snapshots, transactions) close with it, so a C program
/// that forgets them leaks no engine state once the parent is closed.
/// </summary>
internal abstract class NativeParent
{
    private readonly Lock _childGate = new();
    private readonly Dictionary<nint, INativeChild> _children = [];
    private bool _closing;

    /// <summary>Registers a child, or closes it at once when the parent is closing.</summary>
    public void Adopt(INativeChild child)
    {
        lock (_childGate)
        {
            if (!_closing)
            {
                _children.Add(child.Token, child);
                return;
            }
        }

        NativeApi.Handles.Retire(child.Token, child, reusable: false);
        child.CloseWithDb();
    }

    /// <summary>Forgets a child the caller freed.</summary>
    public void Release(INativeChild child)
    {
        lock (_childGate)
        {
            _children.Remove(child.Token);
        }
    }

    /// <summary>Marks the parent closing and closes every child still open; their handles then answer SF_ERR_CLOSED.</summary>
    public void CloseChildren()
    {
        INativeChild[] children;
        lock (_childGate)
        {
            _closing = true;
            children = [.. _children.Values];
            _children.Clear();
        }

        foreach (var child in children)
        {
            NativeApi.Handles.Retire(child.Token, child, reusable: false);
            child.CloseWithDb();
        }
    }
}

/// <summary>What an <c>sf_db_t</c> names: the database and the iterators, snapshots and transactions it handed out.</summary>
internal sealed class NativeDb(DbHandle db) : NativeParent
{
    public DbHandle Db { get; } = db;
}

/// <summary>What an <c>sf_reader_t</c> names: a read-only <see cref="DbReader"/> and its iterators.</summary>
internal sealed class NativeReader(DbReader reader) : NativeParent
{
    public DbReader Reader { get; } = reader;
}

/// <summary>
/// What an <c>sf_iterator_t</c> names: a <see cref="DbIterator"/> (database, snapshot or reader
/// scan) or the rows of a transaction's scan. Neither is thread-safe; the gate serialises C
/// callers. Lock order: an iterator's gate before its transaction's.
/// </summary>
internal sealed class NativeIterator : INativeOwnedChild
{
    private readonly DbIterator? _iterator;
    private readonly IAsyncEnumerator<KeyValue>? _rows;
    private readonly NativeTransaction? _transaction;
    private KeyValue? _first;
    private bool _hasFirst;

    // The row sf_iterator_next_borrowed hands out, copied out of managed memory (which the GC may
    // move) into native memory the iterator owns; reused row after row, freed at close.
    private readonly LentRow _borrowed = new();

    public NativeIterator(DbIterator iterator, NativeParent owner)
    {
        _iterator = iterator;
        Owner = owner;
    }

    /// <summary>A transaction's scan. The first row is fetched at once (under the transaction's gate) so bad options fail at scan time and a serializable transaction records the range as read then.</summary>
    public NativeIterator(IAsyncEnumerator<KeyValue> rows, NativeTransaction transaction)
    {
        _rows = rows;
        _transaction = transaction;
        Owner = transaction;
        _first = NativeApi.Wait(rows.MoveNextAsync()) ? rows.Current : null;
        _hasFirst = true;
    }

    public Lock Gate { get; } = new();

    public NativeParent Owner { get; }

    public nint Token { get; set; }

    /// <summary>Set under <see cref="Gate"/> once the iterator is disposed.</summary>
    public bool Closed { get; private set; }

    /// <summary>The next row, or null after the last.</summary>
    public KeyValue? Next()
    {
        lock (Gate)
        {
            ThrowIfClosed();
            if (_iterator is not null)
            {
                return NativeApi.Wait(_iterator.NextAsync());
            }

            lock (_transaction!.Gate)
            {
                _transaction.ThrowIfFinished();
                if (_hasFirst)
                {
                    _hasFirst = false;
                    return _first;
                }

                return NativeApi.Wait(_rows!.MoveNextAsync()) ? _rows.Current : null;
            }
        }
    }

    /// <summary>
    /// The next row in the iterator's own native buffer, valid until the next call on it or its
    /// close; false after the last. One copy per row and no allocation once the buffer is big enough.
    /// </summary>
    public unsafe bool NextBorrowed(out byte* key, out nuint keyLength, out byte* value, out nuint valueLength)
    {
        lock (Gate)
        {
            ThrowIfClosed();
            if (_iterator is not null)
            {
                if (!NativeApi.Wait(_iterator.MoveNextAsync()))
                {
                    key = value = null;
                    keyLength = valueLength = 0;
                    return false;
                }

                Borrow(_iterator.Key, _iterator.Value, out key, out keyLength, out value, out valueLength);
                return true;
            }
        }

        // A transaction's rows are copies already; lend them the same way. Next takes the gate again.
        var row = Next();
        lock (Gate)
        {
            ThrowIfClosed();
            if (row is null)
            {
                key = value = null;
                keyLength = valueLength = 0;
                return false;
            }

            Borrow(row.Key, row.Value, out key, out keyLength, out value, out valueLength);
            return true;
        }
    }

    // Under Gate.
    private unsafe void Borrow(ReadOnlySpan<byte> k, ReadOnlySpan<byte> v, out byte* key, out nuint keyLength, out byte* value, out nuint valueLength)
    {
        var (lentKey, lentValue) = _borrowed.Lend(k, v);
        key = (byte*)lentKey;
        keyLength = (nuint)k.Length;
        value = (byte*)lentValue;
        valueLength = (nuint)v.Length;
    }

    /// <summary>Repositions a database, snapshot or reader scan; a transaction's scan cannot seek.</summary>
    public void Seek(byte[] key)
    {
        lock (Gate)
        {
            ThrowIfClosed();
            if (_iterator is null)
            {
                ThrowHelper.Invalid("sf_iterator_seek is not supported on a transaction's scan: start a new sf_txn_scan at the key");
            }

            NativeApi.Wait(_iterator.SeekAsync(key));
        }
    }

    public void CloseWithDb() => Close();

    public void Close()
    {
        lock (Gate)
        {
            if (!Closed)
            {
                Closed = true;
                _first = null;
                _borrowed.Free();
                NativeApi.Wait(_iterator is not null ? _iterator.DisposeAsync() : _rows!.DisposeAsync());
            }
        }
    }

    private void ThrowIfClosed()
    {
        if (Closed)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, _transaction is null ? "the iterator was closed with its database or reader" : "the iterator was closed with its transaction");
        }
    }
}

/// <summary>What an <c>sf_snapshot_t</c> names.</summary>
internal sealed class NativeSnapshot : INativeChild
{
    // One of the two: a database's snapshot or a reader's.
    private readonly DbSnapshot? _db;
    private readonly DbReaderSnapshot? _reader;

    public NativeSnapshot(DbSnapshot snapshot, NativeParent owner) => (_db, Owner) = (snapshot, owner);

    public NativeSnapshot(DbReaderSnapshot snapshot, NativeParent owner) => (_reader, Owner) = (snapshot, owner);

    public NativeParent Owner { get; }

    public nint Token { get; set; }

    public ValueTask<byte[]?> GetAsync(ReadOnlyMemory<byte> key, ReadOptions? options) =>
        _db?.GetAsync(key, options) ?? _reader!.GetAsync(key, options);

    public DbIterator ScanAsync(KeyRange range, ScanOptions? options) => _db?.ScanAsync(range, options) ?? _reader!.ScanAsync(range, options);

    public void Dispose()
    {
        _db?.Dispose();
        _reader?.Dispose();
    }

    public void CloseWithDb() => Dispose();
}

/// <summary>
/// What an <c>sf_transaction_t</c> names. <see cref="DbTransaction"/> is single-threaded; the gate
/// serialises C callers. Commit and rollback finish it: <see cref="Finished"/> is set under the
/// gate, and its scans close with it.
/// </summary>
internal sealed class NativeTransaction(DbTransaction transaction, NativeDb owner) : NativeParent, INativeChild
{
    public Lock Gate { get; } = new();

    public DbTransaction Transaction { get; } = transaction;

    public NativeDb Owner { get; } = owner;

    public nint Token { get; set; }

    /// <summary>Committed or rolled back; read and written under <see cref="Gate"/>.</summary>
    public bool Finished { get; set; }

    public void ThrowIfFinished()
    {
        if (Finished)
        {
            throw new SlateFastException(ErrorKind.Closed, CloseReason.Clean, $"transaction {Transaction.Id} is already committed or rolled back");
        }
    }

    /// <summary>Rolls back (unless finished) and closes the transaction's scans.</summary>
    public void CloseWithDb()
    {
        lock (Gate)
        {
            if (!Finished)
            {
                Finished = true;
                Transaction.Rollback();
            }
        }

        CloseChildren();
    }
}

/// <summary>What an <c>sf_write_batch_t</c> names. WriteBatch is single-threaded; the gate serialises C callers.</summary>
internal sealed class NativeBatch
{
    public Lock Gate { get; } = new();

    public WriteBatch Batch { get; } = new();
}
