namespace SlateFast.Format.FlatBuffers;

/// <summary>What a field holds, as far as verification is concerned.</summary>
internal enum FlatKind : byte
{
    Bool,
    U8,
    I8,
    U16,
    U32,
    U64,
    I64,

    /// <summary><c>[ubyte]</c>.</summary>
    Bytes,

    /// <summary><c>[uint]</c>.</summary>
    U32Vector,
    String,
    Table,
    TableVector,

    /// <summary>A union: <see cref="FlatField.Id"/> is the type tag field, the value is the next id.</summary>
    Union,
}

/// <summary>One field of a table schema: enough for the verifier to check it.</summary>
internal sealed class FlatField
{
    private FlatField(string name, int id, FlatKind kind, bool required, FlatTableSchema? table, FlatTableSchema?[]? variants, sbyte enumMax = sbyte.MaxValue)
    {
        Name = name;
        Id = id;
        Kind = kind;
        Required = required;
        Table = table;
        Variants = variants;
        EnumMax = enumMax;
    }

    public string Name { get; }

    public int Id { get; }

    public FlatKind Kind { get; }

    public bool Required { get; }

    /// <summary>The element/target schema for <see cref="FlatKind.Table"/> and <see cref="FlatKind.TableVector"/>.</summary>
    public FlatTableSchema? Table { get; }

    /// <summary>For unions, the schema of each type tag (index = tag; index 0 is NONE and always null).</summary>
    public FlatTableSchema?[]? Variants { get; }

    /// <summary>For a byte enum (<see cref="FlatKind.I8"/>): its highest value; values from 0 to it are known.</summary>
    public sbyte EnumMax { get; }

    public bool IsEnum => EnumMax != sbyte.MaxValue;

    public static FlatField Scalar(string name, int id, FlatKind kind) => new(name, id, kind, false, null, null);

    /// <summary>A <c>byte</c> enum whose values run from 0 to <paramref name="max"/>; others are a newer schema's.</summary>
    public static FlatField Enum(string name, int id, sbyte max) => new(name, id, FlatKind.I8, false, null, null, max);

    public static FlatField Vector(string name, int id, FlatKind kind, bool required = false) => new(name, id, kind, required, null, null);

    public static FlatField Of(string name, int id, FlatTableSchema table, bool required = false) =>
        new(name, id, FlatKind.Table, required, table, null);

    public static FlatField VectorOf(string name, int id, FlatTableSchema table, bool required = false) =>
        new(name, id, FlatKind.TableVector, required, table, null);

    public static FlatField Union(string name, int typeId, bool required, params FlatTableSchema?[] variants) =>
        new(name, typeId, FlatKind.Union, required, null, variants);
}

/// <summary>A table type as the verifier sees it: a name for messages and its fields.</summary>
internal sealed class FlatTableSchema
{
    private bool[]? _knownIds;

    public FlatTableSchema(string name, params FlatField[] fields)
    {
        Name = name;
        Fields = fields;
    }

    public string Name { get; }

    public FlatField[] Fields { get; }

    /// <summary>
    /// Which field ids the schema has (a union occupies its tag id and the next). A present field
    /// outside this set was written by a newer schema: the verifier refuses it rather than read an
    /// object whose meaning it only partly knows. Computed on first use, because a recursive
    /// schema fills its fields in after construction.
    /// </summary>
    public bool[] KnownIds => _knownIds ??= ComputeKnownIds(Fields);

    public bool Knows(int id) => id < KnownIds.Length && KnownIds[id];

    private static bool[] ComputeKnownIds(FlatField[] fields)
    {
        int slots = 0;
        foreach (var field in fields)
        {
            slots = Math.Max(slots, field.Kind == FlatKind.Union ? field.Id + 2 : field.Id + 1);
        }

        var known = new bool[slots];
        foreach (var field in fields)
        {
            known[field.Id] = true;
            if (field.Kind == FlatKind.Union)
            {
                known[field.Id + 1] = true;
            }
        }

        return known;
    }
}
