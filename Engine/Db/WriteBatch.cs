using SlateFast.Format;

namespace SlateFast;

/// <summary>
/// Writes applied atomically: all rows of a batch share one sequence number, land in one WAL
/// object, and become visible together. Within a batch a later put or delete of a key replaces
/// an earlier one.
/// </summary>
public sealed class WriteBatch
{
    private readonly List<BatchOp> _ops = [];

    /// <summary>Operations in the batch.</summary>
    public int Count => _ops.Count;

    /// <summary>Adds a put.</summary>
    public WriteBatch Put(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, PutOptions? options = null)
    {
        Keys.Validate(key);
        Keys.ValidateValue(value.Length);
        _ops.Add(new BatchOp(key.ToArray(), value.ToArray(), RowKind.Value, (options ?? PutOptions.Default).Ttl));
        return this;
    }

    /// <summary>Adds a delete.</summary>
    public WriteBatch Delete(ReadOnlySpan<byte> key)
    {
        Keys.Validate(key);
        _ops.Add(new BatchOp(key.ToArray(), [], RowKind.Tombstone, Ttl.NoExpiry));
        return this;
    }

    /// <summary>Adds a merge operand.</summary>
    public WriteBatch Merge(ReadOnlySpan<byte> key, ReadOnlySpan<byte> operand, PutOptions? options = null)
    {
        Keys.Validate(key);
        Keys.ValidateValue(operand.Length);
        _ops.Add(new BatchOp(key.ToArray(), operand.ToArray(), RowKind.Merge, (options ?? PutOptions.Default).Ttl));
        return this;
    }

    /// <summary>Removes every operation.</summary>
    public void Clear() => _ops.Clear();

    /// <summary>
    /// The rows to commit: one per key in ascending key order, the last put or delete of a key
    /// winning; merges of one key after its last put or delete are kept in order.
    /// </summary>
    internal List<BatchOp> Resolve()
    {
        var byKey = new SortedDictionary<byte[], List<BatchOp>>(ByteArrayComparer.Instance);
        foreach (var op in _ops)
        {
            if (!byKey.TryGetValue(op.Key, out var list))
            {
                byKey[op.Key] = list = [];
            }

            if (op.Kind != RowKind.Merge)
            {
                list.Clear();
            }

            list.Add(op);
        }

        var rows = new List<BatchOp>(byKey.Count);
        foreach (var (key, ops) in byKey)
        {
            if (ops.Count(o => o.Kind == RowKind.Merge) > 1 || (ops.Count > 1 && ops[^1].Kind == RowKind.Merge))
            {
                // Rows of one batch share a sequence number, so one key can have only one row.
                ThrowHelper.Invalid($"batch has several operations on key {Convert.ToHexString(key)} that need a merge operator to combine");
            }

            rows.Add(ops[^1]);
        }

        return rows;
    }

    internal sealed record BatchOp(byte[] Key, byte[] Value, RowKind Kind, Ttl Ttl);
}

/// <summary>Orders byte arrays as unsigned bytes, like keys.</summary>
internal sealed class ByteArrayComparer : IComparer<byte[]>, IEqualityComparer<byte[]>
{
    public static ByteArrayComparer Instance { get; } = new();

    public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);

    public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

    public int GetHashCode(byte[] obj)
    {
        var hash = new HashCode();
        hash.AddBytes(obj);
        return hash.ToHashCode();
    }
}

/// <summary>Key and value limits (spec §1).</summary>
internal static class Keys
{
    public const int MaxKeyLength = 65_535;

    public static void Validate(ReadOnlySpan<byte> key)
    {
        if (key.IsEmpty || key.Length > MaxKeyLength)
        {
            ThrowHelper.Invalid($"key length must be 1..{MaxKeyLength} bytes, got {key.Length}");
        }
    }

    public static void ValidateValue(long length)
    {
        if (length > uint.MaxValue)
        {
            ThrowHelper.Invalid($"value length must be at most {uint.MaxValue} bytes, got {length}");
        }
    }
}
