using System.Buffers;
using System.Buffers.Binary;

namespace SlateFast.Format.Blocks;

/// <summary>
/// A block under construction, whichever row format fills it: the growing bytes and u16 offsets
/// (rented from the shared pools and kept across blocks, so a steady-state builder allocates
/// nothing), its rows' first and last keys, and the rule that a block is finished once, non-empty,
/// and takes no rows after that until it is cleared.
/// </summary>
internal sealed class BlockDraft : IDisposable
{
    private byte[] _data;
    private ushort[] _offsets;
    private KeyCopy _firstKey;
    private KeyCopy _lastKey;

    public BlockDraft(int initialCapacity)
    {
        _data = ArrayPool<byte>.Shared.Rent(Math.Max(initialCapacity, 256));
        _offsets = ArrayPool<ushort>.Shared.Rent(64);
    }

    /// <summary>Bytes of entries written so far.</summary>
    public int Length { get; private set; }

    public int OffsetCount { get; private set; }

    /// <summary>Rows appended since the last <see cref="Clear"/>.</summary>
    public int Rows { get; private set; }

    public bool IsEmpty => Rows == 0;

    public bool IsFinished { get; private set; }

    public ReadOnlySpan<byte> FirstKey => _firstKey.Span;

    public ReadOnlySpan<byte> LastKey => _lastKey.Span;

    /// <summary>Refuses a row once the block is finished (<see cref="ErrorKind.Invalid"/>).</summary>
    public void CheckOpen()
    {
        if (IsFinished)
        {
            ThrowHelper.Invalid("block already finished; call Reset first");
        }
    }

    /// <summary>Counts the row whose bytes were just appended and remembers its key.</summary>
    public void Appended(ReadOnlySpan<byte> key)
    {
        if (IsEmpty)
        {
            _firstKey.Set(key);
        }

        _lastKey.Set(key);
        Rows++;
    }

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

    /// <summary>
    /// Appends the trailer (offsets then count, all u16 BE) and returns the whole block payload,
    /// valid until <see cref="Clear"/>; an empty block is <see cref="ErrorKind.Invalid"/>.
    /// </summary>
    public ReadOnlySpan<byte> Finish()
    {
        if (IsEmpty)
        {
            ThrowHelper.Invalid("an empty block cannot be finished");
        }

        IsFinished = true;
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

    /// <summary>Empties the draft for the next block, keeping its buffers.</summary>
    public void Clear()
    {
        Length = 0;
        OffsetCount = 0;
        Rows = 0;
        IsFinished = false;
        _firstKey.Clear();
        _lastKey.Clear();
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
