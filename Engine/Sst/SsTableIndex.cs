using System.Buffers.Binary;
using SlateFast.Format.FlatBuffers;

namespace SlateFast.Sst;

/// <summary>
/// A decoded SST index (<c>SsTableIndex</c>): per data block its byte offset and index key. The
/// verified flatbuffer is kept as is and read on demand, so opening an index copies no keys and a
/// lookup is a binary search over views into the buffer. The buffer must not change afterwards.
/// </summary>
internal sealed class SsTableIndex
{
    private const int BlockMetaField = 0;
    private const int OffsetField = 0;
    private const int FirstKeyField = 1;

    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly int _body;

    private SsTableIndex(ReadOnlyMemory<byte> buffer, int body, int count)
    {
        _buffer = buffer;
        _body = body;
        BlockCount = count;
    }

    public int BlockCount { get; }

    /// <summary>The index payload this object reads from (for caching by size).</summary>
    public ReadOnlyMemory<byte> Buffer => _buffer;

    /// <summary>Verifies the index payload (section bytes after decompression, without CRC).</summary>
    public static SsTableIndex Decode(ReadOnlyMemory<byte> buffer)
    {
        var span = buffer.Span;
        FlatBufferVerifier.Verify(span, SstSchemas.SsTableIndex, "SsTableIndex");
        var root = FlatTable.Root(span);
        int field = root.Position + FieldOffset(span, root.Position, BlockMetaField);
        int vector = field + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[field..]);
        int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(span[vector..]);
        return new SsTableIndex(buffer, vector + 4, count);
    }

    /// <summary>Byte offset of block <paramref name="block"/> in the SST.</summary>
    public ulong BlockOffset(int block) => Meta(_buffer.Span, block).GetU64(OffsetField);

    /// <summary>The index key of block <paramref name="block"/> (empty for block 0 of a compacted SST).</summary>
    public ReadOnlySpan<byte> FirstKey(int block)
    {
        var span = _buffer.Span;
        Meta(span, block).TryGetBytesRange(FirstKeyField, out int start, out int length);
        return span.Slice(start, length);
    }

    public ReadOnlyMemory<byte> FirstKeyMemory(int block)
    {
        Meta(_buffer.Span, block).TryGetBytesRange(FirstKeyField, out int start, out int length);
        return _buffer.Slice(start, length);
    }

    /// <summary>
    /// The block where a search for <paramref name="key"/> starts: the last block whose index key
    /// is strictly less than the key, or 0. Strict because one user key's versions may straddle
    /// two blocks, and then the second block's index key equals that key.
    /// </summary>
    public int FindBlock(ReadOnlySpan<byte> key)
    {
        int lo = 0;
        int hi = BlockCount - 1;
        int found = 0;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            if (FirstKey(mid).SequenceCompareTo(key) < 0)
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

    private FlatTable Meta(ReadOnlySpan<byte> span, int block)
    {
        if ((uint)block >= (uint)BlockCount)
        {
            ThrowHelper.Invalid($"block {block} out of range 0..{BlockCount}");
        }

        int element = _body + (4 * block);
        return new FlatTable(span, element + (int)BinaryPrimitives.ReadUInt32LittleEndian(span[element..]));
    }

    private static int FieldOffset(ReadOnlySpan<byte> span, int table, int field)
    {
        int vtable = table - BinaryPrimitives.ReadInt32LittleEndian(span[table..]);
        return BinaryPrimitives.ReadUInt16LittleEndian(span[(vtable + 4 + (2 * field))..]);
    }
}
