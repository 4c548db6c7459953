using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace SlateFast.Format.FlatBuffers;

/// <summary>
/// Builds a FlatBuffers buffer back to front, making the same layout decisions as the Rust
/// <c>flatbuffers</c> 25.2.10 builder (padding, vtable layout and de-duplication, root alignment),
/// so the same call sequence yields the same bytes as SlateDB. Offsets handed out are "used space"
/// values (distance from the end of the buffer), like the Rust builder's <c>WIPOffset</c>.
/// </summary>
/// <remarks>
/// Fields equal to their default are skipped unless <see cref="ForceDefaults"/> is set, exactly as
/// generated Rust code does; required and optional-scalar fields go through the <c>*Always</c> adders.
/// </remarks>
internal sealed class FlatBufferBuilder
{
    private const int MaxBufferSize = int.MaxValue - 64;

    private byte[] _buf;
    private int _head;
    private int _minAlign = 1;
    private bool _nested;
    private bool _finished;
    private readonly List<(int Offset, int Slot)> _fieldLocs = new();

    // "Used space" positions of every distinct vtable written so far; searched newest first.
    private readonly List<int> _vtables = new();

    public FlatBufferBuilder(int initialCapacity = 256)
    {
        _buf = new byte[Math.Max(16, initialCapacity)];
        _head = _buf.Length;
    }

    /// <summary>Write fields even when they equal their default.</summary>
    public bool ForceDefaults { get; set; }

    /// <summary>Bytes written so far, counted from the end of the buffer.</summary>
    public int UsedSpace => _buf.Length - _head;

    /// <summary>The finished buffer; valid until the next call that mutates the builder.</summary>
    public ReadOnlySpan<byte> WrittenSpan
    {
        get
        {
            if (!_finished)
            {
                ThrowHelper.Invalid("flatbuffer builder: Finish was not called");
            }

            return _buf.AsSpan(_head);
        }
    }

    public byte[] ToArray() => WrittenSpan.ToArray();

    public void CopyTo(IBufferWriter<byte> writer)
    {
        var src = WrittenSpan;
        src.CopyTo(writer.GetSpan(src.Length));
        writer.Advance(src.Length);
    }

    /// <summary>Forgets everything written so the builder can build another buffer.</summary>
    public void Clear()
    {
        _head = _buf.Length;
        _minAlign = 1;
        _nested = false;
        _finished = false;
        _fieldLocs.Clear();
        _vtables.Clear();
    }

    // ---- tables ----

    public int StartTable()
    {
        AssertNotNested();
        _nested = true;
        _fieldLocs.Clear();
        return UsedSpace;
    }

    public void AddBool(int field, bool value, bool defaultValue = false)
    {
        if (value != defaultValue || ForceDefaults)
        {
            Track(PushU8(value ? (byte)1 : (byte)0), field);
        }
    }

    public void AddU8(int field, byte value, byte defaultValue = 0)
    {
        if (value != defaultValue || ForceDefaults)
        {
            AddU8Always(field, value);
        }
    }

    public void AddU8Always(int field, byte value) => Track(PushU8(value), field);

    public void AddI8(int field, sbyte value, sbyte defaultValue = 0) => AddU8(field, (byte)value, (byte)defaultValue);

    public void AddU16(int field, ushort value, ushort defaultValue = 0)
    {
        if (value != defaultValue || ForceDefaults)
        {
            AddU16Always(field, value);
        }
    }

    public void AddU16Always(int field, ushort value) => Track(PushU16(value), field);

    public void AddU32(int field, uint value, uint defaultValue = 0)
    {
        if (value != defaultValue || ForceDefaults)
        {
            Track(PushU32(value), field);
        }
    }

    public void AddU64(int field, ulong value, ulong defaultValue = 0)
    {
        if (value != defaultValue || ForceDefaults)
        {
            Track(PushU64(value), field);
        }
    }

    public void AddI64(int field, long value, long defaultValue = 0) => AddU64(field, (ulong)value, (ulong)defaultValue);

    /// <summary>Adds a reference to an already finished table, vector or string.</summary>
    public void AddOffset(int field, int offset) => Track(PushOffset(offset), field);

    /// <summary>Finishes the table begun at <paramref name="start"/> and returns its offset.</summary>
    public int EndTable(int start)
    {
        if (!_nested)
        {
            ThrowHelper.Invalid("flatbuffer builder: EndTable without StartTable");
        }

        int objectOffset = PushU32(0xF0F0_F0F0);
        int maxSlot = 2;
        foreach (var loc in _fieldLocs)
        {
            maxSlot = Math.Max(maxSlot, loc.Slot);
        }

        int vtableLength = maxSlot + 2;
        int tableSize = objectOffset - start;
        if (tableSize >= 0x10000)
        {
            ThrowHelper.Invalid("flatbuffer builder: table inline data exceeds 64 KiB");
        }

        MakeSpace(vtableLength);
        var vt = _buf.AsSpan(_head, vtableLength);
        vt.Clear();
        BinaryPrimitives.WriteUInt16LittleEndian(vt, (ushort)vtableLength);
        BinaryPrimitives.WriteUInt16LittleEndian(vt[2..], (ushort)tableSize);
        foreach (var loc in _fieldLocs)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(vt[loc.Slot..], (ushort)(objectOffset - loc.Offset));
        }

        int vtableUsed = FindVtable(vt);
        if (vtableUsed != 0)
        {
            // A duplicate: drop the bytes just written and point at the earlier copy.
            vt.Clear();
            _head += vtableLength;
        }
        else
        {
            vtableUsed = UsedSpace;
            _vtables.Add(vtableUsed);
        }

