namespace SlateFast;

/// <summary>
/// What a <see cref="DbHandle"/> or <see cref="DbReader"/> shows at one moment (SlateDB's
/// <c>DbStatus</c>, plus what SlateFast can say about its state). A value: two equal statuses
/// describe the same state.
/// </summary>
/// <param name="DurableSeq">The highest sequence number that is durable (for a reader: the highest it can see, all of it durable).</param>
/// <param name="LastSeq">The highest sequence number a read sees now (a writer's non-durable writes included).</param>
/// <param name="CloseReason">Why it is closed; <see cref="SlateFast.CloseReason.None"/> while open.</param>
/// <param name="CloseMessage">What closed it, when closed.</param>
/// <param name="ManifestId">The manifest version whose SSTs reads consult.</param>
/// <param name="WriterEpoch">That manifest's writer epoch.</param>
/// <param name="CompactorEpoch">That manifest's compactor epoch.</param>
/// <param name="LastL0Seq">The highest sequence number flushed into L0 SSTs.</param>
/// <param name="LastL0FlushTime">When the newest L0 SST was written (from its ULID), null when there has been none.</param>
/// <param name="FrozenMemtables">Memtables frozen and waiting for their L0 flush (for a reader: replayed WAL tables beyond the newest).</param>
/// <param name="L0Ssts">L0 SSTs in the manifest.</param>
/// <param name="SortedRuns">Sorted runs in the manifest.</param>
public sealed record DbStatus(
    ulong DurableSeq,
    ulong LastSeq,
    CloseReason CloseReason,
    string? CloseMessage,
    ulong ManifestId,
    ulong WriterEpoch,
    ulong CompactorEpoch,
    ulong LastL0Seq,
    DateTimeOffset? LastL0FlushTime,
    int FrozenMemtables,
    int L0Ssts,
    int SortedRuns)
{
    /// <summary>Whether it is closed (cleanly, fenced or after a failure).</summary>
    public bool IsClosed => CloseReason != CloseReason.None;
}
