namespace SlateFast.Retention;

/// <summary>What a compaction may drop (spec §8; SlateDB's retention iterator).</summary>
/// <param name="MinSeq">
/// The oldest sequence number a reader may still read at: the manifest's
/// <c>recent_snapshot_min_seq</c>, lowered to the oldest live snapshot of an in-process writer.
/// Every version newer than it stays, and the newest version at or below it.
/// </param>
/// <param name="ClockTick">Rows with <c>expire_ts</c> at or before this tick are expired: the manifest's <c>last_l0_clock_tick</c> when the compaction started.</param>
/// <param name="DropTombstones">True when the output is the last (oldest) sorted run: nothing older can hide behind a tombstone.</param>
/// <remarks>
/// Checkpoints need nothing from these rules: a checkpoint pins a whole manifest version and with
/// it the SSTs it lists, which compaction never deletes (the garbage collector honours the pins),
/// and the compactor itself pins the pre-compaction manifest for 15 minutes for readers in flight.
/// </remarks>
internal readonly record struct RetentionRules(ulong MinSeq, long ClockTick, bool DropTombstones);
