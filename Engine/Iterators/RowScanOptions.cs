namespace SlateFast.Iterators;

/// <summary>How SST sources fetch data blocks during a scan.</summary>
/// <remarks>Defaults are SlateDB 0.12's <c>ScanOptions</c>: one block per request, one request ahead, no caching.</remarks>
internal sealed record RowScanOptions
{
    public static RowScanOptions Default { get; } = new();

    /// <summary>
    /// Bytes of consecutive blocks fetched with one ranged read (at least one block is always
    /// fetched). Larger values trade memory for fewer requests on long scans.
    /// </summary>
    public int ReadAheadBytes { get; init; } = 1;

    /// <summary>Ranged reads kept in flight ahead of the block being read (at least 1).</summary>
    public int MaxFetchTasks { get; init; } = 1;

    /// <summary>Whether fetched blocks are inserted into the block cache. Cached blocks are read from it either way.</summary>
    public bool CacheBlocks { get; init; }

    internal void Validate()
    {
        if (ReadAheadBytes < 1)
        {
            ThrowHelper.Invalid($"read-ahead must be at least 1 byte, was {ReadAheadBytes}");
        }

        if (MaxFetchTasks < 1)
        {
            ThrowHelper.Invalid($"max fetch tasks must be at least 1, was {MaxFetchTasks}");
        }
    }
}
