using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using SlateFast.Diagnostics;

namespace SlateFast.Cache;

/// <summary>
/// The block cache's instruments on the shared meter, named like SlateDB's <c>dbcache</c> stats.
/// Created once per process: every cache adds to the same counters, and the byte gauges sum all
/// live caches, so tests and multi-database processes do not pile up instruments.
/// </summary>
internal static class BlockCacheMetrics
{
    private static readonly Counter<long> s_dataHit = Create("data_block_hit", "Data block lookups served by the block cache");
    private static readonly Counter<long> s_dataMiss = Create("data_block_miss", "Data block lookups the block cache could not serve");
    private static readonly Counter<long> s_indexHit = Create("index_hit", "SST index lookups served by the block cache");
    private static readonly Counter<long> s_indexMiss = Create("index_miss", "SST index lookups the block cache could not serve");
    private static readonly Counter<long> s_filterHit = Create("filter_hit", "Bloom filter lookups served by the block cache");
    private static readonly Counter<long> s_filterMiss = Create("filter_miss", "Bloom filter lookups the block cache could not serve");
    private static readonly Counter<long> s_statsHit = Create("stats_hit", "SST stats lookups served by the block cache");
    private static readonly Counter<long> s_statsMiss = Create("stats_miss", "SST stats lookups the block cache could not serve");

    // Weak, so a cache that is dropped without Dispose still disappears from the gauges.
    private static readonly ConditionalWeakTable<BlockCache, object?> s_caches = [];

    static BlockCacheMetrics()
    {
        SlateFastMetrics.Meter.CreateObservableGauge("slatefast.dbcache.data_bytes", () => Sum(meta: false), "By", "Bytes of data blocks held by block caches");
        SlateFastMetrics.Meter.CreateObservableGauge("slatefast.dbcache.meta_bytes", () => Sum(meta: true), "By", "Bytes of index, filter and stats blocks held by block caches");
    }

    public static void Register(BlockCache cache) => s_caches.AddOrUpdate(cache, null);

    public static void Unregister(BlockCache cache) => s_caches.Remove(cache);

    public static void Hit(BlockKind kind)
    {
        switch (kind)
        {
            case BlockKind.Data: s_dataHit.Add(1); break;
            case BlockKind.Index: s_indexHit.Add(1); break;
            case BlockKind.Filter: s_filterHit.Add(1); break;
            default: s_statsHit.Add(1); break;
        }
    }

    public static void Miss(BlockKind kind)
    {
        switch (kind)
        {
            case BlockKind.Data: s_dataMiss.Add(1); break;
            case BlockKind.Index: s_indexMiss.Add(1); break;
            case BlockKind.Filter: s_filterMiss.Add(1); break;
            default: s_statsMiss.Add(1); break;
        }
    }

    private static Counter<long> Create(string name, string description) =>
        SlateFastMetrics.Meter.CreateCounter<long>("slatefast.dbcache." + name, "{lookup}", description);

    private static long Sum(bool meta)
    {
        long bytes = 0;
        foreach (var (cache, _) in s_caches)
        {
            bytes += meta ? cache.MetaBytes + cache.Tables.Bytes : cache.DataBytes;
        }

        return bytes;
    }
}
