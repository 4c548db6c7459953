using SlateFast.Format;
using SlateFast.Iterators;

namespace SlateFast.Compacting;

/// <summary>
/// Every row of N ascending sources in (key ascending, seq descending) order, all versions — the
/// input of a compaction, unlike <see cref="MergeIterator"/>, which resolves keys for readers. A
/// row present in two sources with the same key and seq surfaces once (from the newer source).
/// </summary>
/// <remarks>Row members are the current source's spans, valid until the next move. Disposing disposes the sources.</remarks>
internal sealed class VersionMerger : IAsyncDisposable
{
    private readonly IRowSource[] _sources;
    private SourceHeap _heap; // a mutable struct: never copied, only used in place
    private int _current = -1;
    private byte[] _lastKey = new byte[64];
    private int _lastKeyLength = -1;
    private ulong _lastSeq;

    public VersionMerger(IReadOnlyList<IRowSource> sourcesNewestFirst)
    {
        _sources = [.. sourcesNewestFirst];
        _heap = new SourceHeap(_sources, descending: false);
    }

    public ReadOnlySpan<byte> Key => _sources[_current].Key;

    public ReadOnlySpan<byte> Value => _sources[_current].Value;

    public ulong Seq => _sources[_current].Seq;

    public RowKind Kind => _sources[_current].Kind;

    public long? CreateTs => _sources[_current].CreateTs;

    public long? ExpireTs => _sources[_current].ExpireTs;

    /// <summary>Moves to the next row; the first call moves to the first. False at the end.</summary>
    public async ValueTask<bool> MoveNextAsync()
    {
        if (_current < 0)
        {
            for (var i = 0; i < _sources.Length; i++)
            {
                if (await _sources[i].MoveNextAsync().ConfigureAwait(false))
                {
                    _heap.Add(i);
                }
            }

            _heap.Heapify();
        }
        else
        {
            Remember();
            await AdvanceTopAsync().ConfigureAwait(false);
        }

        while (_heap.Count > 0)
        {
            var top = _sources[_heap.Top];
            if (_lastKeyLength >= 0 && top.Seq == _lastSeq && top.Key.SequenceEqual(_lastKey.AsSpan(0, _lastKeyLength)))
            {
                await AdvanceTopAsync().ConfigureAwait(false);
                continue;
            }

            Diagnostics.Invariants.Check(_lastKeyLength < 0 || After(top, _lastKey.AsSpan(0, _lastKeyLength), _lastSeq), "a compaction's merged rows come in (key ascending, seq descending) order, each once");
            _current = _heap.Top;
            return true;
        }

        _current = int.MaxValue;
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static bool After(IRowSource row, ReadOnlySpan<byte> key, ulong seq)
    {
        var cmp = row.Key.SequenceCompareTo(key);
        return cmp > 0 || (cmp == 0 && row.Seq < seq);
    }

    private void Remember()
    {
        var key = _sources[_current].Key;
        if (key.Length > _lastKey.Length)
        {
            _lastKey = new byte[Math.Max(key.Length, _lastKey.Length * 2)];
        }

        key.CopyTo(_lastKey);
        _lastKeyLength = key.Length;
        _lastSeq = _sources[_current].Seq;
    }

    private async ValueTask AdvanceTopAsync()
    {
        // Awaited first: the heap is a struct field, and a call whose arguments await could act on a copy.
        var holdsRow = await _sources[_heap.Top].MoveNextAsync().ConfigureAwait(false);
        _heap.TopMoved(holdsRow);
    }
}
