using System.Buffers;
using System.Buffers.Binary;

namespace SlateFast.Format.Blocks;

/// <summary>
/// The growing bytes and u16 offsets of a block under construction, rented from the shared pools and
/// kept across blocks so a steady-state builder allocates nothing.
/// </summary>
internal sealed class BlockDraft : IDisposable
{
    private byte[] _data;
    private ushort[] _offsets;

    public BlockDraft(int initialCapacity)
    {
        _data = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
        _offsets = ArrayPool<ushort>.Shared.Rent(64);
    }

    /// <summary>Bytes of entries written so far.</summary>
    public int Length { get; private set; }

    public int OffsetCount { get; private set; }

    /// <summary>Size of the block if it were finished now: entries, offsets and the u16 count.</summary>
    public int FinishedSize => Length + (2 * OffsetCount) + 2;

    /// <summary>A span of at least <paramref name="size"/> bytes after the written data.</summary>
    public Span<byte> GetSpan(int size)
    {
        EnsureCapacity(Length + size);
        return _data.AsSpan(Length);
    }

    public void Advance(int count) => Length += count;

    public void AddOffset(int offset)
    {
        if (OffsetCount == _offsets.Length)
        {
            ushort[] bigger = ArrayPool<ushort>.Shared.Rent(_offsets.Length * 2);
            _offsets.AsSpan(0, OffsetCount).CopyTo(bigger);
            ArrayPool<ushort>.Shared.Return(_offsets);
            _offsets = bigger;
        }

        _offsets[OffsetCount++] = checked((ushort)offset);
    }

    /// <summary>Appends the trailer (offsets then count, all u16 BE) and returns the whole block payload.</summary>
    public ReadOnlySpan<byte> Finish()
    {
        int size = FinishedSize;
        EnsureCapacity(size);
        Span<byte> trailer = _data.AsSpan(Length, size - Length);
        for (int i = 0; i < OffsetCount; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(trailer[(2 * i)..], _offsets[i]);
        }

        BinaryPrimitives.WriteUInt16BigEndian(trailer[(2 * OffsetCount)..], checked((ushort)OffsetCount));
        return _data.AsSpan(0, size);
    }

    public void Clear()
    {
        Length = 0;
        OffsetCount = 0;
    }

    public void Dispose()
    {
        if (_data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_data);
            ArrayPool<ushort>.Shared.Return(_offsets);
            _data = [];
            _offsets = [];
        }
    }

    private void EnsureCapacity(int needed)
    {
        if (needed <= _data.Length)
        {
            return;
        }

        ObjectDisposedException.ThrowIf(_data.Length == 0, this);
        byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, _data.Length * 2));
        _data.AsSpan(0, Length).CopyTo(bigger);
        ArrayPool<byte>.Shared.Return(_data);
        _data = bigger;
    }
}
