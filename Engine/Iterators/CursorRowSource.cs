using SlateFast.Format;
using SlateFast.Retention;

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
    private readonly KeyVersionBuffer _group;
    private int _current;
    private bool _started;
    private bool _valid;

    public CursorRowSource(SortedCursor cursor, ScanDirection direction)
    {
        _cursor = cursor;
        Direction = direction;
        _group = direction == ScanDirection.Descending ? new KeyVersionBuffer() : null!;
    }

    public ScanDirection Direction { get; }

    public bool IsValid => _valid;

    public ReadOnlySpan<byte> Key => Direction == ScanDirection.Ascending ? _cursor.Key : _group.Key;

    public ReadOnlySpan<byte> Value => Direction == ScanDirection.Ascending ? _cursor.Value : _group[_current].Value.Span;

    public ulong Seq => Direction == ScanDirection.Ascending ? _cursor.Seq : _group[_current].Seq;

    public RowKind Kind => Direction == ScanDirection.Ascending ? _cursor.Kind : _group[_current].Kind;

    public long? CreateTs => Direction == ScanDirection.Ascending ? _cursor.CreateTs : _group[_current].CreateTs;

    public long? ExpireTs => Direction == ScanDirection.Ascending ? _cursor.ExpireTs : _group[_current].ExpireTs;

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

        if (_current > 0)
        {
            _current--;
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
            _group.Add(_cursor.Seq, _cursor.Kind, _cursor.CreateTs, _cursor.ExpireTs, _cursor.Value);
            var prev = _cursor.PrevAsync();
            if (!prev.IsCompletedSuccessfully)
            {
                return FinishSlowAsync(prev);
            }

            if (!prev.Result || !_cursor.Key.SequenceEqual(_group.Key))
            {
                Seal();
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
            _group.Add(_cursor.Seq, _cursor.Kind, _cursor.CreateTs, _cursor.ExpireTs, _cursor.Value);
            more = await _cursor.PrevAsync().ConfigureAwait(false);
        }

        while (more && _cursor.Key.SequenceEqual(_group.Key))
        {
            _group.Add(_cursor.Seq, _cursor.Kind, _cursor.CreateTs, _cursor.ExpireTs, _cursor.Value);
            more = await _cursor.PrevAsync().ConfigureAwait(false);
        }

        Seal();
        return _valid = true;
    }

    // Walking backward collected the key's versions oldest first; hand them out from the newest.
    private void Seal() => _current = _group.Count - 1;
}
