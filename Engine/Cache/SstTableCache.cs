using System.Collections.Concurrent;
using SlateFast.Manifest;
using SlateFast.Sst;

namespace SlateFast.Cache;

/// <summary>
/// Opened SSTs (their decoded index, bloom filter and stats) kept under the metadata byte budget,
/// so a database with thousands of SSTs does not hold every index and filter it ever touched.
/// </summary>
/// <remarks>
/// RocksDB calls this the table cache. An SST's metadata is decoded once at open and used whole
/// by every lookup, so it is cached as one entry charged <see cref="SstFile.MetadataBytes"/>
/// rather than as separate index and filter blocks that each lookup would parse again.
/// Eviction is CLOCK (second chance): a hit sets a bit with one plain write and no lock, and only
/// an insert that takes the total over budget walks the entries, on the miss path that already
/// waits for the object store. An evicted SST stays usable by readers that still hold it; the
/// garbage collector frees it when they are done. A budget of 0 keeps nothing: every lookup
/// opens its SST again.
/// </remarks>
internal sealed class SstTableCache
{
    private readonly ConcurrentDictionary<Ulid, Entry> _entries = new();
    private readonly Lock _evictLock = new();
    private readonly long _capacity;
    private long _bytes;

    public SstTableCache(long capacityBytes)
    {
        _capacity = capacityBytes;
    }

    /// <summary>Bytes of metadata of the SSTs held now.</summary>
    public long Bytes => Volatile.Read(ref _bytes);

    /// <summary>How many SSTs are held (opened or opening).</summary>
    public int Count => _entries.Count;

    /// <summary>
    /// The opened SST <paramref name="id"/>, opening it with <paramref name="open"/> on a miss.
    /// Concurrent misses of one SST share one open; a failed open is forgotten so a later lookup
    /// tries again. A hit allocates nothing.
    /// </summary>
    public ValueTask<SstFile> GetOrOpenAsync<TState>(Ulid id, Func<Ulid, TState, Task<SstFile>> open, TState state, CancellationToken cancellationToken)
    {
        if (_entries.TryGetValue(id, out var entry) && entry.Open.IsCompletedSuccessfully)
        {
            if (entry.Referenced == 0)
            {
                entry.Referenced = 1;
            }

            BlockCacheMetrics.Hit(BlockKind.Index);
            return new ValueTask<SstFile>(entry.Open.Result);
        }

        return Miss(id, open, state, cancellationToken);
    }

    /// <summary>Drops an SST that no manifest refers to any more (compacted away or collected).</summary>
    public void Forget(Ulid id)
    {
        if (_entries.TryRemove(id, out var entry))
        {
            Uncharge(entry);
        }
    }

    /// <summary>The SST if it is open and held, without counting a lookup.</summary>
    public SstFile? TryGetOpened(Ulid id) =>
        _entries.TryGetValue(id, out var entry) && entry.Open.IsCompletedSuccessfully ? entry.Open.Result : null;

    private ValueTask<SstFile> Miss<TState>(Ulid id, Func<Ulid, TState, Task<SstFile>> open, TState state, CancellationToken cancellationToken)
    {
        BlockCacheMetrics.Miss(BlockKind.Index);
        // GetOrAdd may run its factory on several racing threads and keep one result, so the
        // factory only builds the entry; the open starts on first use of the entry that won.
        var entry = _entries.GetOrAdd(id, static (id, args) => new Entry(() => args.open(id, args.state)), (open, state));
        if (entry.Open.IsFaulted || entry.Open.IsCanceled)
        {
            _entries.TryRemove(new KeyValuePair<Ulid, Entry>(id, entry));
            return new ValueTask<SstFile>(entry.Open);
        }

        if (!entry.Open.IsCompleted)
        {
            return new ValueTask<SstFile>(AwaitOpen(id, entry, cancellationToken));
        }

        Admit(id, entry);
        return new ValueTask<SstFile>(entry.Open.Result);
    }

    private async Task<SstFile> AwaitOpen(Ulid id, Entry entry, CancellationToken cancellationToken)
    {
        try
        {
            // The open itself is not cancelled with one caller: others may be waiting for it too.
            await entry.Open.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (entry.Open.IsFaulted || entry.Open.IsCanceled)
        {
            _entries.TryRemove(new KeyValuePair<Ulid, Entry>(id, entry));
            throw;
        }

        Admit(id, entry);
        return entry.Open.Result;
    }

    // Charges a freshly opened SST once, then evicts down to the budget.
    private void Admit(Ulid id, Entry entry)
    {
        // The charge is set before it is marked charged, so a concurrent Uncharge that sees the
        // mark also sees the amount.
        entry.Charge = entry.Open.Result.MetadataBytes;
        if (Interlocked.Exchange(ref entry.Charged, 1) != 0)
        {
            return;
        }

        Interlocked.Add(ref _bytes, entry.Charge);

        // Removed (forgotten or evicted) while it was opening: undo the charge just made.
        if (!_entries.TryGetValue(id, out var current) || !ReferenceEquals(current, entry))
        {
            Uncharge(entry);
            return;
        }

        if (Volatile.Read(ref _bytes) > _capacity)
        {
            Evict();
        }
    }

    private void Evict()
    {
        lock (_evictLock)
        {
            // Two sweeps: the first gives recently used SSTs their second chance, the second
            // takes whatever is left in order until the budget holds.
            for (var sweep = 0; sweep < 2 && Volatile.Read(ref _bytes) > _capacity; sweep++)
            {
                foreach (var (id, entry) in _entries)
                {
                    if (Volatile.Read(ref _bytes) <= _capacity)
                    {
                        return;
                    }

                    if (!entry.Open.IsCompletedSuccessfully)
                    {
                        continue;
                    }

                    if (sweep == 0 && entry.Referenced != 0)
                    {
                        entry.Referenced = 0;
                        continue;
                    }

                    if (_entries.TryRemove(new KeyValuePair<Ulid, Entry>(id, entry)))
                    {
                        Uncharge(entry);
                    }
                }
            }
        }
    }

    private void Uncharge(Entry entry)
    {
        if (Volatile.Read(ref entry.Charged) != 0 && Interlocked.Exchange(ref entry.Uncharged, 1) == 0)
        {
            Interlocked.Add(ref _bytes, -entry.Charge);
        }
    }

    private sealed class Entry(Func<Task<SstFile>> open)
    {
        private readonly Lazy<Task<SstFile>> _open = new(open, LazyThreadSafetyMode.ExecutionAndPublication);

        public Task<SstFile> Open => _open.Value;
        public long Charge;
        public int Charged;
        public int Uncharged;
        public int Referenced = 1;
    }
}
