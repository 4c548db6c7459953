using SlateFast.Format;

namespace SlateFast.Iterators;

/// <summary>
/// Merges N row sources into the rows a reader at sequence number <see cref="ReadSeq"/> sees: for
/// each key, in the scan direction, only the newest version with seq &lt;= ReadSeq; keys whose
/// newest visible version is a tombstone are skipped.
/// </summary>
/// <remarks>
/// <para>Sources are given newest first (memtables newest first, then L0 newest first, then sorted
/// runs newest first). A binary heap orders their current rows by key (in the direction), then seq
/// descending, then source position, so each key's versions surface newest first and a row found
/// in two sources with equal (key, seq) is taken from the earlier one.</para>
/// <para>When the newest visible version is a merge operand, the row surfaces as
/// <see cref="RowKind.Merge"/> with every visible operand of the key (newest first, down to the
/// first older value or tombstone) and the base value if a value ended the run; a merge operator
/// folds them oldest to newest onto the base. A reader without a merge operator fails such reads
/// ("merge operator missing"), as SlateDB 0.12 does.</para>
/// <para>Per row nothing is allocated: the key is copied into a reused buffer (the source moves on
/// before the next key is known), a value row's value is the source's span, and merge operands are
/// copied into reused buffers. Not thread-safe; disposing disposes every source.</para>
/// </remarks>
internal sealed class MergeIterator : IAsyncDisposable
{
    private readonly IRowSource[] _sources;
    private SourceHeap _heap; // a mutable struct: never copied, only used in place
    private bool _started;
    private bool _valid;
    private bool _disposed;

    private byte[] _key = new byte[64];
    private int _keyLength;
    private int _current = -1;
    private RowKind _kind;
    private ulong _seq;
    private long? _createTs;
    private long? _expireTs;

    // Merge rows: operands newest first, then the base (if any), in one byte buffer.
    private byte[] _mergeBytes = new byte[256];
    private int _mergeLength;
    private (int Offset, int Length)[] _operands = new (int, int)[4];
    private int _operandCount;
    private (int Offset, int Length) _base;
    private bool _hasBase;

    public MergeIterator(IReadOnlyList<IRowSource> sourcesNewestFirst, ulong readSeq, ScanDirection direction)
    {
        _sources = [.. sourcesNewestFirst];
        foreach (var source in _sources)
        {
            if (source.Direction != direction)
            {
                ThrowHelper.Invalid($"a {source.Direction} source cannot join a {direction} merge");
            }
        }

        _heap = new SourceHeap(_sources, descending: direction == ScanDirection.Descending);
        ReadSeq = readSeq;
        Direction = direction;
    }

    /// <summary>The snapshot: versions with a higher seq are invisible.</summary>
    public ulong ReadSeq { get; }

    public ScanDirection Direction { get; }

    /// <summary>Whether the iterator is on a row.</summary>
    public bool IsValid => _valid;

    public ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

    /// <summary>The value, or for a merge row its newest operand.</summary>
    public ReadOnlySpan<byte> Value => _current >= 0 ? _sources[_current].Value : Operand(0);

    /// <summary>The seq of the newest visible version.</summary>
    public ulong Seq => _seq;

    /// <summary><see cref="RowKind.Value"/> or <see cref="RowKind.Merge"/>; tombstones never surface.</summary>
    public RowKind Kind => _kind;

    public long? CreateTs => _createTs;

    /// <summary>The row's expiry; for a merge row the earliest expiry of its operands and base.</summary>
    public long? ExpireTs => _expireTs;

    /// <summary>Merge operands of the current merge row, newest first (0 for value rows).</summary>
    public int OperandCount => _current >= 0 ? 0 : _operandCount;

    /// <summary>Whether a value ended the current merge row's operands (otherwise a tombstone or nothing did).</summary>
    public bool HasBase => _current < 0 && _hasBase;

    /// <summary>The value under the current merge row's operands, when <see cref="HasBase"/>.</summary>
    public ReadOnlySpan<byte> Base => HasBase ? _mergeBytes.AsSpan(_base.Offset, _base.Length) : default;

    /// <summary>Merge operand <paramref name="index"/> of the current merge row; 0 is the newest.</summary>
    public ReadOnlySpan<byte> Operand(int index)
    {
        if (_current >= 0 || (uint)index >= (uint)_operandCount)
        {
            ThrowHelper.Invalid($"operand {index} does not exist; the row has {OperandCount}");
        }

        return _mergeBytes.AsSpan(_operands[index].Offset, _operands[index].Length);
    }

