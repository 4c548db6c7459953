namespace SlateFast;

/// <summary>Options of a scan, with SlateDB 0.12's defaults.</summary>
public sealed record ScanOptions
{
    /// <summary>The defaults.</summary>
    public static ScanOptions Default { get; } = new();

    /// <summary>Which writes the scan may see (default <see cref="DurabilityFilter.Memory"/>).</summary>
    public DurabilityFilter DurabilityFilter { get; init; } = DurabilityFilter.Memory;

    /// <summary>As <see cref="ReadOptions.Dirty"/>: also see commits in progress; never beyond the durable bound of <see cref="DurabilityFilter.Remote"/>. Default false.</summary>
    public bool Dirty { get; init; }

    /// <summary>Bytes of blocks to fetch ahead of the scan position (SlateDB's default is 1: one block at a time).</summary>
    public long ReadAheadBytes { get; init; } = 1;

    /// <summary>Keep blocks this scan fetches in the block cache (default false, so a scan does not evict hot blocks).</summary>
    public bool CacheBlocks { get; init; }

    /// <summary>How many block fetches a scan may have in flight at once (default 1).</summary>
    public int MaxFetchTasks { get; init; } = 1;

    /// <summary>Key order of the results (default ascending).</summary>
    public IterationOrder Order { get; init; } = IterationOrder.Ascending;

    /// <summary>Skips values whose TTL has passed; see <see cref="ReadOptions.HideExpired"/>. Off by default.</summary>
    public bool HideExpired { get; init; }

    internal void Validate()
    {
        if (ReadAheadBytes < 1)
        {
            ThrowHelper.Invalid($"invalid ScanOptions.ReadAheadBytes ({ReadAheadBytes}): must be at least 1");
        }

        if (MaxFetchTasks < 1)
        {
            ThrowHelper.Invalid($"invalid ScanOptions.MaxFetchTasks ({MaxFetchTasks}): must be at least 1");
        }
    }
}
