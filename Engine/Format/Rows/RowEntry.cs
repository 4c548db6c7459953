namespace SlateFast.Format.Rows;

/// <summary>
/// One version of a key as the row codecs see it: spans into the caller's memory, no copies.
/// A tombstone has an empty <see cref="Value"/>.
/// </summary>
internal readonly ref struct RowEntry
{
    /// <summary>Creates a row view; a tombstone with a non-empty value is <see cref="ErrorKind.Invalid"/>.</summary>
    public RowEntry(
        ReadOnlySpan<byte> key,
        ReadOnlySpan<byte> value,
        ulong seq,
        RowKind kind,
        long? expireTs = null,
        long? createTs = null)
    {
        if (kind == RowKind.Tombstone && !value.IsEmpty)
        {
            ThrowHelper.Invalid("a tombstone has no value");
        }

        if ((uint)kind > (uint)RowKind.Merge)
        {
            ThrowHelper.Invalid($"unknown row kind {kind}");
        }

        Key = key;
        Value = value;
        Seq = seq;
        Kind = kind;
        ExpireTs = expireTs;
        CreateTs = createTs;
    }

    public ReadOnlySpan<byte> Key { get; }

    public ReadOnlySpan<byte> Value { get; }

    public ulong Seq { get; }

    public RowKind Kind { get; }

    /// <summary>Absolute expiry tick (ms since the Unix epoch), if the row has a TTL.</summary>
    public long? ExpireTs { get; }

    /// <summary>Creation tick (ms since the Unix epoch); SlateDB sets it on every user write.</summary>
    public long? CreateTs { get; }

    /// <summary>The flags byte this row is written with.</summary>
    public byte Flags => RowFlags.Encode(Kind, ExpireTs.HasValue, CreateTs.HasValue);

    public static RowEntry Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, ulong seq, long? createTs = null, long? expireTs = null) =>
        new(key, value, seq, RowKind.Value, expireTs, createTs);

    public static RowEntry Delete(ReadOnlySpan<byte> key, ulong seq, long? createTs = null) =>
        new(key, default, seq, RowKind.Tombstone, null, createTs);

    public static RowEntry MergeOperand(ReadOnlySpan<byte> key, ReadOnlySpan<byte> operand, ulong seq, long? createTs = null, long? expireTs = null) =>
        new(key, operand, seq, RowKind.Merge, expireTs, createTs);
}
