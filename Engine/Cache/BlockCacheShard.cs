using System.Collections.Concurrent;

namespace SlateFast.Cache;

/// <summary>
/// One slice of a budget: a map for lock-free lookups, and S3-FIFO queues, changed only under
/// the shard's lock, that decide what to evict.
/// </summary>
/// <remarks>
/// S3-FIFO (Yang et al., SOSP 2023): a new block enters a small FIFO holding about a tenth of
/// the budget. Leaving it, a block that was hit moves to the main FIFO; one that was not is
/// evicted and its key hash remembered in a ghost list, so a quick second read sends it
/// straight to main. Main is a FIFO with reinsertion: a block with hits left goes round again
/// with one fewer. Blocks read once (scans, one-off point reads) thus pass through the small
/// queue without pushing out blocks read repeatedly. A hit only bumps a counter, so readers
/// never take the lock or relink anything. RFC 0004 has the measurements against LRU and CLOCK.
/// </remarks>
internal sealed class BlockCacheShard
{
    private const int MaxFrequency = 3;

    private readonly ConcurrentDictionary<BlockCacheKey, CachedBlock> _map;
    private readonly Lock _lock = new();
    private readonly long _budget;
    private readonly long _smallBudget;
    private readonly BlockQueue _small = new();
    private readonly BlockQueue _main = new();
    private readonly Queue<ulong> _ghostOrder = new();
    private readonly HashSet<ulong> _ghost = [];
    private long _bytes;
    private int _count;
    private long _hits;
    private long _misses;
    private long _evictions;

    public BlockCacheShard(long budget)
    {
        _budget = budget;
        _smallBudget = budget / 10;

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
            // Read before write: a hot block sits at the cap, and a plain read keeps its cache
            // line shared between cores.
            if (block.Frequency < MaxFrequency)
            {
                block.Frequency++;
            }

            Interlocked.Increment(ref _hits);
            return block;
        }

        Interlocked.Increment(ref _misses);
        return null;
    }

    public bool Contains(in BlockCacheKey key) => _map.ContainsKey(key);

    /// <summary>
    /// Makes <paramref name="block"/> resident under <paramref name="key"/>, evicting as needed,
    /// unless the key is already resident; returns the resident block with a reference taken for
    /// the caller. The caller keeps its own reference to <paramref name="block"/> either way.
    /// The caller guarantees the block's charge fits the budget.
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

            while (_bytes + block.Charge > _budget && _count > 0)
            {
                EvictOne();
            }

            block.Key = key;
            block.Shard = this;
            block.Frequency = 0;
            block.TryAcquire();
            block.TryAcquire();
            _map[key] = block;
            (_ghost.Remove(key.Hash64()) ? _main : _small).Enqueue(block);
            _bytes += block.Charge;
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

            Detach(block);
        }

        block.Release();
        return true;
    }

    public void Clear()
    {
        CachedBlock? small, main;
        lock (_lock)
        {
            small = _small.DetachAll();
            main = _main.DetachAll();
            _map.Clear();
            _ghost.Clear();
            _ghostOrder.Clear();
            _bytes = 0;
            _count = 0;
        }

        // Release outside the lock: freeing memory is the slow part and needs no queue.
        ReleaseRing(small);
        ReleaseRing(main);
    }

    /// <summary>Checks queues against the map and the byte count; for tests.</summary>
    internal void CheckInvariants()
    {
        lock (_lock)
        {
            var (smallCount, smallBytes) = Walk(_small);
            var (mainCount, mainBytes) = Walk(_main);
            var count = smallCount + mainCount;
            var bytes = smallBytes + mainBytes;
            if (bytes != _bytes || count != _count || count != _map.Count || bytes > _budget
                || smallBytes != _small.Bytes || mainBytes != _main.Bytes || _ghost.Count > _ghostOrder.Count)
            {
                ThrowHelper.Internal($"block cache shard holds {count} blocks / {bytes} bytes; accounted {_count} / {_bytes}; map {_map.Count}; budget {_budget}");
            }
        }
    }

    private (int Count, long Bytes) Walk(BlockQueue queue)
    {
        var count = 0;
        long bytes = 0;
        var block = queue.Head;
        if (block is null)
        {
            return (0, 0);
        }

        do
        {
            if (block.Next!.Prev != block || block.Queue != queue || block.IsFreed || !_map.TryGetValue(block.Key, out var mapped) || mapped != block)
            {
                ThrowHelper.Internal($"block cache queue is inconsistent at {block.Key}");
            }

            count++;
            bytes += block.Charge;
            block = block.Next;
        }
        while (block != queue.Head);
        return (count, bytes);
    }

    private void EvictOne()
    {
        if (_small.Count > 0 && (_small.Bytes >= _smallBudget || _main.Count == 0))
        {
            while (_small.Count > 0)
            {
                var candidate = _small.Dequeue();
                if (candidate.Frequency > 0)
                {
                    // Read again while on probation: keep it, with its count spent.
                    candidate.Frequency = 0;
                    _main.Enqueue(candidate);
                    continue;
                }

                Remember(candidate.Key.Hash64());
                Evict(candidate);
                return;
            }
        }

        // Readers may keep raising counts while this sweeps; after enough turns for every count
        // to drain, evict anyway so an insert never spins on a hot shard.
        var turns = (MaxFrequency + 1) * _main.Count;
        var victim = _main.Dequeue();
        while (victim.Frequency > 0 && turns-- > 0)
        {
            victim.Frequency--;
            _main.Enqueue(victim);
            victim = _main.Dequeue();
        }

        Evict(victim);
    }

    /// <summary>Keeps as many evicted key hashes as blocks are resident (the paper's ghost size).</summary>
    private void Remember(ulong hash)
    {
        if (_ghost.Add(hash))
        {
            _ghostOrder.Enqueue(hash);
        }

        // A hash can leave the set early when it was re-added after an earlier eviction: the
        // ghost is a hint, and a lost hint only sends a block through probation once more.
        while (_ghostOrder.Count > Math.Max(_count, 16))
        {
            _ghost.Remove(_ghostOrder.Dequeue());
        }
    }

    private void Evict(CachedBlock block)
    {
        // The block is already out of its queue; undo the rest of Detach's accounting.
        _map.TryRemove(block.Key, out _);
        block.Shard = null;
        _bytes -= block.Charge;
        _count--;
        _evictions++;
        block.Release();
    }

    private void Detach(CachedBlock block)
    {
        block.Queue!.Remove(block);
        block.Shard = null;
        _bytes -= block.Charge;
        _count--;
    }

    private static void ReleaseRing(CachedBlock? first)
    {
        if (first is null)
        {
            return;
        }

        var block = first;
        do
        {
            var next = block.Next!;
            block.Next = block.Prev = null;
            block.Queue = null;
            block.Shard = null;
            block.Release();
            block = next;
        }
        while (block != first);
    }
}
