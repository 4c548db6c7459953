namespace SlateFast.Cache;

/// <summary>
/// Sizes of the in-memory block cache. Data blocks and metadata (SST indexes, bloom filters and
/// stats) have separate byte budgets so a burst of data reads cannot push out the metadata every
/// point read needs first. The defaults are SlateDB's.
/// </summary>
/// <remarks>
/// Each budget is split evenly across <see cref="ShardCount"/> shards, and a block larger than
/// one shard's share (budget / shards) is never cached: it is handed to the reader and freed when
/// the reader is done. With the defaults a shard holds 32 MiB of data or 8 MiB of metadata, far
/// above a 4 KiB data block or the index and filter of a 256 MiB SST. A budget of 0 disables
/// caching for that kind of block. Blocks a reader still holds when they are evicted stay in
/// memory, outside the budget, until the reader releases them.
/// </remarks>
public sealed record BlockCacheOptions
{
    /// <summary>The default data budget: 512 MiB.</summary>
    public const long DefaultDataCapacityBytes = 512L * 1024 * 1024;

    /// <summary>The default metadata budget: 128 MiB.</summary>
    public const long DefaultMetaCapacityBytes = 128L * 1024 * 1024;

    /// <summary>The default number of shards per budget.</summary>
    public const int DefaultShardCount = 16;

    /// <summary>The largest accepted <see cref="ShardCount"/>.</summary>
    public const int MaxShardCount = 1024;

    /// <summary>
    /// Bytes of decompressed data blocks the cache may hold (default 512 MiB, 0 disables).
    /// </summary>
    public long DataCapacityBytes { get; init; } = DefaultDataCapacityBytes;

    /// <summary>
    /// Bytes of decoded index, filter and stats the cache may hold (default 128 MiB, 0 disables).
    /// Opened SSTs are charged here for their whole decoded metadata and closed least recently
    /// used first when it runs out; with 0, every lookup reopens its SST.
    /// </summary>
    public long MetaCapacityBytes { get; init; } = DefaultMetaCapacityBytes;

    /// <summary>
    /// How many independently locked parts each budget is split into: a power of two from 1 to
    /// <see cref="MaxShardCount"/>, default 16. It is fixed rather than derived from the processor
    /// count so that eviction behaves the same on every machine; lookups take no lock at all, so
    /// shards only spread the inserts that follow misses, which wait on I/O anyway.
    /// </summary>
    public int ShardCount { get; init; } = DefaultShardCount;

    /// <summary>Throws <see cref="SlateFastException"/> (<see cref="ErrorKind.Invalid"/>) for a bad setting.</summary>
    internal void Validate()
    {
        if (DataCapacityBytes < 0)
        {
            ThrowHelper.Invalid($"block cache DataCapacityBytes must be >= 0, was {DataCapacityBytes}");
        }

        if (MetaCapacityBytes < 0)
        {
            ThrowHelper.Invalid($"block cache MetaCapacityBytes must be >= 0, was {MetaCapacityBytes}");
        }

        if (ShardCount < 1 || ShardCount > MaxShardCount || (ShardCount & (ShardCount - 1)) != 0)
        {
            ThrowHelper.Invalid($"block cache ShardCount must be a power of two from 1 to {MaxShardCount}, was {ShardCount}");
        }
    }
}
