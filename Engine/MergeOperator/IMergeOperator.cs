using System.Buffers;

namespace SlateFast;

/// <summary>
/// Combines merge operands (written with <see cref="DbHandle.MergeAsync"/>) with the value they
/// apply to. Configure one in <see cref="DbOptions.MergeOperator"/>; reads, memtable flushes,
/// compactions, write batches and transactions fold operands through it.
/// </summary>
/// <remarks>
/// The operator must be associative: folding operands a then b onto a value must equal folding the
/// single operand <c>Merge(a, b)</c> onto it, because the engine pre-combines operands (several
/// merges of one key in a batch, operands without a base at flush) and folds the result later.
/// It must be deterministic and must not call back into the database. Exceptions it throws reach
/// the caller of the read or write that needed it; in a flush or compaction they fail that job.
/// </remarks>
public interface IMergeOperator
{
    /// <summary>A name for logs and errors.</summary>
    string Name { get; }

    /// <summary>
    /// Writes to <paramref name="result"/> the value of <paramref name="operand"/> applied to
    /// <paramref name="existing"/> (meaningful only when <paramref name="hasExisting"/>; false when
    /// the key has no value: never written, deleted, or for pre-combining two operands, never).
    /// </summary>
    void Merge(ReadOnlySpan<byte> key, bool hasExisting, ReadOnlySpan<byte> existing, ReadOnlySpan<byte> operand, IBufferWriter<byte> result);

    /// <summary>
    /// The batch form: applies <paramref name="operandsOldestFirst"/> in order. The default folds
    /// one at a time through <see cref="Merge"/>; override it when combining many at once is cheaper.
    /// </summary>
    void MergeBatch(ReadOnlySpan<byte> key, bool hasExisting, ReadOnlySpan<byte> existing, IReadOnlyList<ReadOnlyMemory<byte>> operandsOldestFirst, IBufferWriter<byte> result)
    {
        ArgumentNullException.ThrowIfNull(operandsOldestFirst);
        ArgumentNullException.ThrowIfNull(result);
        if (operandsOldestFirst.Count == 0)
        {
            if (hasExisting)
            {
                result.Write(existing);
            }

            return;
        }

        var accumulator = new ArrayBufferWriter<byte>();
        var next = new ArrayBufferWriter<byte>();
        Merge(key, hasExisting, existing, operandsOldestFirst[0].Span, accumulator);
        for (var i = 1; i < operandsOldestFirst.Count; i++)
        {
            next.ResetWrittenCount();
            Merge(key, true, accumulator.WrittenSpan, operandsOldestFirst[i].Span, next);
            (accumulator, next) = (next, accumulator);
        }

        result.Write(accumulator.WrittenSpan);
    }
}

/// <summary>Merge operators SlateFast ships.</summary>
public static class MergeOperators
{
    /// <summary>
    /// Appends the operand to the existing bytes (existing ‖ operand; the operand alone when there
    /// is none): the operator SlateFast's and the interop tool's tests use with SlateDB.
    /// </summary>
    public static IMergeOperator Concat { get; } = new ConcatMergeOperator();

    /// <summary>The operator called <paramref name="name"/> ("concat"), for command lines and the C ABI.</summary>
    public static IMergeOperator FromName(string name) => name switch
    {
        "concat" => Concat,
        _ => ThrowHelper.Invalid<IMergeOperator>($"unknown merge operator '{name}' (known: concat)"),
    };

    private sealed class ConcatMergeOperator : IMergeOperator
    {
        public string Name => "concat";

        public void Merge(ReadOnlySpan<byte> key, bool hasExisting, ReadOnlySpan<byte> existing, ReadOnlySpan<byte> operand, IBufferWriter<byte> result)
        {
            if (hasExisting)
            {
                result.Write(existing);
            }

            result.Write(operand);
        }

        public void MergeBatch(ReadOnlySpan<byte> key, bool hasExisting, ReadOnlySpan<byte> existing, IReadOnlyList<ReadOnlyMemory<byte>> operandsOldestFirst, IBufferWriter<byte> result)
        {
            if (hasExisting)
            {
                result.Write(existing);
            }

            foreach (var operand in operandsOldestFirst)
            {
                result.Write(operand.Span);
            }
        }
    }
}
