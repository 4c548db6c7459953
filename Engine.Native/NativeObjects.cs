namespace SlateFast.Native;

/// <summary>An object a database hands out; it closes with the database.</summary>
internal interface INativeChild
{
    /// <summary>The child's token in <see cref="NativeApi.Handles"/>.</summary>
    nint Token { get; }

    /// <summary>Releases what the child holds; later calls on it report SF_ERR_CLOSED.</summary>
    void CloseWithDb();
}

/// <summary>What an <c>sf_db_t</c> names: the database and the iterators and snapshots it handed out.</summary>
internal sealed class NativeDb(DbHandle db)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<nint, INativeChild> _children = [];
    private bool _closing;

    public DbHandle Db { get; } = db;

    /// <summary>Registers a child, or closes it at once when the database is closing.</summary>
    public void Adopt(INativeChild child)
    {
        lock (_gate)
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
        lock (_gate)
        {
            _children.Remove(child.Token);
        }
    }

    /// <summary>Marks the database closing and closes every child still open.</summary>
    public void CloseChildren()
    {
        INativeChild[] children;
        lock (_gate)
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

/// <summary>What an <c>sf_iterator_t</c> names. A DbIterator is single-threaded; the gate serialises C callers.</summary>
internal sealed class NativeIterator(DbIterator iterator, NativeDb owner) : INativeChild
{
    public Lock Gate { get; } = new();

    public DbIterator Iterator { get; } = iterator;

    public NativeDb Owner { get; } = owner;

    public nint Token { get; set; }

    /// <summary>Set under <see cref="Gate"/> once the iterator is disposed.</summary>
    public bool Closed { get; private set; }

    public void CloseWithDb() => Close();

    public void Close()
    {
        lock (Gate)
        {
            if (!Closed)
            {
                Closed = true;
                NativeApi.Wait(Iterator.DisposeAsync());
            }
        }
    }
}

/// <summary>What an <c>sf_snapshot_t</c> names.</summary>
internal sealed class NativeSnapshot(DbSnapshot snapshot, NativeDb owner) : INativeChild
{
    public DbSnapshot Snapshot { get; } = snapshot;

    public NativeDb Owner { get; } = owner;

    public nint Token { get; set; }

    public void CloseWithDb() => Snapshot.Dispose();
}

/// <summary>What an <c>sf_write_batch_t</c> names. WriteBatch is single-threaded; the gate serialises C callers.</summary>
internal sealed class NativeBatch
{
    public Lock Gate { get; } = new();

    public WriteBatch Batch { get; } = new();
}
