using SlateFast.Format;

namespace SlateFast.Iterators;

/// <summary>
/// An <see cref="IRowSource"/> over a <see cref="SortedCursor"/> (an SST or a sorted run). Ascending
/// it passes the cursor's rows through. Descending it walks the cursor backward — which yields
/// keys descending but each key's versions oldest first — and buffers one key's versions to hand
/// them out newest first.
/// </summary>
/// <remarks>
/// The descending buffer is reused and grows to the largest key group seen, so steady-state
/// scans allocate nothing; each descending row costs one copy of its key and value. Walking a
/// whole sorted run backward as one stream is what makes a key whose versions straddle two SSTs
/// come out in the right order: the group simply spans both.
/// </remarks>
internal sealed class CursorRowSource : IRowSource
{
    private readonly SortedCursor _cursor;
    private readonly KeyGroup _group;
    private bool _started;
    private bool _valid;

    public CursorRowSource(SortedCursor cursor, ScanDirection direction)
    {
        _cursor = cursor;
        Direction = direction;
        _group = direction == ScanDirection.Descending ? new KeyGroup() : null!;
    }

    public ScanDirection Direction { get; }

    public bool IsValid => _valid;

    public ReadOnlySpan<byte> Key => Direction == ScanDirection.Ascending ? _cursor.Key : _group.Key;

    public ReadOnlySpan<byte> Value => Direction == ScanDirection.Ascending ? _cursor.Value : _group.Value;

    public ulong Seq => Direction == ScanDirection.Ascending ? _cursor.Seq : _group.Current.Seq;

    public RowKind Kind => Direction == ScanDirection.Ascending ? _cursor.Kind : _group.Current.Kind;

    public long? CreateTs => Direction == ScanDirection.Ascending ? _cursor.CreateTs : _group.Current.CreateTs;

    public long? ExpireTs => Direction == ScanDirection.Ascending ? _cursor.ExpireTs : _group.Current.ExpireTs;

    public ValueTask<bool> MoveNextAsync()
    {
        if (Direction == ScanDirection.Ascending)
        {
            var move = _started ? (_valid ? _cursor.NextAsync() : new ValueTask<bool>(false)) : _cursor.FirstAsync();
            _started = true;
            return move.IsCompletedSuccessfully ? new ValueTask<bool>(_valid = move.Result) : AwaitAscending(move);
        }

        if (!_started)
        {
            _started = true;
            return FillFromAsync(_cursor.LastAsync());
        }

        if (!_valid)
        {
            return new ValueTask<bool>(false);
        }

        if (_group.TryAdvance())
        {
            return new ValueTask<bool>(true);
        }

        return FillFromAsync(new ValueTask<bool>(_cursor.IsValid));
    }

    public ValueTask<bool> SeekAsync(ReadOnlyMemory<byte> key)
    {
        _started = true;
        if (Direction == ScanDirection.Ascending)
        {
            return AwaitAscending(_cursor.SeekGEAsync(key));
        }

        return FillFromAsync(_cursor.SeekLEAsync(key));
    }

    public ValueTask DisposeAsync()
    {
        _valid = false;
        return _cursor.DisposeAsync();
    }

    private async ValueTask<bool> AwaitAscending(ValueTask<bool> move) => _valid = await move.ConfigureAwait(false);

    // The cursor stands on the oldest version of the next key (or is done): buffer the key's
    // versions walking backward; the cursor ends on the following group's oldest version.
    private ValueTask<bool> FillFromAsync(ValueTask<bool> positioned)
    {
        if (!positioned.IsCompletedSuccessfully)
        {
            return FillSlowAsync(positioned);
        }

        if (!positioned.Result)
        {
            return new ValueTask<bool>(_valid = false);
        }

        _group.Start(_cursor.Key);
        while (true)
        {
            _group.Add(_cursor);
            var prev = _cursor.PrevAsync();
            if (!prev.IsCompletedSuccessfully)
            {
                return FinishSlowAsync(prev);
            }

            if (!prev.Result || !_cursor.Key.SequenceEqual(_group.Key))
            {
                _group.Seal();
                return new ValueTask<bool>(_valid = true);
            }
        }
    }

    private async ValueTask<bool> FillSlowAsync(ValueTask<bool> positioned)
    {
        if (!await positioned.ConfigureAwait(false))
        {
            return _valid = false;
        }

        _group.Start(_cursor.Key);
        return await FinishSlowAsync(default, first: true).ConfigureAwait(false);
    }

    private async ValueTask<bool> FinishSlowAsync(ValueTask<bool> prev, bool first = false)
    {
        var more = first || await prev.ConfigureAwait(false);
        if (first)
        {
            _group.Add(_cursor);
            more = await _cursor.PrevAsync().ConfigureAwait(false);
        }

        while (more && _cursor.Key.SequenceEqual(_group.Key))
        {
            _group.Add(_cursor);
            more = await _cursor.PrevAsync().ConfigureAwait(false);
        }

        _group.Seal();
        return _valid = true;
    }

    /// <summary>One key's versions, copied, handed out newest first.</summary>
    private sealed class KeyGroup
    {
        private byte[] _key = new byte[64];
        private int _keyLength;
        private byte[] _values = new byte[1024];
        private int _valuesLength;
        private Version[] _versions = new Version[4];
        private int _count;
        private int _current;

        public ReadOnlySpan<byte> Key => _key.AsSpan(0, _keyLength);

        public ReadOnlySpan<byte> Value => _values.AsSpan(_versions[_current].ValueOffset, _versions[_current].ValueLength);

        public ref readonly Version Current => ref _versions[_current];

        public void Start(ReadOnlySpan<byte> key)
        {
            if (key.Length > _key.Length)
            {
                _key = new byte[Math.Max(key.Length, _key.Length * 2)];
            }

            key.CopyTo(_key);
            _keyLength = key.Length;
            _valuesLength = 0;
            _count = 0;
        }

        public void Add(SortedCursor cursor)
        {
            var value = cursor.Value;
            if (_valuesLength + value.Length > _values.Length)
            {
                var bigger = new byte[Math.Max(_valuesLength + value.Length, _values.Length * 2)];
                _values.AsSpan(0, _valuesLength).CopyTo(bigger);
                _values = bigger;
            }

            value.CopyTo(_values.AsSpan(_valuesLength));
            if (_count == _versions.Length)
            {
                Array.Resize(ref _versions, _count * 2);
            }

            _versions[_count++] = new Version(cursor.Seq, cursor.Kind, cursor.CreateTs, cursor.ExpireTs, _valuesLength, value.Length);
            _valuesLength += value.Length;
        }

        // Walking backward collected oldest first; the newest is last.
        public void Seal() => _current = _count - 1;

        public bool TryAdvance()
        {
            if (_current == 0)
            {
                return false;
            }

            _current--;
            return true;
        }
    }

    private readonly record struct Version(ulong Seq, RowKind Kind, long? CreateTs, long? ExpireTs, int ValueOffset, int ValueLength);
}
