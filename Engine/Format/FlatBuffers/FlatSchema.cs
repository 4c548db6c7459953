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
    private FlatField(string name, int id, FlatKind kind, bool required, FlatTableSchema? table, FlatTableSchema?[]? variants)
    {
        Name = name;
        Id = id;
        Kind = kind;
        Required = required;
        Table = table;
        Variants = variants;
    }

    public string Name { get; }

    public int Id { get; }

    public FlatKind Kind { get; }

    public bool Required { get; }

    /// <summary>The element/target schema for <see cref="FlatKind.Table"/> and <see cref="FlatKind.TableVector"/>.</summary>
    public FlatTableSchema? Table { get; }

    /// <summary>For unions, the schema of each type tag (index = tag; null = unknown, not verified, like Rust).</summary>
    public FlatTableSchema?[]? Variants { get; }

    public static FlatField Scalar(string name, int id, FlatKind kind) => new(name, id, kind, false, null, null);

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
    public FlatTableSchema(string name, params FlatField[] fields)
    {
        Name = name;
        Fields = fields;
    }

    public string Name { get; }

    public FlatField[] Fields { get; }
}
