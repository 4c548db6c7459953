namespace SlateFast;

/// <summary>Which writes a read may see.</summary>
public enum DurabilityFilter
{
    /// <summary>Every applied write, durable or not (SlateDB's default).</summary>
    Memory,

    /// <summary>Only writes durable in the object store: a write still waiting for its WAL object is invisible.</summary>
    Remote,
}

/// <summary>The order a scan returns keys in.</summary>
public enum IterationOrder
{
    /// <summary>Smallest key first.</summary>
    Ascending,

    /// <summary>Largest key first.</summary>
    Descending,
}

/// <summary>Options of a point read, with SlateDB 0.12's defaults.</summary>
public sealed record ReadOptions
{
    /// <summary>The defaults.</summary>
    public static ReadOptions Default { get; } = new();

    /// <summary>Which writes the read may see (default <see cref="DurabilityFilter.Memory"/>).</summary>
    public DurabilityFilter DurabilityFilter { get; init; } = DurabilityFilter.Memory;

    /// <summary>
    /// Also see writes whose commit is still in progress (SlateDB's <c>dirty</c>), instead of
    /// stopping at the newest whole commit when the read starts. It never lifts
    /// <see cref="DurabilityFilter.Remote"/>'s bound: such a read still sees only durable writes.
    /// Default false.
    /// </summary>
    public bool Dirty { get; init; }

    /// <summary>Keep blocks this read fetches in the block cache (default true).</summary>
    public bool CacheBlocks { get; init; } = true;

    /// <summary>
    /// Treats a value whose TTL has passed (expire time at or before the database clock's now) as
    /// deleted. Off by default: SlateDB 0.12 returns expired rows until a flush or compaction
    /// rewrites them, and so does SlateFast unless asked.
    /// </summary>
    public bool HideExpired { get; init; }
}
