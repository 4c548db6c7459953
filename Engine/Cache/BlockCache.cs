namespace SlateFast.Cache;

/// <summary>
/// Decoded SST blocks kept in native memory under two byte budgets: data blocks, and metadata
/// (index, filter, stats). Lookups are lock-free; inserts lock one shard of one budget.
/// </summary>
/// <remarks>
/// Every block handed out is a <see cref="BlockLease"/>: its bytes stay valid until the lease is
/// disposed, whatever the cache does meanwhile, and the memory is freed once the block has left
/// the cache and its last lease is gone. One cache may serve several databases: the key's scope
/// keeps them apart.
/// </remarks>
internal sealed class BlockCache : IDisposable
{
    private readonly BlockAllocator _allocator;
    private readonly BlockCachePartition _data;
    private readonly BlockCachePartition _meta;
    private volatile bool _disposed;

    public BlockCache(BlockCacheOptions? options = null)
        : this(options, NativeBlockAllocator.Instance)
    {
    }

    internal BlockCache(BlockCacheOptions? options, BlockAllocator allocator)
    {
        options ??= new BlockCacheOptions();
        options.Validate();
        Options = options;
        _allocator = allocator;
        _data = new BlockCachePartition(options.DataCapacityBytes, options.ShardCount);
        _meta = new BlockCachePartition(options.MetaCapacityBytes, options.ShardCount);
        Tables = new SstTableCache(options.MetaCapacityBytes);
        BlockCacheMetrics.Register(this);
    }

    public BlockCacheOptions Options { get; }

    /// <summary>Bytes of data blocks resident now.</summary>
    public long DataBytes => _data.Bytes();

    /// <summary>Opened SSTs, whose decoded index, filter and stats are charged to the metadata budget.</summary>
    public SstTableCache Tables { get; }

    /// <summary>Bytes of metadata blocks resident now (not counting <see cref="Tables"/>).</summary>
    public long MetaBytes => _meta.Bytes();

    /// <summary>Looks a block up; on a hit <paramref name="lease"/> holds it until disposed. Allocates nothing.</summary>
    public bool TryGet(in BlockCacheKey key, BlockKind kind, out BlockLease lease)
    {
        var block = PartitionOf(kind).ShardFor(key).TryGet(key);
        if (block is null)
        {
            BlockCacheMetrics.Miss(kind);
            lease = default;
            return false;
        }

        BlockCacheMetrics.Hit(kind);
        lease = new BlockLease(block);
        return true;
    }

    /// <summary>
    /// Rents cache-owned memory of <paramref name="size"/> bytes to fill before
    /// <see cref="Insert(in BlockCacheKey, BlockKind, BlockBuffer)"/>.
    /// </summary>
    public BlockBuffer Rent(int size)
    {
        if (size < 0)
        {
            ThrowHelper.Invalid($"block size must be >= 0, was {size}");
        }

        return new BlockBuffer(new CachedBlock(_allocator, size));
    }

    /// <summary>Copies <paramref name="bytes"/> into cache memory and inserts them; see the buffer overload.</summary>
    public BlockLease Insert(in BlockCacheKey key, BlockKind kind, ReadOnlySpan<byte> bytes)
    {
        var buffer = Rent(bytes.Length);
        bytes.CopyTo(buffer.Span);
        return Insert(key, kind, buffer);
    }

    /// <summary>
    /// Publishes a filled buffer under <paramref name="key"/> and returns a lease on the block now
    /// cached there. If the key was cached already, the lease is on the existing block and the
    /// buffer is freed. A block that cannot be cached (larger than a shard's budget, or empty)
    /// comes back as an uncached lease (<see cref="BlockLease.IsCached"/> false), as does every
    /// block once the cache is disposed. The buffer is consumed either way.
    /// </summary>
    public BlockLease Insert(in BlockCacheKey key, BlockKind kind, BlockBuffer buffer)
    {
        var block = buffer.Block;
        block.Publish();
        var partition = PartitionOf(kind);
        if (_disposed || !partition.Admits(block.Charge))
        {
            return new BlockLease(block);
        }

        var resident = partition.ShardFor(key).Insert(key, block);

        // The buffer's reference: the shard took its own for the cache and the lease.
        block.Release();
        return new BlockLease(resident);
    }

    /// <summary>Drops a block from the cache (both budgets); leases on it stay valid.</summary>
    public bool Remove(in BlockCacheKey key)
    {
        var fromData = _data.ShardFor(key).Remove(key);
        var fromMeta = _meta.ShardFor(key).Remove(key);
        return fromData | fromMeta;
    }

    /// <summary>Drops every block; leases stay valid and free their blocks when disposed.</summary>
    public void Clear()
    {
        _data.Clear();
        _meta.Clear();
    }

    public BlockCacheStats GetStats() => new(_data.Stats(), _meta.Stats());

    /// <summary>Whether a block is resident, without counting a lookup or marking it used; for tests.</summary>
    internal bool Contains(in BlockCacheKey key, BlockKind kind) => PartitionOf(kind).ShardFor(key).Contains(key);

    /// <summary>Checks every shard's ring, map and byte count; for tests.</summary>
    internal void CheckInvariants()
    {
        foreach (var shard in _data.Shards)
        {
            shard.CheckInvariants();
        }

        foreach (var shard in _meta.Shards)
        {
            shard.CheckInvariants();
        }
    }

    /// <summary>
    /// Clears the cache, leaves the gauges and stops caching (later inserts return uncached
    /// leases); outstanding leases stay valid.
    /// </summary>
    public void Dispose()
    {
        _disposed = true;
        Clear();
        BlockCacheMetrics.Unregister(this);
        GC.SuppressFinalize(this);
    }

    // Resident blocks are native memory nothing else would free if the owner forgot Dispose. The
    // partitions are null when the constructor threw (bad options) after the object existed.
    ~BlockCache()
    {
        _data?.Clear();
        _meta?.Clear();
    }

    private BlockCachePartition PartitionOf(BlockKind kind) => kind == BlockKind.Data ? _data : _meta;
}
