using SlateFast.Manifest;

namespace SlateFast.Db;

/// <summary>
/// What a read consults, published as one object: the memtables (null once the database is
/// closed) and the manifest whose SSTs hold everything older than them.
/// </summary>
/// <remarks>
/// The two change at different times (a freeze swaps memtables, a flush adds an L0 and drops its
/// memtable, the compactor swaps L0s for a sorted run). Taken separately, a read could pair a
/// memtable with a manifest that already holds its rows, compacted: a merge operand then appears
/// twice at one sequence number, once alone and once folded with everything older, and the read
/// returned the operand without its base. Or it could pair a manifest without a flushed L0 with
/// memtables that no longer hold it, and miss the rows. RocksDB's SuperVersion and SlateDB's
/// <c>DbState</c> snapshot exist for the same reason.
/// </remarks>
internal sealed record ReadState(MemtableSet? Memtables, ManifestState Manifest)
{
    /// <summary>
    /// Whether <paramref name="memtable"/> (a frozen one) is already wholly in this state's
    /// manifest: its L0 landed and was published while a flush that reported a failure is still
    /// retrying. Flushes go oldest first and only they raise the last L0 sequence number, so
    /// covering its newest row covers all of it; a read skips it rather than count its rows twice.
    /// </summary>
    public bool Covers(Memtables.Memtable memtable) => memtable.MaxSeq != 0 && memtable.MaxSeq <= Manifest.LastL0Seq;
}
