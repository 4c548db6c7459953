using System.Buffers.Binary;
using System.Text;

namespace SlateFast.Format.FlatBuffers;

/// <summary>
/// Reads one table of a buffer that <see cref="FlatBufferVerifier"/> already accepted for the
/// table's schema. Accessors do no format checks of their own (the verifier did them once); span
/// indexing still bounds-checks, so a reader bug surfaces as an exception, never as a wild read.
/// </summary>
internal readonly ref struct FlatTable
{
    private readonly ReadOnlySpan<byte> _buf;
    private readonly int _vtable;
    private readonly int _vtableLength;

    public FlatTable(ReadOnlySpan<byte> buffer, int position)
    {
        _buf = buffer;
        Position = position;
        _vtable = position - BinaryPrimitives.ReadInt32LittleEndian(buffer[position..]);
        _vtableLength = BinaryPrimitives.ReadUInt16LittleEndian(buffer[_vtable..]);
    }

    /// <summary>Where the table starts (its vtable offset), relative to the buffer.</summary>
    public int Position { get; }

    public ReadOnlySpan<byte> Buffer => _buf;

    /// <summary>The root table of a verified buffer.</summary>
    public static FlatTable Root(ReadOnlySpan<byte> buffer) =>
        new(buffer, (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer));

    public bool Has(int field) => FieldPosition(field) != 0;

    public bool GetBool(int field, bool defaultValue = false)
    {
        int p = FieldPosition(field);
        return p == 0 ? defaultValue : _buf[p] != 0;
    }

    public byte GetU8(int field, byte defaultValue = 0)
    {
        int p = FieldPosition(field);
        return p == 0 ? defaultValue : _buf[p];
    }

    public sbyte GetI8(int field, sbyte defaultValue = 0) => (sbyte)GetU8(field, (byte)defaultValue);

    public ushort GetU16(int field, ushort defaultValue = 0)
    {
        int p = FieldPosition(field);
        return p == 0 ? defaultValue : BinaryPrimitives.ReadUInt16LittleEndian(_buf[p..]);
    }

    /// <summary>An optional scalar (<c>= null</c> in the schema): absent is distinct from any value.</summary>
    public ushort? GetOptionalU16(int field)
    {
        int p = FieldPosition(field);
        return p == 0 ? null : BinaryPrimitives.ReadUInt16LittleEndian(_buf[p..]);
    }

    public uint GetU32(int field, uint defaultValue = 0)
    {
        int p = FieldPosition(field);
        return p == 0 ? defaultValue : BinaryPrimitives.ReadUInt32LittleEndian(_buf[p..]);
    }

    public ulong GetU64(int field, ulong defaultValue = 0)
    {
        int p = FieldPosition(field);
        return p == 0 ? defaultValue : BinaryPrimitives.ReadUInt64LittleEndian(_buf[p..]);
    }

    public long GetI64(int field, long defaultValue = 0) => (long)GetU64(field, (ulong)defaultValue);

    /// <summary>A <c>[ubyte]</c> field; false when absent (an empty vector is present).</summary>
    public bool TryGetBytes(int field, out ReadOnlySpan<byte> bytes)
    {
        int target = Target(field);
        if (target == 0)
        {
            bytes = default;
            return false;
        }

        bytes = VectorBody(target, 1);
        return true;
    }

    /// <summary>Where a <c>[ubyte]</c> field's body starts and how long it is, for slicing a retained buffer.</summary>
    public bool TryGetBytesRange(int field, out int start, out int length)
    {
        int target = Target(field);
        if (target == 0)
        {
            start = length = 0;
            return false;
        }

        length = (int)BinaryPrimitives.ReadUInt32LittleEndian(_buf[target..]);
        start = target + 4;
        return true;
    }

    public bool TryGetTable(int field, out FlatTable table)
    {
        int target = Target(field);
        table = target == 0 ? default : new FlatTable(_buf, target);
        return target != 0;
    }

    /// <summary>A required table field (the verifier guaranteed it is present).</summary>
    public FlatTable GetTable(int field) => new(_buf, Target(field));

    public bool TryGetTableVector(int field, out FlatTableVector vector)
    {
        int target = Target(field);
        vector = target == 0 ? default : new FlatTableVector(_buf, target);
        return target != 0;
    }

    /// <summary>A table vector; an absent vector reads as empty.</summary>
    public FlatTableVector GetTableVector(int field)
    {
        int target = Target(field);
        return target == 0 ? default : new FlatTableVector(_buf, target);
    }

    /// <summary>A <c>[uint]</c> field as raw little-endian bytes (4 per element), empty when absent.</summary>
    public ReadOnlySpan<byte> GetU32VectorBytes(int field, out bool present)
    {
        int target = Target(field);
        present = target != 0;
        return target == 0 ? default : VectorBody(target, 4);
    }

    public string? GetString(int field)
    {
        int target = Target(field);
        return target == 0 ? null : Encoding.UTF8.GetString(VectorBody(target, 1));
    }

    /// <summary>
    /// A union's type tag, or 0 (NONE) when the value is absent. Read the value with
    /// <see cref="GetTable"/> only for tags the schema lists: the verifier does not follow unknown tags.
    /// </summary>
    public byte GetUnionType(int typeField, int valueField) => Has(valueField) ? GetU8(typeField) : (byte)0;

    private int FieldPosition(int field)
    {
        int slot = 4 + (2 * field);
        if (slot >= _vtableLength)
        {
            return 0;
        }

        int offset = BinaryPrimitives.ReadUInt16LittleEndian(_buf[(_vtable + slot)..]);
        return offset == 0 ? 0 : Position + offset;
    }

    private int Target(int field)
    {
        int p = FieldPosition(field);
        return p == 0 ? 0 : p + (int)BinaryPrimitives.ReadUInt32LittleEndian(_buf[p..]);
    }

    private ReadOnlySpan<byte> VectorBody(int vectorPosition, int elementSize)
    {
        int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(_buf[vectorPosition..]);
        return _buf.Slice(vectorPosition + 4, length * elementSize);
    }
}

/// <summary>A verified vector of tables.</summary>
internal readonly ref struct FlatTableVector
{
    private readonly ReadOnlySpan<byte> _buf;
    private readonly int _body;

    public FlatTableVector(ReadOnlySpan<byte> buffer, int vectorPosition)
    {
        _buf = buffer;
        Count = (int)BinaryPrimitives.ReadUInt32LittleEndian(buffer[vectorPosition..]);
        _body = vectorPosition + 4;
    }

    public int Count { get; }

    public FlatTable this[int index]
    {
        get
        {
            if ((uint)index >= (uint)Count)
            {
                ThrowHelper.Invalid($"flatbuffer vector index {index} out of range 0..{Count}");
            }

            int element = _body + (4 * index);
            return new FlatTable(_buf, element + (int)BinaryPrimitives.ReadUInt32LittleEndian(_buf[element..]));
        }
    }
}
