using SlateFast.Format.Rows;

namespace SlateFast.Format.Blocks;

/// <summary>
/// Builds V2 data blocks byte-identical to SlateDB 0.12's (spec §5.3): V2 rows prefix-compressed
/// against the previous key, a restart point (full key) every <see cref="RestartInterval"/> rows, then
/// the restart offsets and their count as u16 BE. Rows are taken in the caller's order: (key asc,
/// seq desc) for compacted SSTs, seq order for WAL SSTs.
/// </summary>
/// <remarks>
/// Fit rule: a row joins a non-empty block only if
/// <c>data_len + 2*restarts + 2 + row_len (+ 2 when the row starts a restart) &lt;= block_size</c>,
/// where <c>row_len</c> is measured with the prefix the row would really get. An empty block takes
/// any row, so one oversized row makes one oversized block; since the row sits at offset 0 its
/// restart offset still fits u16. Block sizes above 64 KiB are refused so no later row can start
/// beyond 65535.
/// </remarks>
internal sealed class BlockBuilderV2 : IDisposable
{
    public const int DefaultRestartInterval = 16;

    private readonly BlockDraft _buffer;

    public BlockBuilderV2(int blockSize, int restartInterval = DefaultRestartInterval)
    {
        BlockLimits.ValidateBlockSize(blockSize);
        if (restartInterval < 1)
        {
            ThrowHelper.Invalid("restart interval must be at least 1");
        }

        BlockSize = blockSize;
        RestartInterval = restartInterval;
        _buffer = new BlockDraft(blockSize + 64);
    }

    public int BlockSize { get; }

    public int RestartInterval { get; }

    /// <summary>Rows added since the last <see cref="Reset"/>.</summary>
    public int Count => _buffer.Rows;

    public bool IsEmpty => _buffer.IsEmpty;

    /// <summary>Size the payload has if finished now.</summary>
    public int EstimatedSize => _buffer.FinishedSize;

    public ReadOnlySpan<byte> FirstKey => _buffer.FirstKey;

    public ReadOnlySpan<byte> LastKey => _buffer.LastKey;

    private bool AtRestart => Count % RestartInterval == 0;

    /// <summary>Whether <paramref name="row"/> would join this block under SlateDB's fit rule.</summary>
    public bool WouldFit(scoped in RowEntry row)
    {
        if (IsEmpty)
        {
            return true;
        }

        bool restart = AtRestart;
        int shared = restart ? 0 : row.Key.CommonPrefixLength(_buffer.LastKey);
        return FitsAfter(_buffer.FinishedSize, RowCodecV2.EncodedLength(row, shared), restart);
    }

    /// <summary>
    /// Appends <paramref name="row"/>, or returns false when the block is full and the row belongs in
    /// the next block. A key of 0 or more than 65535 bytes is <see cref="ErrorKind.Invalid"/>.
    /// </summary>
    public bool TryAdd(scoped in RowEntry row)
    {
        _buffer.CheckOpen();
        BlockLimits.ValidateKey(row.Key);
        bool restart = AtRestart;
        int shared = restart ? 0 : row.Key.CommonPrefixLength(_buffer.LastKey);
        int length = RowCodecV2.EncodedLength(row, shared);
        if (!IsEmpty && !FitsAfter(_buffer.FinishedSize, length, restart))
        {
            return false;
        }

        if (restart)
        {
            _buffer.AddOffset(_buffer.Length);
        }

        int written = RowCodecV2.Encode(_buffer.GetSpan(length), row, shared);
        _buffer.Advance(written);
        _buffer.Appended(row.Key);
        return true;
    }

    /// <summary>
    /// Appends the trailer and returns the block payload (no compression, no CRC: the SST layer adds
    /// those). The span stays valid until <see cref="Reset"/> or <see cref="Dispose"/>.
    /// </summary>
    public ReadOnlySpan<byte> Finish() => _buffer.Finish();

    /// <summary>Empties the builder for the next block, keeping its buffers.</summary>
    public void Reset() => _buffer.Clear();

    public void Dispose() => _buffer.Dispose();

    private bool FitsAfter(int currentSize, int rowLength, bool restart) =>
        currentSize + rowLength + (restart ? sizeof(ushort) : 0) <= BlockSize;
}
