using SlateFast.Format;

namespace SlateFast;

/// <summary>
/// Makes one <see cref="ICompactionFilter"/> per compaction job. Configure it in
/// <see cref="DbOptions.CompactionFilter"/> (it also serves <c>slatefast compact</c> and every
/// compactor that opens with those options).
/// </summary>
/// <remarks>
/// A job that starts over (after a transient store failure) gets a new filter: the outputs of the
/// abandoned attempt are discarded, so the new filter sees every row again. Several jobs may run at
/// once, each with its own filter, so the supplier must be thread-safe; a filter is called from
/// one job only.
/// </remarks>
public interface ICompactionFilterSupplier
{
    /// <summary>
    /// Creates the filter for the job described by <paramref name="context"/>. An exception fails
    /// the job (the database keeps its sources; the compactor tries again at a later pass).
    /// </summary>
    ICompactionFilter CreateFilter(CompactionJobContext context);
}

/// <summary>
/// Inspects every row a compaction writes, after the retention rules have dropped the versions
/// nobody can read and merge operands have been folded, and decides what becomes of it.
/// </summary>
/// <remarks>
/// Rows arrive in (key ascending, seq descending) order, each exactly once per job. The filter
/// must not call back into the database. An exception fails the job with
/// <see cref="ErrorKind.Invalid"/> naming the key; nothing of that job reaches the manifest.
/// Changing or dropping a version newer than <see cref="CompactionJobContext.RetentionMinSeq"/>
/// changes what snapshots and transactions reading at that version see.
/// </remarks>
public interface ICompactionFilter
{
    /// <summary>Decides the fate of <paramref name="entry"/>, whose spans are valid only during the call.</summary>
    CompactionDecision Filter(in CompactionEntry entry);

    /// <summary>Called once after the last row of a job that did not fail; an exception fails the job.</summary>
    void OnCompactionEnd();
}

/// <summary>What a compaction job writes into.</summary>
/// <param name="Destination">The id of the sorted run the job writes.</param>
/// <param name="IsDestinationLastRun">True when that run is the oldest: nothing older lies beneath its rows.</param>
/// <param name="ClockTick">The clock tick the job expires TTLs against (the manifest's last L0 clock tick).</param>
/// <param name="RetentionMinSeq">
/// Versions newer than this may be read by a live snapshot, transaction or reader; the newest
/// version at or below it is the one current reads see.
/// </param>
public readonly record struct CompactionJobContext(uint Destination, bool IsDestinationLastRun, long ClockTick, ulong RetentionMinSeq);

/// <summary>One row a compaction is about to write.</summary>
/// <remarks>The public face of the row codecs' own view of a version: it copies nothing.</remarks>
public readonly ref struct CompactionEntry
{
    private readonly Format.Rows.RowEntry _row;

    internal CompactionEntry(Format.Rows.RowEntry row) => _row = row;

    /// <summary>The key.</summary>
    public ReadOnlySpan<byte> Key => _row.Key;

    /// <summary>The value or merge operand; empty for a tombstone.</summary>
    public ReadOnlySpan<byte> Value => _row.Value;

    /// <summary>The sequence number of the version.</summary>
    public ulong Seq => _row.Seq;

    /// <summary>A value, a tombstone or a merge operand.</summary>
    public RowKind Kind => _row.Kind;

    /// <summary>The clock tick of the write, when recorded.</summary>
    public long? CreateTs => _row.CreateTs;

    /// <summary>The clock tick at which the value expires, when it has a TTL.</summary>
    public long? ExpireTs => _row.ExpireTs;
}

/// <summary>What a compaction filter decided for one row.</summary>
public enum CompactionDecisionKind
{
    /// <summary>Write the row unchanged.</summary>
    Keep = 0,

    /// <summary>
    /// Delete the version. A merge operand simply leaves its chain. A value or tombstone is written
    /// as a tombstone at its sequence number, so no older version of the key (in this job or in an
    /// older sorted run) shows through; into the oldest run, where nothing lies beneath, a tombstone
    /// with no older version in the job is not written at all.
    /// </summary>
    Drop = 1,

    /// <summary>Write a tombstone at the row's sequence number (its expiry is cleared).</summary>
    Tombstone = 2,

    /// <summary>Write the given value instead (sequence number, create and expire times stay).</summary>
    Value = 3,

    /// <summary>Write the given merge operand instead (sequence number, create and expire times stay).</summary>
    Merge = 4,
}

/// <summary>The decision of a <see cref="ICompactionFilter"/> for one row.</summary>
public readonly struct CompactionDecision
{
    private CompactionDecision(CompactionDecisionKind kind, ReadOnlyMemory<byte> value)
    {
        Kind = kind;
        NewValue = value;
    }

    /// <summary>Write the row unchanged.</summary>
    public static CompactionDecision Keep => default;

    /// <summary>Delete the version (see <see cref="CompactionDecisionKind.Drop"/>).</summary>
    public static CompactionDecision Drop => new(CompactionDecisionKind.Drop, default);

    /// <summary>Turn the row into a tombstone.</summary>
    public static CompactionDecision Tombstone => new(CompactionDecisionKind.Tombstone, default);

    /// <summary>What to do.</summary>
    public CompactionDecisionKind Kind { get; }

    /// <summary>The new value or operand for <see cref="CompactionDecisionKind.Value"/> and <see cref="CompactionDecisionKind.Merge"/>.</summary>
    public ReadOnlyMemory<byte> NewValue { get; }

    /// <summary>Replace the row's value (a tombstone or operand becomes a value).</summary>
    public static CompactionDecision ReplaceValue(ReadOnlyMemory<byte> value) => new(CompactionDecisionKind.Value, value);

    /// <summary>Replace the row with a merge operand.</summary>
    public static CompactionDecision ReplaceMergeOperand(ReadOnlyMemory<byte> operand) => new(CompactionDecisionKind.Merge, operand);
}
