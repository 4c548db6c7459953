namespace SlateFast;

/// <summary>How a write is committed.</summary>
public sealed record WriteOptions
{
    /// <summary>The defaults: durable, oracle-assigned sequence number.</summary>
    public static WriteOptions Default { get; } = new();

    /// <summary>Not durable: the call returns once the memtable holds the rows.</summary>
    public static WriteOptions NoWait { get; } = new() { AwaitDurable = false };

    /// <summary>
    /// Return only when the rows are durable: in a WAL object in the store, or with the WAL
    /// disabled, in an L0 SST listed by the manifest. True by default.
    /// </summary>
    public bool AwaitDurable { get; init; } = true;

    /// <summary>
    /// 0 (the default) lets the database assign the sequence number. Any other value is used as
    /// the batch's sequence number and must be strictly greater than every number used so far.
    /// </summary>
    public ulong SeqNum { get; init; }
}
