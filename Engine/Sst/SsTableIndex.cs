using System.Buffers.Binary;
using SlateFast.Format.FlatBuffers;

namespace SlateFast.Sst;

/// <summary>
/// A decoded SST index (<c>SsTableIndex</c>): per data block its byte offset and index key. The
/// verified flatbuffer is kept as is and read on demand, so opening an index copies no keys. A
/// lookup binary-searches a dense array of each key's first 8 bytes and reads a key from the
/// buffer only when those tie: in the flatbuffer a step touches a vector slot, a table and the
/// key's bytes, three cache misses once the index is larger than the CPU cache, where the dense
/// array (8 bytes a block: 128 KiB for a 64 MiB SST) costs one line at most. The buffer must not
/// change afterwards.
/// </summary>
internal sealed class SsTableIndex
{
    private const int BlockMetaField = 0;
    private const int OffsetField = 0;
    private const int FirstKeyField = 1;

    private readonly ReadOnlyMemory<byte> _buffer;
    private readonly int _body;
    // Big-endian first 8 bytes of each block's index key, zero-padded: ordered as the keys are
    // wherever two differ (see Prefix), so only ties need the keys themselves.
    private readonly ulong[] _prefixes;
    // Each block's offset, dense for the same reason: a lookup's cache key needs it.
    private readonly ulong[] _offsets;

    private SsTableIndex(ReadOnlyMemory<byte> buffer, int body, int count)
    {
        _buffer = buffer;
        _body = body;
        BlockCount = count;
        _prefixes = new ulong[count];
        _offsets = new ulong[count];
        var span = buffer.Span;
        for (var i = 0; i < count; i++)
        {
            _prefixes[i] = Prefix(FirstKey(i));
            _offsets[i] = Meta(span, i).GetU64(OffsetField);
        }
    }

    /// <summary>Bytes this index holds beside its buffer.</summary>
    public long ExtraBytes => 16L * _prefixes.Length;

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
    public ulong BlockOffset(int block)
    {
        if ((uint)block >= (uint)_offsets.Length)
        {
            ThrowHelper.Invalid($"block {block} out of range 0..{BlockCount}");
        }

        return _offsets[block];
    }

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
        var prefixes = _prefixes;
        var target = Prefix(key);
        int lo = 0;
        int hi = BlockCount - 1;
        int found = 0;
        while (lo <= hi)
        {
            int mid = lo + ((hi - lo) >> 1);
            var prefix = prefixes[mid];
            if (prefix < target || (prefix == target && FirstKey(mid).SequenceCompareTo(key) < 0))
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

    /// <summary>
    /// The key's first 8 bytes as a big-endian number, zero-padded. Where two prefixes differ, the
    /// keys compare the same way: the first differing byte is inside both keys, or one key ended
    /// there (a pad of 0) and the other's byte is above 0, so the shorter key is also the smaller.
    /// </summary>
    private static ulong Prefix(ReadOnlySpan<byte> key)
    {
        if (key.Length >= sizeof(ulong))
        {
            return BinaryPrimitives.ReadUInt64BigEndian(key);
        }

        Span<byte> padded = stackalloc byte[sizeof(ulong)];
        padded.Clear();
        key.CopyTo(padded);
        return BinaryPrimitives.ReadUInt64BigEndian(padded);
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
