using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;

namespace SlateFast.Format.FlatBuffers;

/// <summary>Limits the verifier applies besides the format rules.</summary>
internal readonly record struct FlatVerifierOptions(int MaxDepth, long MaxTables, long MaxApparentSize, int MaxApparentSizePerByte)
{
    /// <summary>
    /// Rust flatbuffers' defaults with SlateDB's table limit (depth 64, 10^9 tables, apparent size
    /// 2 GiB), plus one guard of ours: the apparent size may not exceed 64 times the buffer length.
    /// Tree-shaped buffers (everything a FlatBuffers builder writes) stay below 4x; only
    /// buffers that reuse sub-objects many times (a DAG) come near it, and those are how a small
    /// buffer makes a verifier work for minutes.
    /// </summary>
    public static FlatVerifierOptions Default { get; } = new(64, 1_000_000_000, 1L << 31, 64);
}

/// <summary>
/// Checks a whole buffer against a <see cref="FlatTableSchema"/> before anything reads it, enforcing
/// what Rust flatbuffers 25.2.10's verifier enforces: every offset, vtable, vector and string in
/// bounds; scalars, offsets and vector bodies aligned to their size relative to the buffer start;
/// vtable lengths even; strings NUL-terminated UTF-8; required fields present; union tag and value
/// both present or both absent; nesting depth, table count and apparent size limited (so cyclic or
/// shared offsets end, never hang). Violations throw <see cref="ErrorKind.Data"/> naming the spot.
/// </summary>
internal ref struct FlatBufferVerifier
{
    private const int MaxTrail = 80;

    private readonly ReadOnlySpan<byte> _buf;
    private readonly FlatVerifierOptions _options;
    private readonly long _maxApparent;
    private readonly string _what;
    private readonly FlatField?[] _trailFields;
    private readonly int[] _trailIndex;
    private long _apparent;
    private long _tables;
    private int _depth;

    private FlatBufferVerifier(ReadOnlySpan<byte> buffer, FlatVerifierOptions options, string what)
    {
        _buf = buffer;
        _options = options;
        _what = what;
        _maxApparent = Math.Min(options.MaxApparentSize, ((long)buffer.Length * options.MaxApparentSizePerByte) + 1024);
        _trailFields = new FlatField?[MaxTrail];
        _trailIndex = new int[MaxTrail];
        _apparent = 0;
        _tables = 0;
        _depth = 0;
    }

    /// <summary>
    /// Verifies that <paramref name="buffer"/> holds a root table of <paramref name="root"/>;
    /// <paramref name="what"/> names the object in error messages, e.g. "manifest".
    /// </summary>
    public static void Verify(ReadOnlySpan<byte> buffer, FlatTableSchema root, string what) =>
        Verify(buffer, root, what, FlatVerifierOptions.Default);

    public static void Verify(ReadOnlySpan<byte> buffer, FlatTableSchema root, string what, FlatVerifierOptions options)
    {
        var v = new FlatBufferVerifier(buffer, options, what);
        long rootPos = v.ReadUOffset(0, root) + 0L;
        v.VisitTable(rootPos, root);
    }

    private void VisitTable(long pos, FlatTableSchema schema)
    {
        CheckInBuffer(pos, 4, schema);
        int soffset = BinaryPrimitives.ReadInt32LittleEndian(_buf[(int)pos..]);
        long vtable = pos - soffset;
        if (vtable < 0 || vtable >= _buf.Length)
        {
            Fail($"{schema.Name} table at {pos} has vtable offset {soffset} pointing out of bounds");
        }

        int vtableLength = ReadU16(vtable, schema);
        if ((vtable + vtableLength) % 2 != 0)
        {
            Fail($"{schema.Name} table at {pos} has an odd vtable length {vtableLength}");
        }

        CheckRange(vtable, vtableLength, schema);
        if (++_tables > _options.MaxTables)
        {
            Fail($"more than {_options.MaxTables} tables");
        }

        if (++_depth > _options.MaxDepth)
        {
            Fail($"tables nested deeper than {_options.MaxDepth} (cyclic or too deep offsets)");
        }

        foreach (var field in schema.Fields)
        {
            SetTrail(field, -1);
            VisitField(pos, vtable, vtableLength, field, schema);
        }

        CheckNoUnknownFields(pos, vtable, vtableLength, schema);
        _depth--;
    }

    /// <summary>
    /// Refuses a table that holds a field its schema does not list. FlatBuffers readers normally
    /// skip such fields, which is how a newer writer's additions stay invisible; for SlateDB's
    /// formats an addition can change what the rest means (a composite filter block, manifest
    /// segments), so reading on would misread. Absent fields (offset 0) are fine: defaults are not
    /// written, and a newer schema's default means the old behaviour.
    /// </summary>
    private void CheckNoUnknownFields(long pos, long vtable, int vtableLength, FlatTableSchema schema)
    {
        int slots = (vtableLength - 4) / 2;
        for (int id = 0; id < slots; id++)
        {
            if (!schema.Knows(id) && FieldPosition(pos, vtable, vtableLength, id, schema) >= 0)
            {
                SetTrail(null, -1);
                FailNewer($"{schema.Name} has field id {id}, which this SlateFast does not know");
            }
        }
    }

    private void VisitField(long table, long vtable, int vtableLength, FlatField field, FlatTableSchema schema)
    {
        if (field.Kind == FlatKind.Union)
        {
            long value = FieldPosition(table, vtable, vtableLength, field.Id + 1, schema);
            long tag = FieldPosition(table, vtable, vtableLength, field.Id, schema);
            if (value < 0 && tag < 0)
            {
                if (field.Required)
                {
                    Fail($"missing required field {schema.Name}.{field.Name}");
                }

                return;
            }

            if (value < 0 || tag < 0)
            {
                Fail($"{schema.Name}.{field.Name}: exactly one of union type and value is present");
            }

            CheckInBuffer(tag, 1, schema);
            byte type = _buf[(int)tag];
            var variants = field.Variants!;
            if (type >= variants.Length || variants[type] is not { } variant)
            {
                // Type 0 is NONE, which has no value; any other unlisted type is a newer schema's.
                if (type == 0)
                {
                    Fail($"{schema.Name}.{field.Name} has a value but union type NONE");
                }

                FailNewer($"{schema.Name}.{field.Name} has union type {type}, which this SlateFast does not know");
                return;
            }

            VisitTable(value + ReadUOffset(value, schema), variant);
            return;
        }

        long pos = FieldPosition(table, vtable, vtableLength, field.Id, schema);
        if (pos < 0)
        {
            if (field.Required)
            {
                Fail($"missing required field {schema.Name}.{field.Name}");
            }

            return;
        }

        switch (field.Kind)
        {
            case FlatKind.Bool:
            case FlatKind.U8:
                CheckInBuffer(pos, 1, schema);
                break;
            case FlatKind.I8:
                CheckInBuffer(pos, 1, schema);
                if (field.IsEnum && (sbyte)_buf[(int)pos] is var value && (value < 0 || value > field.EnumMax))
                {
                    FailNewer($"{schema.Name}.{field.Name} has value {value}, which this SlateFast does not know");
                }

                break;
            case FlatKind.U16:
                CheckInBuffer(pos, 2, schema);
                break;
            case FlatKind.U32:
                CheckInBuffer(pos, 4, schema);
                break;
            case FlatKind.U64:
            case FlatKind.I64:
                CheckInBuffer(pos, 8, schema);
                break;
            case FlatKind.Bytes:
                VectorRange(pos + ReadUOffset(pos, schema), 1, schema, out _, out _);
                break;
            case FlatKind.U32Vector:
                VectorRange(pos + ReadUOffset(pos, schema), 4, schema, out _, out _);
                break;
            case FlatKind.String:
                VisitString(pos + ReadUOffset(pos, schema), schema);
                break;
            case FlatKind.Table:
                VisitTable(pos + ReadUOffset(pos, schema), field.Table!);
                break;
            case FlatKind.TableVector:
                VisitTableVector(pos + ReadUOffset(pos, schema), field, schema);
                break;
            default:
                Fail($"unsupported schema kind {field.Kind}");
                break;
        }
    }

    private void VisitTableVector(long pos, FlatField field, FlatTableSchema schema)
    {
        VectorRange(pos, 4, schema, out long data, out long count);
        for (long i = 0; i < count; i++)
        {
            SetTrail(field, (int)Math.Min(i, int.MaxValue));
            long element = data + (4 * i);
            VisitTable(element + ReadUOffset(element, schema), field.Table!);
        }

        SetTrail(field, -1);
    }

    private void VisitString(long pos, FlatTableSchema schema)
    {
        VectorRange(pos, 1, schema, out long data, out long length);
        long end = data + length;
        if (end >= _buf.Length || _buf[(int)end] != 0)
        {
            Fail($"string at {data} is not NUL-terminated");
        }

        if (!Utf8.IsValid(_buf.Slice((int)data, (int)length)))
        {
            Fail($"string at {data} is not valid UTF-8");
        }
    }

    private void VectorRange(long pos, int elementSize, FlatTableSchema schema, out long data, out long count)
    {
        count = ReadUOffset(pos, schema);
        data = pos + 4;
        if (data % elementSize != 0)
        {
            Fail($"vector body at {data} is not aligned to {elementSize}");
        }

        CheckRange(data, count * elementSize, schema);
    }

    /// <summary>The absolute position of a present field, or -1.</summary>
    private long FieldPosition(long table, long vtable, int vtableLength, int id, FlatTableSchema schema)
    {
        int slot = 4 + (2 * id);
        if (slot >= vtableLength)
        {
            return -1;
        }

        int offset = ReadU16(vtable + slot, schema);
        return offset == 0 ? -1 : table + offset;
    }

    private uint ReadUOffset(long pos, FlatTableSchema schema)
    {
        CheckInBuffer(pos, 4, schema);
        return BinaryPrimitives.ReadUInt32LittleEndian(_buf[(int)pos..]);
    }

    private int ReadU16(long pos, FlatTableSchema schema)
    {
        CheckInBuffer(pos, 2, schema);
        return BinaryPrimitives.ReadUInt16LittleEndian(_buf[(int)pos..]);
    }

    private void CheckInBuffer(long pos, int size, FlatTableSchema schema)
    {
        if (pos % size != 0)
        {
            Fail($"{size}-byte value at {pos} is not aligned");
        }

        CheckRange(pos, size, schema);
    }

    private void CheckRange(long pos, long size, FlatTableSchema schema)
    {
        if (pos < 0 || pos + size > _buf.Length)
        {
            Fail($"range [{pos}, {pos + size}) is out of bounds of the {_buf.Length}-byte buffer (in {schema.Name})");
        }

        _apparent += size;
        if (_apparent > _maxApparent)
        {
            Fail("apparent size too large (offsets reused too often)");
        }
    }

    private readonly void SetTrail(FlatField? field, int index)
    {
        if (_depth < MaxTrail)
        {
            _trailFields[_depth] = field;
            _trailIndex[_depth] = index;
        }
    }

    /// <summary>A well-formed buffer that uses what a newer schema added: refused, never read in part.</summary>
    private readonly void FailNewer(string problem) =>
        ThrowHelper.Data($"{_what}{Where()}: {problem}: written by a newer SlateDB than this SlateFast reads");

    private readonly void Fail(string problem) =>
        ThrowHelper.Data($"invalid {_what} flatbuffer{Where()}: {problem}");

    private readonly string Where()
    {
        var path = new StringBuilder();
        for (int d = 1; d <= Math.Min(_depth, MaxTrail - 1); d++)
        {
            if (_trailFields[d] is not { } f)
            {
                break;
            }

            if (path.Length > 0)
            {
                path.Append('.');
            }

            path.Append(f.Name);
            if (_trailIndex[d] >= 0)
            {
                path.Append('[').Append(_trailIndex[d]).Append(']');
            }
        }

        return path.Length == 0 ? string.Empty : $" at {path}";
    }
}
