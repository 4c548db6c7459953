using SlateFast.Format;
using SlateFast.MergeOperator;

namespace SlateFast.Retention;

/// <summary>
/// The rules that decide which versions of one key a flush or a compaction writes (spec §8), in
/// one place: TTL expiry (<see cref="AfterExpiry"/>), the compaction floor
/// (<see cref="ApplyFloor"/>), snapshot stripes and operand folding (<see cref="Collapse"/>).
/// </summary>
/// <remarks>
/// A flush knows every reader (its own snapshots) and keeps the newest version of each stripe
/// between two snapshots. A compaction knows only a floor (<see cref="RetentionRules.MinSeq"/>) a
/// reader may read at and above, so it keeps every version above the floor and the newest at or
/// below it; its operand folding runs the flush's stripes with one stripe per kept version.
/// </remarks>
internal static class VersionRetention
{
    /// <summary>
    /// The TTL rule at <paramref name="tick"/>: an expired value reads as a tombstone (null:
    /// an expired merge operand reads as nothing and is dropped). Unexpired rows keep their kind.
    /// </summary>
    public static RowKind? AfterExpiry(RowKind kind, long? expireTs, long tick) =>
        expireTs is not { } e || e > tick || kind == RowKind.Tombstone ? kind
        : kind == RowKind.Merge ? null
        : RowKind.Tombstone;

    /// <summary>
    /// A compaction's floor, in place over <paramref name="versions"/> (newest first): expiry, then
    /// versions down to and including the first at or below <see cref="RetentionRules.MinSeq"/>
    /// (merge operands never end the walk: they still need what lies beneath them), then, into the
    /// last run, no tombstones at the old end. Returns how many remain at the start.
    /// </summary>
    public static int ApplyFloor(Span<KeyVersion> versions, in RetentionRules rules)
    {
        var kept = 0;
        for (var i = 0; i < versions.Length; i++)
        {
            if (Expire(versions[i], rules.ClockTick) is not { } v)
            {
                continue;
            }

            versions[kept++] = v;
            if (v.Seq <= rules.MinSeq && v.Kind != RowKind.Merge)
            {
                break;
            }
        }

        return rules.DropTombstones ? WithoutOldTombstones(versions[..kept]) : kept;
    }

    /// <summary>How many of <paramref name="newestFirst"/> remain once the tombstones at its old end go (the last run needs none).</summary>
    public static int WithoutOldTombstones(ReadOnlySpan<KeyVersion> newestFirst)
    {
        var kept = newestFirst.Length;
        while (kept > 0 && newestFirst[kept - 1].Kind == RowKind.Tombstone)
        {
            kept--;
        }

        return kept;
    }

    /// <summary>
    /// Of the versions between two live snapshots (a stripe) only the newest survives, after
    /// expiry; operands at the top of a stripe are folded with the merge operator onto the
    /// stripe's value or tombstone (one value row with the newest operand's seq) or, with no base
    /// in the stripe, into one operand. Without an operator an operand chain is kept with its base,
    /// for readers to fold. Appends to <paramref name="output"/> the rows to write for
    /// <paramref name="versions"/> (newest first, all of one key); <paramref name="snapshots"/> are ascending.
    /// </summary>
    public static void Collapse(ReadOnlySpan<byte> key, ReadOnlySpan<KeyVersion> versions, ulong[] snapshots, long expiryTick, IMergeOperator? mergeOperator, List<KeyVersion> output)
    {
        var start = 0;
        while (start < versions.Length)
        {
            // The stripe runs until a version some snapshot reads in preference to the newer ones.
            var end = start + 1;
            while (end < versions.Length && !NeededBySnapshot(snapshots, versions[end].Seq, versions[end - 1].Seq))
            {
                end++;
            }

            CollapseStripe(key, versions, start, end, expiryTick, mergeOperator, output);
            start = end;
        }
    }

    private static void CollapseStripe(ReadOnlySpan<byte> key, ReadOnlySpan<KeyVersion> versions, int start, int end, long expiryTick, IMergeOperator? mergeOperator, List<KeyVersion> output)
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

    private static KeyVersion? Expire(KeyVersion v, long tick) =>
        AfterExpiry(v.Kind, v.ExpireTs, tick) switch
        {
            null => null,
            var kind when kind == v.Kind => v,
            _ => v with { Kind = RowKind.Tombstone, Value = default, ExpireTs = null },
        };

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
