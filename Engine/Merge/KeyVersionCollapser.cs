using SlateFast.Format;

namespace SlateFast.Merge;

/// <summary>One version of a key as a flush or compaction sees it.</summary>
internal readonly record struct KeyVersion(ulong Seq, RowKind Kind, ReadOnlyMemory<byte> Value, long? CreateTs, long? ExpireTs);

/// <summary>
/// Decides which versions of one key a flush writes (spec §8): a value whose TTL has passed at the
/// flush tick becomes a tombstone and an expired operand disappears; of the versions between two
/// live snapshots (a stripe) only the newest survives; operands at the top of a stripe are folded
/// with the merge operator onto the stripe's value or tombstone (one value row with the newest
/// operand's seq) or, with no base in the stripe, into one operand. Without an operator an operand
/// chain is kept with its base, for readers to fold.
/// </summary>
internal static class KeyVersionCollapser
{
    /// <summary>
    /// Appends to <paramref name="output"/> the rows to write for <paramref name="versions"/>
    /// (newest first, all of one key). <paramref name="snapshots"/> are ascending.
    /// </summary>
    public static void Collapse(ReadOnlySpan<byte> key, IReadOnlyList<KeyVersion> versions, ulong[] snapshots, long expiryTick, IMergeOperator? mergeOperator, List<KeyVersion> output)
    {
        var start = 0;
        while (start < versions.Count)
        {
            // The stripe runs until a version some snapshot reads in preference to the newer ones.
            var end = start + 1;
            while (end < versions.Count && !NeededBySnapshot(snapshots, versions[end].Seq, versions[end - 1].Seq))
            {
                end++;
            }

            CollapseStripe(key, versions, start, end, expiryTick, mergeOperator, output);
            start = end;
        }
    }

    private static void CollapseStripe(ReadOnlySpan<byte> key, IReadOnlyList<KeyVersion> versions, int start, int end, long expiryTick, IMergeOperator? mergeOperator, List<KeyVersion> output)
    {
        List<KeyVersion>? operands = null;
        for (var i = start; i < end; i++)
        {
            var v = Expire(versions[i], expiryTick);
            if (v is not { } version)
            {
                continue;
            }

            if (version.Kind == RowKind.Merge)
            {
                (operands ??= []).Add(version);
                continue;
            }

            if (operands is null)
            {
                output.Add(version);
                return;
            }

            if (mergeOperator is null)
            {
                output.AddRange(operands);
                output.Add(version);
                return;
            }

            // Operands onto a value (or onto nothing after a tombstone): one value, newest operand's seq.
            var hasBase = version.Kind == RowKind.Value;
            var folded = MergeFolding.Fold(mergeOperator, key, hasBase, hasBase ? version.Value.Span : default, OldestFirst(operands));
            var newest = operands[0];
            output.Add(new KeyVersion(newest.Seq, RowKind.Value, folded, newest.CreateTs, MinExpire(operands, hasBase ? version.ExpireTs : null)));
            return;
        }

        if (operands is null)
        {
            return;
        }

        if (mergeOperator is null || operands.Count == 1)
        {
            output.AddRange(operands);
            return;
        }

        // Operands with no base in this stripe: pre-combined into one, still an operand.
        var oldest = operands[^1];
        var rest = OldestFirst(operands);
        rest.RemoveAt(0);
        var combined = MergeFolding.Fold(mergeOperator, key, true, oldest.Value.Span, rest);
        output.Add(new KeyVersion(operands[0].Seq, RowKind.Merge, combined, operands[0].CreateTs, MinExpire(operands, null)));
    }

    private static KeyVersion? Expire(KeyVersion v, long tick)
    {
        if (v.ExpireTs is not { } e || e > tick || v.Kind == RowKind.Tombstone)
        {
            return v;
        }

        return v.Kind == RowKind.Merge ? null : v with { Kind = RowKind.Tombstone, Value = default, ExpireTs = null };
    }

    private static List<ReadOnlyMemory<byte>> OldestFirst(List<KeyVersion> newestFirst)
    {
        var list = new List<ReadOnlyMemory<byte>>(newestFirst.Count);
        for (var i = newestFirst.Count - 1; i >= 0; i--)
        {
            list.Add(newestFirst[i].Value);
        }

        return list;
    }

    private static long? MinExpire(List<KeyVersion> operands, long? baseExpire)
    {
        var min = baseExpire;
        foreach (var o in operands)
        {
            if (o.ExpireTs is { } e && (min is null || e < min))
            {
                min = e;
            }
        }

        return min;
    }

    /// <summary>Whether a snapshot at s with seq &lt;= s &lt; newerSeq exists: it reads this version, not the newer one.</summary>
    public static bool NeededBySnapshot(ulong[] snapshots, ulong seq, ulong newerSeq)
    {
        var i = Array.BinarySearch(snapshots, seq);
        if (i < 0)
        {
            i = ~i;
        }

        return i < snapshots.Length && snapshots[i] < newerSeq;
    }
}
