using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using SlateFast.Diagnostics;

namespace SlateFast.ObjectStore.DiskCache;

/// <summary>
/// The disk cache's instruments on the shared meter, named like SlateDB's
/// <c>object_store_cache</c> stats. The hit ratio is <c>part_hit_count / part_access_count</c>.
/// </summary>
internal static class DiskCacheMetrics
{
    private const string Prefix = "slatefast.object_store_cache.";
    private static readonly Counter<long> s_access = SlateFastMetrics.Meter.CreateCounter<long>(Prefix + "part_access_count", "{part}", "Part reads asked of the disk cache");
    private static readonly Counter<long> s_hit = SlateFastMetrics.Meter.CreateCounter<long>(Prefix + "part_hit_count", "{part}", "Part reads the disk cache served without the object store");
    private static readonly Counter<long> s_evictedKeys = SlateFastMetrics.Meter.CreateCounter<long>(Prefix + "evicted_keys", "{part}", "Parts removed to stay under the budget");
    private static readonly Counter<long> s_evictedBytes = SlateFastMetrics.Meter.CreateCounter<long>(Prefix + "evicted_bytes", "By", "Bytes removed to stay under the budget");
    private static readonly Counter<long> s_corrupt = SlateFastMetrics.Meter.CreateCounter<long>(Prefix + "corrupt_parts", "{part}", "Cached parts that failed their checksums and were fetched again");

    private static readonly ConditionalWeakTable<DiskCacheStorage, object?> s_storages = [];

    static DiskCacheMetrics()
    {
        SlateFastMetrics.Meter.CreateObservableGauge(Prefix + "cache_keys", () => s_storages.Sum(s => (long)s.Key.Files), "{file}", "Files held by disk caches");
        SlateFastMetrics.Meter.CreateObservableGauge(Prefix + "cache_bytes", () => s_storages.Sum(s => s.Key.Bytes), "By", "Bytes held by disk caches");
    }

    public static void Register(DiskCacheStorage storage) => s_storages.AddOrUpdate(storage, null);

    public static void Access(bool hit)
    {
        s_access.Add(1);
        if (hit)
        {
            s_hit.Add(1);
        }
    }

    public static void Evicted(long bytes)
    {
        s_evictedKeys.Add(1);
        s_evictedBytes.Add(bytes);
    }

    public static void Corrupt() => s_corrupt.Add(1);
}
