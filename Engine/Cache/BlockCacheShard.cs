using System.Collections.Concurrent;

namespace SlateFast.Cache;

/// <summary>
/// One slice of a budget: a map for lock-free lookups and a CLOCK ring, changed only under the
/// shard's lock, that decides what to evict.
/// </summary>
/// <remarks>
/// CLOCK (second chance) rather than LRU because a hit only sets a bit: readers never take the
/// lock or relink a list, so hot blocks can be read by every core at once. See RFC 0004 for the
/// measurements. New blocks enter just behind the hand (the last place it looks); the hand
/// clears set bits as it passes and evicts the first block whose bit is clear.
/// </remarks>
internal sealed class BlockCacheShard
{
    private readonly ConcurrentDictionary<BlockCacheKey, CachedBlock> _map;
    private readonly Lock _lock = new();
    private readonly long _budget;
    private CachedBlock? _hand;
    private long _bytes;
    private int _count;
    private long _hits;
    private long _misses;
    private long _evictions;

    public BlockCacheShard(long budget)
    {
        _budget = budget;

        // Writers already serialise on _lock, so one internal lock stripe is enough.
        _map = new ConcurrentDictionary<BlockCacheKey, CachedBlock>(concurrencyLevel: 1, capacity: 31);
    }

    public long Budget => _budget;

    public long Bytes => Volatile.Read(ref _bytes);

    public int Count => Volatile.Read(ref _count);

    public long Hits => Volatile.Read(ref _hits);

    public long Misses => Volatile.Read(ref _misses);

    public long Evictions => Volatile.Read(ref _evictions);

    /// <summary>Returns the block with a reference taken for the caller, or null on a miss.</summary>
    public CachedBlock? TryGet(in BlockCacheKey key)
    {
        // TryAcquire fails only if an eviction freed the block between lookup and acquire: a miss.
        if (_map.TryGetValue(key, out var block) && block.TryAcquire())
        {
            // Read before write: a hot block's bit is usually set already, and a plain read keeps
            // its cache line shared between cores.
            if (!block.Referenced)
            {
                block.Referenced = true;
            }

            Interlocked.Increment(ref _hits);
            return block;
        }

        Interlocked.Increment(ref _misses);
        return null;
    }

    /// <summary>
    /// Makes <paramref name="block"/> resident under <paramref name="key"/>, evicting as needed,
    /// unless the key is already resident; returns the resident block with a reference taken for
    /// the caller. The caller keeps its own reference to <paramref name="block"/> either way.
    /// </summary>
    public CachedBlock Insert(in BlockCacheKey key, CachedBlock block)
    {
        lock (_lock)
        {
            // A resident block always holds the cache's reference, so this acquire cannot fail.
            if (_map.TryGetValue(key, out var existing) && existing.TryAcquire())
            {
                return existing;
            }

            var charge = block.Charge;
            while (_bytes + charge > _budget && _hand is not null)
            {
                EvictOne();
            }

            block.Key = key;
            block.Shard = this;
            block.TryAcquire();
            block.TryAcquire();
            _map[key] = block;
            LinkBehindHand(block);
            _bytes += charge;
            _count++;
            return block;
        }
    }

    public bool Remove(in BlockCacheKey key)
    {
        CachedBlock? block;
        lock (_lock)
        {
            if (!_map.TryRemove(key, out block))
            {
                return false;
            }

            Unlink(block);
        }

        block.Release();
        return true;
    }

    public void Clear()
    {
        CachedBlock? first;
        lock (_lock)
        {
            first = _hand;
            _hand = null;
            _map.Clear();
            _bytes = 0;
            _count = 0;
        }

        // Release outside the lock: freeing memory is the slow part and needs no ring.
        if (first is null)
        {
            return;
        }

        var block = first;
        do
        {
            var next = block.Next!;
            block.Next = block.Prev = null;
            block.Shard = null;
            block.Release();
            block = next;
        }
        while (block != first);
    }

    public bool Contains(in BlockCacheKey key) => _map.ContainsKey(key);

    /// <summary>Checks the ring against the map and the byte count; for tests.</summary>
    internal void CheckInvariants()
    {
        lock (_lock)
        {
            long bytes = 0;
            var count = 0;
            if (_hand is not null)
            {
                var block = _hand;
                do
                {
                    if (block.Next!.Prev != block || !_map.TryGetValue(block.Key, out var mapped) || mapped != block || block.IsFreed)
                    {
                        ThrowHelper.Internal($"block cache ring is inconsistent at {block.Key}");
                    }

                    bytes += block.Charge;
                    count++;
                    block = block.Next;
                }
                while (block != _hand);
            }

            if (bytes != _bytes || count != _count || count != _map.Count || bytes > _budget)
            {
                ThrowHelper.Internal($"block cache shard holds {count} blocks / {bytes} bytes; accounted {_count} / {_bytes}; map {_map.Count}; budget {_budget}");
            }
        }
    }

    private void EvictOne()
    {
        // Readers may keep setting bits while the hand sweeps; after two full turns evict anyway
        // so an insert never spins on a hot shard.
        var turns = 2 * _count;
        var victim = _hand!;
        while (victim.Referenced && turns-- > 0)
        {
            victim.Referenced = false;
            victim = victim.Next!;
        }

        _hand = victim;
        _map.TryRemove(victim.Key, out _);
        Unlink(victim);
        _evictions++;
        victim.Release();
    }

    private void LinkBehindHand(CachedBlock block)
    {
        block.Referenced = false;
        if (_hand is null)
        {
            block.Next = block.Prev = block;
            _hand = block;
            return;
        }

        var tail = _hand.Prev!;
        block.Prev = tail;
        block.Next = _hand;
        tail.Next = block;
        _hand.Prev = block;
    }

    private void Unlink(CachedBlock block)
    {
        if (block.Next == block)
        {
            _hand = null;
        }
        else
        {
            block.Prev!.Next = block.Next;
            block.Next!.Prev = block.Prev;
            if (_hand == block)
            {
                _hand = block.Next;
            }
        }

        block.Next = block.Prev = null;
        block.Shard = null;
        _bytes -= block.Charge;
        _count--;
    }
}
