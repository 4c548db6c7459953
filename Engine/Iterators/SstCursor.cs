using SlateFast.Format;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Format.Blocks;

namespace SlateFast.Iterators;

/// <summary>
/// A <see cref="SortedCursor"/> over one compacted SST: blocks are loaded when the cursor first
/// needs them, through a <see cref="BlockPrefetcher"/> that reads ahead in the scan direction and
/// stops at the last block the range can touch.
/// </summary>
/// <remarks>
/// Moves within a block complete synchronously; only crossing into a block not yet fetched awaits.
/// The cursor holds the current block's handle (a cache lease when cached) until it moves off.
/// </remarks>
internal sealed class SstCursor : SortedCursor
{
    private readonly SstFile _file;
    private readonly BlockPrefetcher _blocks;
    private readonly BlockIterator _rows = new();
    private BlockHandle _handle;
    private int _block = -1;
    private bool _valid;

    /// <param name="store">The store holding the SST (for ranged multi-block reads).</param>
    /// <param name="file">The opened SST.</param>
    /// <param name="sstId">The SST's id, naming its blocks in the block provider.</param>
    /// <param name="range">Keys outside it are invisible: the scan range intersected with the view's visible range.</param>
    /// <param name="direction">The scan direction, which read-ahead follows.</param>
    /// <param name="provider">A block cache, or null to read every block from the store.</param>
    /// <param name="options">Read-ahead settings.</param>
    /// <param name="cancellationToken">Cancels block reads.</param>
    public SstCursor(IObjectStore store, SstFile file, UInt128 sstId, KeyRange range, ScanDirection direction, IBlockProvider? provider, RowScanOptions options, CancellationToken cancellationToken)
        : base(range)
    {
        _file = file;
        Direction = direction;
        var first = range.Start.Kind == KeyBoundKind.Unbounded ? 0 : file.Index.FindBlock(range.Start.Key.Span);
        var last = range.End.Kind switch
        {
            KeyBoundKind.Included => LastBlockStartingBefore(range.End.Key.Span, inclusive: true),
            KeyBoundKind.Excluded => LastBlockStartingBefore(range.End.Key.Span, inclusive: false),
            _ => file.BlockCount - 1,
        };
        if (file.BlockCount == 0)
        {
            last = -1;
        }

        _blocks = new BlockPrefetcher(store, file, sstId, provider, options, first, last, cancellationToken);
    }

    public ScanDirection Direction { get; }

    public override bool IsValid => _valid;

    public override ReadOnlySpan<byte> Key => _rows.Key;

    public override ReadOnlySpan<byte> Value => _rows.Value;

    public override ulong Seq => _rows.Seq;

    public override RowKind Kind => _rows.Kind;

    public override long? CreateTs => _rows.CreateTs;

    public override long? ExpireTs => _rows.ExpireTs;

    public override async ValueTask DisposeAsync()
    {
        _valid = false;
        _handle.Dispose();
        _handle = default;
        _block = -1;
        await _blocks.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Invalidate() => _valid = false;

    protected override ValueTask<bool> RawFirstAsync() => BlocksForwardAsync(_blocks.FirstBlock);

    protected override ValueTask<bool> RawLastAsync() => BlocksBackwardAsync(_blocks.LastBlock);

    protected override async ValueTask<bool> RawSeekGEAsync(ReadOnlyMemory<byte> key)
    {
        if (_file.BlockCount == 0)
        {
            return _valid = false;
        }

        var block = _file.Index.FindBlock(key.Span);
        await LoadAsync(block, forward: true).ConfigureAwait(false);
        if (_rows.Seek(key.Span))
        {
            return _valid = true;
        }

        return await BlocksForwardAsync(block + 1).ConfigureAwait(false);
    }

    protected override async ValueTask<bool> RawSeekLEAsync(ReadOnlyMemory<byte> key)
    {
        if (_file.BlockCount == 0)
        {
            return _valid = false;
        }

        // Every block after this one starts above the key, so the key's versions end in it or earlier.
        var block = LastBlockStartingBefore(key.Span, inclusive: true);
        await LoadAsync(block, forward: false).ConfigureAwait(false);
        var target = key.Span;
        if (!_rows.Seek(target))
        {
            return _rows.SeekToLast() ? (_valid = true) : await BlocksBackwardAsync(block - 1).ConfigureAwait(false);
        }

        if (!_rows.Key.SequenceEqual(target))
        {
            _valid = true;
            return await RawPrevAsync().ConfigureAwait(false);
        }

        // On the key's newest version in this block: walk to its oldest.
        while (true)
        {
            if (!_rows.MoveNext())
            {
                _rows.SeekToLast();
                break;
            }

            if (!_rows.Key.SequenceEqual(target))
            {
                _rows.MovePrev();
                break;
            }
        }

        return _valid = true;
    }

    protected override ValueTask<bool> RawNextAsync()
    {
        if (!_valid)
        {
            return new ValueTask<bool>(false);
        }

        return _rows.MoveNext() ? new ValueTask<bool>(true) : BlocksForwardAsync(_block + 1);
    }

    protected override ValueTask<bool> RawPrevAsync()
    {
        if (!_valid)
        {
            return new ValueTask<bool>(false);
        }

        return _rows.MovePrev() ? new ValueTask<bool>(true) : BlocksBackwardAsync(_block - 1);
    }

    // The first row of the first non-empty block from `block` on; blocks past the range's last are never read.
    private async ValueTask<bool> BlocksForwardAsync(int block)
    {
        for (var b = block; b <= _blocks.LastBlock; b++)
        {
            await LoadAsync(b, forward: true).ConfigureAwait(false);
            if (_rows.SeekToFirst())
            {
                return _valid = true;
            }
        }

        return _valid = false;
    }

    private async ValueTask<bool> BlocksBackwardAsync(int block)
    {
        for (var b = block; b >= _blocks.FirstBlock; b--)
        {
            await LoadAsync(b, forward: false).ConfigureAwait(false);
            if (_rows.SeekToLast())
            {
                return _valid = true;
            }
        }

        return _valid = false;
    }

    private async ValueTask LoadAsync(int block, bool forward)
    {
        if (block == _block)
        {
            return;
        }

        _valid = false;
        var handle = await _blocks.GetAsync(block, forward).ConfigureAwait(false);
        _handle.Dispose();
        _handle = handle;
        _block = -1;
        _rows.Reset(handle.Memory, _file.Format);
        _block = block;
    }

    // The last block whose index key is <= key (or < key), or 0. Index keys are at most their
    // block's first key, so later blocks hold only larger keys.
    private int LastBlockStartingBefore(ReadOnlySpan<byte> key, bool inclusive)
    {
        var index = _file.Index;
        int lo = 0, hi = index.BlockCount - 1, found = 0;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var cmp = index.FirstKey(mid).SequenceCompareTo(key);
            if (cmp < 0 || (inclusive && cmp == 0))
            {
                found = mid;
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return found;
    }
}
