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
    internal List<BatchOp> Resolve(IMergeOperator? mergeOperator = null)
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
            rows.Add(Combine(key, ops, mergeOperator));
        }

        return rows;
    }

    /// <summary>
    /// One row for a key's operations (a put or delete, then operands), as rows of one batch share
    /// a sequence number: operands are folded onto the put (a value), onto nothing after a delete
    /// (a value), or with each other (one operand), through the merge operator.
    /// </summary>
    internal static BatchOp Combine(byte[] key, List<BatchOp> ops, IMergeOperator? mergeOperator)
    {
        if (ops.Count == 1)
        {
            return ops[0];
        }

        if (mergeOperator is null)
        {
            ThrowHelper.Invalid($"batch has several operations on key {Convert.ToHexString(key)} that need a merge operator to combine");
        }

        var last = ops[^1];
        if (ops[0].Kind == RowKind.Merge)
        {
            var rest = ops.Skip(1).Select(o => (ReadOnlyMemory<byte>)o.Value).ToList();
            return last with { Kind = RowKind.Merge, Value = SlateFast.MergeOperator.MergeFolding.Fold(mergeOperator, key, true, ops[0].Value, rest) };
        }

        var operands = ops.Skip(1).Select(o => (ReadOnlyMemory<byte>)o.Value).ToList();
        var hasBase = ops[0].Kind == RowKind.Value;
        return last with { Kind = RowKind.Value, Value = SlateFast.MergeOperator.MergeFolding.Fold(mergeOperator, key, hasBase, hasBase ? ops[0].Value : default, operands) };
    }

    internal sealed record BatchOp(byte[] Key, byte[] Value, RowKind Kind, Ttl Ttl);
}
