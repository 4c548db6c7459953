using SlateFast.Format;
using SlateFast.Memtables;
using SlateFast.Format.Rows;

namespace SlateFast.Iterators;

/// <summary>
/// The rows of one <see cref="Memtables.Memtable"/> in either direction, clipped to a key range. Holds a
/// reference on the memtable from creation to disposal, so its arena (and every span handed out)
/// stays valid even after the memtable is frozen, flushed and dropped by the writer.
/// </summary>
/// <remarks>
/// <para>Every move completes synchronously. Rows inserted while the scan runs may or may not be
/// seen (the skiplist is read lock-free); a reader filters by its snapshot seq anyway.</para>
/// <para>Descending order is keys descending, versions newest first: the skiplist is ordered (key
/// asc, seq desc), so the source stands on the first node of a key's run, steps forward through
/// its versions, and jumps to the previous key's first node with two O(log n) searches
/// (<see cref="ArenaSkipList.SeekLT"/> then <see cref="ArenaSkipList.SeekGE"/>). The skiplist keeps
/// no back links, so a per-node backward step would cost the same searches anyway.</para>
/// </remarks>
internal sealed class MemtableRowSource : IRowSource
{
    private readonly Memtables.Memtable _memtable;
    private readonly ArenaSkipList _rows;
    private readonly KeyRange _range;
    private uint _node;
    private bool _started;
    private bool _disposed;

    private MemtableRowSource(Memtables.Memtable memtable, ScanDirection direction, KeyRange range)
    {
        _memtable = memtable;
        _rows = memtable.Rows;
        Direction = direction;
        _range = range;
    }

    /// <summary>
    /// A source over <paramref name="memtable"/>, or null when the memtable was already released
    /// (flushed and freed): its rows are then in L0 and the caller retries with a newer state.
    /// </summary>
    public static MemtableRowSource? TryCreate(Memtables.Memtable memtable, ScanDirection direction, KeyRange? range = null) =>
        memtable.TryAcquire() ? new MemtableRowSource(memtable, direction, range ?? KeyRange.All) : null;

    /// <summary>A source over <paramref name="memtable"/>, taking over a reference the caller acquired.</summary>
    public static MemtableRowSource FromAcquired(Memtables.Memtable memtable, ScanDirection direction, KeyRange range) =>
        new(memtable, direction, range);

    public ScanDirection Direction { get; }

    public bool IsValid => _node != 0;

    public ReadOnlySpan<byte> Key => _rows.KeyOf(_node);

    public ReadOnlySpan<byte> Value => _rows.ValueOf(_node);

    public ulong Seq => _rows.SeqOf(_node);

    public RowKind Kind => RowFlags.DecodeKind(_rows.FlagsOf(_node));

    public long? CreateTs => (_rows.FlagsOf(_node) & RowFlags.HasCreateTs) != 0 ? _rows.CreateTsOf(_node) : null;

    public long? ExpireTs => (_rows.FlagsOf(_node) & RowFlags.HasExpireTs) != 0 ? _rows.ExpireTsOf(_node) : null;

    public ValueTask<bool> MoveNextAsync()
    {
        ThrowIfDisposed();
        if (!_started)
        {
            _started = true;
            _node = Direction == ScanDirection.Ascending ? FirstAscending() : FirstDescending();
        }
        else if (_node != 0)
        {
            _node = Direction == ScanDirection.Ascending ? ClipEnd(_rows.Next(_node)) : NextDescending(_node);
        }

        return new ValueTask<bool>(_node != 0);
    }

    public ValueTask<bool> SeekAsync(ReadOnlyMemory<byte> key)
    {
        ThrowIfDisposed();
        _started = true;
        var target = key.Span;
        if (Direction == ScanDirection.Ascending)
        {
            _node = _range.IsBeforeStart(target) ? FirstAscending() : ClipEnd(_rows.SeekGE(target, ulong.MaxValue));
        }
        else
        {
            _node = _range.IsAfterEnd(target) ? FirstDescending() : ClipStart(KeyRunAtOrBefore(target));
        }

        return new ValueTask<bool>(_node != 0);
    }

    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            _node = 0;
            _memtable.Release();
        }

        return ValueTask.CompletedTask;
    }

    private uint FirstAscending()
    {
        var start = _range.Start;
        uint node = start.Kind switch
        {
            KeyBoundKind.Included => _rows.SeekGE(start.Key.Span, ulong.MaxValue),
            KeyBoundKind.Excluded => FirstAfter(start.Key.Span),
            _ => _rows.First(),
        };
        return ClipEnd(node);
    }

    private uint FirstDescending()
    {
        var end = _range.End;
        uint node = end.Kind switch
        {
            KeyBoundKind.Included => KeyRunAtOrBefore(end.Key.Span),
            KeyBoundKind.Excluded => KeyRunBefore(end.Key.Span),
            _ => KeyRunOf(_rows.Last()),
        };
        return ClipStart(node);
    }

    private uint NextDescending(uint node)
    {
        var next = _rows.Next(node);
        var key = _rows.KeyOf(node);
        if (next != 0 && _rows.KeyOf(next).SequenceEqual(key))
        {
            return next;
        }

        return ClipStart(KeyRunBefore(key));
    }

    // The first node with a key above `key`: (key, 0) is the last slot of key's run in (key asc, seq desc).
    private uint FirstAfter(ReadOnlySpan<byte> key)
    {
        var node = _rows.SeekGE(key, 0);
        return node != 0 && _rows.KeyOf(node).SequenceEqual(key) ? _rows.Next(node) : node;
    }

    // The first (newest) node of the largest key <= target, or 0.
    private uint KeyRunAtOrBefore(ReadOnlySpan<byte> target)
    {
        var node = _rows.SeekGE(target, ulong.MaxValue);
        return node != 0 && _rows.KeyOf(node).SequenceEqual(target) ? node : KeyRunBefore(target);
    }

    // The first (newest) node of the largest key < target, or 0.
    private uint KeyRunBefore(ReadOnlySpan<byte> target)
    {
        var last = _rows.SeekLT(target, ulong.MaxValue);
        return KeyRunOf(last);
    }

    private uint KeyRunOf(uint node) => node == 0 ? 0 : _rows.SeekGE(_rows.KeyOf(node), ulong.MaxValue);

    private uint ClipEnd(uint node) => node != 0 && _range.IsAfterEnd(_rows.KeyOf(node)) ? 0 : node;

    private uint ClipStart(uint node) => node != 0 && _range.IsBeforeStart(_rows.KeyOf(node)) ? 0 : node;

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            ThrowHelper.Invalid("the memtable source is disposed");
        }
    }
}