    /// <summary>Moves to the next visible row; the first call moves to the first.</summary>
    public async ValueTask<bool> MoveNextAsync()
    {
        ThrowIfDisposed();
        if (!_started)
        {
            _started = true;
            for (var i = 0; i < _sources.Length; i++)
            {
                await _sources[i].MoveNextAsync().ConfigureAwait(false);
            }

            BuildHeap();
        }
        else if (_valid)
        {
            await SkipKeyAsync().ConfigureAwait(false);
        }
        else
        {
            return false;
        }

        return await FindNextAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Moves to the first visible row at or after <paramref name="key"/> in the direction
    /// (ascending: smallest key &gt;= target; descending: largest key &lt;= target).
    /// </summary>
    public async ValueTask<bool> SeekAsync(ReadOnlyMemory<byte> key)
    {
        ThrowIfDisposed();
        _started = true;
        for (var i = 0; i < _sources.Length; i++)
        {
            await _sources[i].SeekAsync(key).ConfigureAwait(false);
        }

        BuildHeap();
        return await FindNextAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _valid = false;
        List<Exception>? errors = null;
        foreach (var source in _sources)
        {
            try
            {
                await source.DisposeAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                (errors ??= []).Add(e);
            }
        }

        if (errors is not null)
        {
            throw errors.Count == 1 ? errors[0] : new AggregateException(errors);
        }
    }

    private async ValueTask<bool> FindNextAsync()
    {
        while (_heap.Count > 0)
        {
            var top = _sources[_heap.Top];
            if (top.Seq > ReadSeq)
            {
                // Newer than the snapshot; older versions of the key follow it.
                await AdvanceTopAsync().ConfigureAwait(false);
                continue;
            }

            CopyKey(top.Key);
            switch (top.Kind)
            {
                case RowKind.Value:
                    _current = _heap.Top;
                    _kind = RowKind.Value;
                    _seq = top.Seq;
                    _createTs = top.CreateTs;
                    _expireTs = top.ExpireTs;
                    return _valid = true;
                case RowKind.Merge:
                    await CollectMergeAsync().ConfigureAwait(false);
                    return _valid = true;
                default:
                    await SkipKeyAsync().ConfigureAwait(false);
                    break;
            }
        }

        _current = -1;
        return _valid = false;
    }

    // Gathers the visible operands of the current key (the heap top is its newest visible
    // version, a merge operand) down to a value or tombstone, and moves past the key.
    private async ValueTask CollectMergeAsync()
    {
        var top = _sources[_heap.Top];
        _current = -1;
        _kind = RowKind.Merge;
        _seq = top.Seq;
        _createTs = top.CreateTs;
        _expireTs = null;
        _mergeLength = 0;
        _operandCount = 0;
        _hasBase = false;
        var lastSeq = ulong.MaxValue;
        var first = true;
        while (_heap.Count > 0)
        {
            top = _sources[_heap.Top];
            if (!top.Key.SequenceEqual(Key))
            {
                return;
            }

            // The same version in an older source (e.g. a memtable row also flushed to L0) counts once.
            if (!first && top.Seq == lastSeq)
            {
                await AdvanceTopAsync().ConfigureAwait(false);
                continue;
            }

            first = false;
            lastSeq = top.Seq;
            if (top.Kind == RowKind.Tombstone)
            {
                break;
            }

            _expireTs = top.ExpireTs is { } expire && (_expireTs is null || expire < _expireTs) ? expire : _expireTs;
            var stored = Append(top.Value);
            if (top.Kind == RowKind.Value)
            {
                _base = stored;
                _hasBase = true;
                break;
            }

            if (_operandCount == _operands.Length)
            {
                Array.Resize(ref _operands, _operandCount * 2);
            }

            _operands[_operandCount++] = stored;
            await AdvanceTopAsync().ConfigureAwait(false);
        }

        await SkipKeyAsync().ConfigureAwait(false);
    }

    private (int Offset, int Length) Append(ReadOnlySpan<byte> bytes)
    {
        if (_mergeLength + bytes.Length > _mergeBytes.Length)
        {
            var bigger = new byte[Math.Max(_mergeLength + bytes.Length, _mergeBytes.Length * 2)];
            _mergeBytes.AsSpan(0, _mergeLength).CopyTo(bigger);
            _mergeBytes = bigger;
        }

        bytes.CopyTo(_mergeBytes.AsSpan(_mergeLength));
        var stored = (_mergeLength, bytes.Length);
        _mergeLength += bytes.Length;
        return stored;
    }

    // Advances every source past the current key (all its versions sit at the top of the heap).
    private async ValueTask SkipKeyAsync()
    {
        while (_heap.Count > 0 && _sources[_heap.Top].Key.SequenceEqual(Key))
        {
            await AdvanceTopAsync().ConfigureAwait(false);
        }
    }

    private ValueTask AdvanceTopAsync()
    {
        var move = _sources[_heap.Top].MoveNextAsync();
        if (move.IsCompletedSuccessfully)
        {
            FixTop(move.Result);
            return ValueTask.CompletedTask;
        }

        return AwaitFixTop(move);
    }

    private async ValueTask AwaitFixTop(ValueTask<bool> move) => FixTop(await move.ConfigureAwait(false));

    private void FixTop(bool valid) => _heap.TopMoved(valid);

    private void BuildHeap()
    {
        _current = -1;
        _valid = false;
        _heap.Clear();
        for (var i = 0; i < _sources.Length; i++)
        {
            if (_sources[i].IsValid)
            {
                _heap.Add(i);
            }
        }

        _heap.Heapify();
    }

    private void CopyKey(ReadOnlySpan<byte> key)
    {
        if (key.Length > _key.Length)
        {
            _key = new byte[Math.Max(key.Length, _key.Length * 2)];
        }

        key.CopyTo(_key);
        _keyLength = key.Length;
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            ThrowHelper.Invalid("the merge iterator is disposed");
        }
    }
}
