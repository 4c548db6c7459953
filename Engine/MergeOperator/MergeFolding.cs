using System.Buffers;

namespace SlateFast.MergeOperator;

/// <summary>The engine's uses of a merge operator, with the errors it reports.</summary>
internal static class MergeFolding
{
    public static SlateFastException Missing(ReadOnlySpan<byte> key) =>
        new(ErrorKind.Invalid, $"merge operator missing: key {Convert.ToHexString(key)} has merge operands, and this database was opened without a merge operator; open it with the operator its writers use (DbOptions.MergeOperator)");

    /// <summary>Folds <paramref name="operandsOldestFirst"/> onto an optional base into <paramref name="result"/>.</summary>
    public static void Fold(IMergeOperator? op, ReadOnlySpan<byte> key, bool hasBase, ReadOnlySpan<byte> baseValue, IReadOnlyList<ReadOnlyMemory<byte>> operandsOldestFirst, IBufferWriter<byte> result)
    {
        if (op is null)
        {
            throw Missing(key);
        }

        try
        {
            op.MergeBatch(key, hasBase, baseValue, operandsOldestFirst, result);
        }
        catch (Exception e) when (e is not SlateFastException)
        {
            throw new SlateFastException(ErrorKind.Invalid, $"merge operator '{op.Name}' failed on key {Convert.ToHexString(key)}: {e.Message}", e);
        }
    }

    /// <summary>Folds into a new array.</summary>
    public static byte[] Fold(IMergeOperator? op, ReadOnlySpan<byte> key, bool hasBase, ReadOnlySpan<byte> baseValue, IReadOnlyList<ReadOnlyMemory<byte>> operandsOldestFirst)
    {
        var writer = new ArrayBufferWriter<byte>();
        Fold(op, key, hasBase, baseValue, operandsOldestFirst, writer);
        return writer.WrittenSpan.ToArray();
    }
}
