namespace SlateFast;

/// <summary>
/// A cache of SST bytes on local disk in front of the object store (SlateDB's
/// <c>object_store_cache_options</c>, with its setting names and defaults). Off until
/// <see cref="RootFolder"/> is set. Worth it when the store is remote (S3): a read that misses
/// the in-memory block cache then costs a local file read instead of a request. The cache
/// survives restarts; see RFC 0023 for why it can never serve stale bytes.
/// </summary>
public sealed record ObjectStoreCacheOptions
{
    /// <summary>The default budget: 16 GiB.</summary>
    public const long DefaultMaxCacheSizeBytes = 16L * 1024 * 1024 * 1024;

    /// <summary>The default part size: 4 MiB.</summary>
    public const int DefaultPartSizeBytes = 4 * 1024 * 1024;

    /// <summary>The folder that holds the cache files; null (the default) disables the cache.</summary>
    public string? RootFolder { get; init; }

    /// <summary>
    /// The most bytes the cache's files may take on disk; the least recently read parts are
    /// removed to stay under it. Databases that share a folder in one process share one budget,
    /// the smallest any of them asked for.
    /// </summary>
    public long MaxCacheSizeBytes { get; init; } = DefaultMaxCacheSizeBytes;

    /// <summary>
    /// Objects are cached in aligned parts of this size (a multiple of 1 KiB, at most 64 MiB): a
    /// miss fetches the whole part around the bytes asked for, so neighbouring blocks hit.
    /// </summary>
    public int PartSizeBytes { get; init; } = DefaultPartSizeBytes;

    /// <summary>Whether SSTs this process writes (flushes, compactions) enter the cache as they are written.</summary>
    public bool CachePuts { get; init; }

    /// <summary>Which SSTs the cache loads in the background when a database opens; null loads none.</summary>
    public PreloadLevel? PreloadDiskCacheOnStartup { get; init; }

    internal bool Enabled => RootFolder is not null;

    internal void Validate(string owner)
    {
        if (RootFolder is not null && string.IsNullOrWhiteSpace(RootFolder))
        {
            ThrowHelper.Invalid($"invalid {owner}.ObjectStoreCache.RootFolder (\"{RootFolder}\"): must name a folder or be null");
        }

        if (MaxCacheSizeBytes <= 0)
        {
            ThrowHelper.Invalid($"invalid {owner}.ObjectStoreCache.MaxCacheSizeBytes ({MaxCacheSizeBytes}): must be positive");
        }

        if (PartSizeBytes is < 1024 or > 64 * 1024 * 1024 || PartSizeBytes % 1024 != 0)
        {
            ThrowHelper.Invalid($"invalid {owner}.ObjectStoreCache.PartSizeBytes ({PartSizeBytes}): must be a multiple of 1 KiB from 1 KiB to 64 MiB");
        }

        if (PreloadDiskCacheOnStartup is { } level && !Enum.IsDefined(level))
        {
            ThrowHelper.Invalid($"invalid {owner}.ObjectStoreCache.PreloadDiskCacheOnStartup ({level}): must be L0Sst or AllSst");
        }
    }
}

/// <summary>Which SSTs the disk cache loads when a database opens (SlateDB's <c>PreloadLevel</c>).</summary>
public enum PreloadLevel
{
    /// <summary>The L0 SSTs, newest first: the most recently written data.</summary>
    L0Sst,

    /// <summary>The L0 SSTs, then the sorted runs newest first, until the budget is full.</summary>
    AllSst,
}
