namespace SlateFast.Cache;

/// <summary>One byte budget (data or metadata) split across independently locked shards.</summary>
internal sealed class BlockCachePartition
{
    private readonly BlockCacheShard[] _shards;
    private readonly int _mask;

    public BlockCachePartition(long capacity, int shardCount)
    {
        Capacity = capacity;
        ShardBudget = capacity / shardCount;
        _mask = shardCount - 1;
        _shards = new BlockCacheShard[shardCount];
        for (var i = 0; i < shardCount; i++)
        {
            _shards[i] = new BlockCacheShard(ShardBudget);
        }
    }

    public long Capacity { get; }

    /// <summary>Each shard's share; blocks larger than this are never cached.</summary>
    public long ShardBudget { get; }

    internal ReadOnlySpan<BlockCacheShard> Shards => _shards;

    public BlockCacheShard ShardFor(in BlockCacheKey key) => _shards[(int)(key.Hash64() >> 40) & _mask];

    public bool Admits(long charge) => charge > 0 && charge <= ShardBudget;

    public void Clear()
    {
        foreach (var shard in _shards)
        {
            shard.Clear();
        }
    }

    public BudgetStats Stats()
    {
        long count = 0, bytes = 0, hits = 0, misses = 0, evictions = 0;
        foreach (var shard in _shards)
        {
            count += shard.Count;
            bytes += shard.Bytes;
            hits += shard.Hits;
            misses += shard.Misses;
            evictions += shard.Evictions;
        }

        return new BudgetStats(count, bytes, Capacity, hits, misses, evictions);
    }

    public long Bytes()
    {
        long bytes = 0;
        foreach (var shard in _shards)
        {
            bytes += shard.Bytes;
        }

        return bytes;
    }
}