        int tablePos = _buf.Length - objectOffset;
        BinaryPrimitives.WriteInt32LittleEndian(_buf.AsSpan(tablePos), vtableUsed - objectOffset);
        _fieldLocs.Clear();
        _nested = false;
        return objectOffset;
    }

    // ---- vectors and strings ----

    public int CreateByteVector(ReadOnlySpan<byte> bytes)
    {
        AssertNotNested();
        Align(bytes.Length, 4);
        MakeSpace(bytes.Length);
        bytes.CopyTo(_buf.AsSpan(_head));
        return PushU32((uint)bytes.Length);
    }

    public int CreateU32Vector(ReadOnlySpan<uint> values)
    {
        AssertNotNested();
        int size = checked(values.Length * 4);
        Align(size, 4);
        MakeSpace(size);
        var dst = _buf.AsSpan(_head, size);
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(dst[(i * 4)..], values[i]);
        }

        return PushU32((uint)values.Length);
    }

    /// <summary>Creates a vector of references to finished tables, in the given order.</summary>
    public int CreateOffsetVector(ReadOnlySpan<int> offsets)
    {
        AssertNotNested();
        int size = checked(offsets.Length * 4);
        Align(size, 4);
        MakeSpace(size);
        int endUsed = UsedSpace;
        var dst = _buf.AsSpan(_head, size);
        for (int i = 0; i < offsets.Length; i++)
        {
            int elementUsed = endUsed - (i * 4);
            BinaryPrimitives.WriteUInt32LittleEndian(dst[(i * 4)..], Relative(elementUsed, offsets[i]));
        }

        return PushU32((uint)offsets.Length);
    }

    public int CreateString(string value)
    {
        AssertNotNested();
        int length = Encoding.UTF8.GetByteCount(value);
        Align(length + 1, 4);
        PushU8(0);
        MakeSpace(length);
        Encoding.UTF8.GetBytes(value, _buf.AsSpan(_head, length));
        return PushU32((uint)length);
    }

    // ---- finishing ----

    /// <summary>Writes the root offset (no file identifier, no size prefix) and seals the buffer.</summary>
    public ReadOnlySpan<byte> Finish(int root)
    {
        AssertNotNested();
        if (_finished)
        {
            ThrowHelper.Invalid("flatbuffer builder: Finish called twice");
        }

        Align(4, _minAlign);
        PushOffset(root);
        _finished = true;
        return WrittenSpan;
    }

    // ---- primitives ----

    private void Track(int offset, int field)
    {
        if (!_nested)
        {
            ThrowHelper.Invalid("flatbuffer builder: field added outside a table");
        }

        _fieldLocs.Add((offset, 4 + (2 * field)));
    }

    private int PushU8(byte value)
    {
        Align(1, 1);
        MakeSpace(1);
        _buf[_head] = value;
        return UsedSpace;
    }

    private int PushU16(ushort value)
    {
        Align(2, 2);
        MakeSpace(2);
        BinaryPrimitives.WriteUInt16LittleEndian(_buf.AsSpan(_head), value);
        return UsedSpace;
    }

    private int PushU32(uint value)
    {
        Align(4, 4);
        MakeSpace(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(_head), value);
        return UsedSpace;
    }

    private int PushU64(ulong value)
    {
        Align(8, 8);
        MakeSpace(8);
        BinaryPrimitives.WriteUInt64LittleEndian(_buf.AsSpan(_head), value);
        return UsedSpace;
    }

    private int PushOffset(int target)
    {
        Align(4, 4);
        MakeSpace(4);
        BinaryPrimitives.WriteUInt32LittleEndian(_buf.AsSpan(_head), Relative(UsedSpace, target));
        return UsedSpace;
    }

    private static uint Relative(int fromUsed, int target)
    {
        if (target <= 0 || target > fromUsed)
        {
            ThrowHelper.Invalid("flatbuffer builder: offset does not refer to an object written earlier");
        }

        return (uint)(fromUsed - target);
    }

    private void Align(int length, int alignment)
    {
        _minAlign = Math.Max(_minAlign, alignment);
        int pad = -(UsedSpace + length) & (alignment - 1);
        if (pad > 0)
        {
            MakeSpace(pad);
            _buf.AsSpan(_head, pad).Clear();
        }
    }

    private void MakeSpace(int length)
    {
        if (length > _head)
        {
            Grow(length);
        }

        _head -= length;
    }

    private void Grow(int needed)
    {
        long used = UsedSpace;
        long size = Math.Max(_buf.Length * 2L, used + needed);
        if (size > MaxBufferSize)
        {
            if (used + needed > MaxBufferSize)
            {
                ThrowHelper.Invalid("flatbuffer builder: buffer would exceed 2 GiB");
            }

            size = MaxBufferSize;
        }

        var bigger = new byte[size];
        _buf.AsSpan(_head).CopyTo(bigger.AsSpan((int)(size - used)));
        _buf = bigger;
        _head = (int)(size - used);
    }

    private int FindVtable(ReadOnlySpan<byte> candidate)
    {
        for (int i = _vtables.Count - 1; i >= 0; i--)
        {
            int pos = _buf.Length - _vtables[i];
            int length = BinaryPrimitives.ReadUInt16LittleEndian(_buf.AsSpan(pos));
            if (length == candidate.Length && _buf.AsSpan(pos, length).SequenceEqual(candidate))
            {
                return _vtables[i];
            }
        }

        return 0;
    }

    private void AssertNotNested()
    {
        if (_nested)
        {
            ThrowHelper.Invalid("flatbuffer builder: a table is still under construction");
        }

        if (_finished)
        {
            ThrowHelper.Invalid("flatbuffer builder: buffer already finished; call Clear first");
        }
    }
}
