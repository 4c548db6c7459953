namespace SlateFast.Format.Rows;

/// <summary>
/// A row as decoded from a block, before its key is rebuilt: <see cref="Shared"/> bytes come from
/// another key (the previous key in V2 rows, the block's first key in V0 rows), then
/// <see cref="KeySuffix"/>. Spans point into the block.
/// </summary>
internal readonly ref struct RowParts
{
    public RowParts(int shared, ReadOnlySpan<byte> keySuffix, ReadOnlySpan<byte> value, ulong seq, byte flags, RowKind kind, long expireTs, long createTs, int valueStart, int length)
    {
        ValueStart = valueStart;
        Shared = shared;
        KeySuffix = keySuffix;
        Value = value;
        Seq = seq;
        Flags = flags;
        Kind = kind;
        RawExpireTs = expireTs;
        RawCreateTs = createTs;
        Length = length;
    }

    public int Shared { get; }

    public ReadOnlySpan<byte> KeySuffix { get; }

    public ReadOnlySpan<byte> Value { get; }

    public ulong Seq { get; }

    public byte Flags { get; }

    public RowKind Kind { get; }

    /// <summary>The expire tick; meaningful only when <see cref="Flags"/> has HAS_EXPIRE_TS.</summary>
    public long RawExpireTs { get; }

    /// <summary>The create tick; meaningful only when <see cref="Flags"/> has HAS_CREATE_TS.</summary>
    public long RawCreateTs { get; }

    public long? ExpireTs => (Flags & RowFlags.HasExpireTs) != 0 ? RawExpireTs : null;

    public long? CreateTs => (Flags & RowFlags.HasCreateTs) != 0 ? RawCreateTs : null;

    /// <summary>Where <see cref="Value"/> starts, relative to the start of the row.</summary>
    public int ValueStart { get; }

    /// <summary>Encoded length of the row in bytes.</summary>
    public int Length { get; }
}
