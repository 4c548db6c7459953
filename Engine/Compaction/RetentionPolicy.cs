using SlateFast.Format;

namespace SlateFast.Compacting;

/// <summary>One version of the key being compacted; its value lives in the caller's buffer.</summary>
internal struct RowVersion
{
    public ulong Seq;
    public RowKind Kind;
    public long? ExpireTs;
    public long? CreateTs;
    public int ValueOffset;
    public int ValueLength;
}

/// <summary>What a compaction may drop (spec §8; SlateDB's retention iterator).</summary>
/// <param name="MinSeq">
/// The oldest sequence number a reader may still read at: the manifest's
/// <c>recent_snapshot_min_seq</c>, lowered to the oldest live snapshot of an in-process writer.
/// Every version newer than it stays, and the newest version at or below it.
/// </param>
/// <param name="ClockTick">Rows with <c>expire_ts</c> at or before this tick are expired: the manifest's <c>last_l0_clock_tick</c> when the compaction started.</param>
/// <param name="DropTombstones">True when the output is the last (oldest) sorted run: nothing older can hide behind a tombstone.</param>
internal readonly record struct RetentionRules(ulong MinSeq, long ClockTick, bool DropTombstones);

/// <summary>
/// Filters the versions of one key, newest first, in place. Expired values become tombstones
/// (keeping seq and create time), expired merge operands disappear; versions are kept down to and
/// including the first one at or below <see cref="RetentionRules.MinSeq"/>, except that merge
/// operands never end the walk (they still need what lies beneath them); then, into the last run,
/// tombstones at the old end are dropped.
/// </summary>
/// <remarks>
/// Checkpoints need nothing from this filter: a checkpoint pins a whole manifest version and with
/// it the SSTs it lists, which compaction never deletes (the garbage collector honours the pins),
/// and the compactor itself pins the pre-compaction manifest for 15 minutes for readers in flight.
/// </remarks>
internal static class RetentionPolicy
{
    /// <summary>Applies <paramref name="rules"/> to <paramref name="versions"/> (newest first) and returns how many remain at its start.</summary>
    public static int Apply(Span<RowVersion> versions, in RetentionRules rules)
    {
        var kept = 0;
        for (var i = 0; i < versions.Length; i++)
        {
            var v = versions[i];
            if (v.ExpireTs is { } expire && expire <= rules.ClockTick)
            {
                if (v.Kind == RowKind.Merge)
                {
                    continue;
                }

                v.Kind = RowKind.Tombstone;
                v.ExpireTs = null;
                v.ValueLength = 0;
            }

            versions[kept++] = v;
            if (v.Seq <= rules.MinSeq && v.Kind != RowKind.Merge)
            {
                break;
            }
        }

        if (rules.DropTombstones)
        {
            while (kept > 0 && versions[kept - 1].Kind == RowKind.Tombstone)
            {
                kept--;
            }
        }

        return kept;
    }
}
