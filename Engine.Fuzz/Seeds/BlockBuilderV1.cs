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

    public BlockBuilderV1(int blockSize)
    {
        BlockLimits.ValidateBlockSize(blockSize);
        BlockSize = blockSize;
        _buffer = new BlockDraft(blockSize + 64);
    }

    public int BlockSize { get; }

    public int Count => _buffer.Rows;

    public bool IsEmpty => _buffer.IsEmpty;

    public int EstimatedSize => _buffer.FinishedSize;

    public ReadOnlySpan<byte> FirstKey => _buffer.FirstKey;

    public ReadOnlySpan<byte> LastKey => _buffer.LastKey;

    public bool WouldFit(scoped in RowEntry row) =>
        IsEmpty || _buffer.FinishedSize + RowCodecV0.EncodedLength(row, row.Key.CommonPrefixLength(_buffer.FirstKey)) <= BlockSize;

    /// <summary>Appends <paramref name="row"/>, or returns false when it belongs in the next block.</summary>
    public bool TryAdd(scoped in RowEntry row)
    {
        _buffer.CheckOpen();
        BlockLimits.ValidateKey(row.Key);
        int prefix = row.Key.CommonPrefixLength(_buffer.FirstKey);
        int length = RowCodecV0.EncodedLength(row, prefix);
        if (!IsEmpty && _buffer.FinishedSize + length > BlockSize)
        {
            return false;
        }

        _buffer.AddOffset(_buffer.Length);
        _buffer.Advance(RowCodecV0.Encode(_buffer.GetSpan(length), row, prefix));
        _buffer.Appended(row.Key);
        return true;
    }

    /// <summary>Appends the trailer and returns the payload, valid until <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> Finish() => _buffer.Finish();

    public void Reset() => _buffer.Clear();

    public void Dispose() => _buffer.Dispose();
}
