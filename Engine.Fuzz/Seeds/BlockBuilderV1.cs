using SlateFast.Format;
using SlateFast.Format.Blocks;
using SlateFast.Format.Rows;

namespace SlateFast.Fuzz.Seeds;

/// <summary>
/// Builds V1 data blocks (spec §5.3): V0 rows prefix-compressed against the block's first key and one
/// u16 BE offset per row, then the count. SlateFast writes V2 only, so this lives beside the fuzzer's
/// seeds rather than in the engine: the fuzzer and the tests use it to make the blocks older
/// SlateDB versions wrote and check that they still read.
/// </summary>
/// <remarks>
/// Fit rule: a row joins a non-empty block only if <c>2 + 2*offsets + data_len + row_len &lt;= block_size</c>
/// (SlateDB does not count the new row's own offset).
/// </remarks>
internal sealed class BlockBuilderV1 : IDisposable
{
    private readonly BlockDraft _buffer;
    private KeyCopy _firstKey;
    private KeyCopy _lastKey;
    private bool _finished;

    public BlockBuilderV1(int blockSize)
    {
        BlockLimits.ValidateBlockSize(blockSize);
        BlockSize = blockSize;
        _buffer = new BlockDraft(blockSize + 64);
    }

    public int BlockSize { get; }

    public int Count => _buffer.OffsetCount;

    public bool IsEmpty => Count == 0;

    public int EstimatedSize => _buffer.FinishedSize;

    public ReadOnlySpan<byte> FirstKey => _firstKey.Span;

    public ReadOnlySpan<byte> LastKey => _lastKey.Span;

    public bool WouldFit(scoped in RowEntry row) =>
        IsEmpty || _buffer.FinishedSize + RowCodecV0.EncodedLength(row, row.Key.CommonPrefixLength(_firstKey.Span)) <= BlockSize;

    /// <summary>Appends <paramref name="row"/>, or returns false when it belongs in the next block.</summary>
    public bool TryAdd(scoped in RowEntry row)
    {
        if (_finished)
        {
            ThrowHelper.Invalid("block already finished; call Reset first");
        }

        BlockLimits.ValidateKey(row.Key);
        int prefix = row.Key.CommonPrefixLength(_firstKey.Span);
        int length = RowCodecV0.EncodedLength(row, prefix);
        if (!IsEmpty && _buffer.FinishedSize + length > BlockSize)
        {
            return false;
        }

        bool first = IsEmpty;
        _buffer.AddOffset(_buffer.Length);
        _buffer.Advance(RowCodecV0.Encode(_buffer.GetSpan(length), row, prefix));
        if (first)
        {
            _firstKey.Set(row.Key);
        }

        _lastKey.Set(row.Key);
        return true;
    }

    /// <summary>Appends the trailer and returns the payload, valid until <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        if (IsEmpty)
        {
            ThrowHelper.Invalid("an empty block cannot be finished");
        }

        _finished = true;
        return _buffer.Finish();
    }

    public void Reset()
    {
        _buffer.Clear();
        _firstKey.Clear();
        _lastKey.Clear();
        _finished = false;
    }

    public void Dispose() => _buffer.Dispose();
}
