using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using SlateFast.Cache;
using SlateFast.Diagnostics;
using static SlateFast.Tests.Cache.BlockTestData;

namespace SlateFast.Tests.Cache;

[Collection(nameof(BlockCacheCollection))]
public sealed class BlockCacheMetricsTests
{
    [Fact]
    public void Hits_and_misses_are_counted_under_SlateDBs_dbcache_names()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = Listen(totals);
        using var cache = new BlockCache(new BlockCacheOptions { ShardCount = 2 });
        cache.InsertPattern(1, 100).Dispose();
        cache.InsertPattern(2, 100, BlockKind.Index).Dispose();
        cache.InsertPattern(3, 100, BlockKind.Filter).Dispose();

        cache.Hit(1);
        cache.Hit(1);
        cache.Hit(2, BlockKind.Index);
        cache.Hit(3, BlockKind.Filter);
        cache.Hit(3, BlockKind.Filter);
        cache.Hit(3, BlockKind.Filter);
        foreach (var kind in new[] { BlockKind.Data, BlockKind.Index, BlockKind.Index, BlockKind.Filter, BlockKind.Stats })
        {
            Assert.False(cache.TryGet(Key(99), kind, out _));
        }

        Assert.Equal(2, totals.GetValueOrDefault("slatefast.dbcache.data_block_hit"));
        Assert.Equal(1, totals.GetValueOrDefault("slatefast.dbcache.data_block_miss"));
        Assert.Equal(1, totals.GetValueOrDefault("slatefast.dbcache.index_hit"));
        Assert.Equal(2, totals.GetValueOrDefault("slatefast.dbcache.index_miss"));
        Assert.Equal(3, totals.GetValueOrDefault("slatefast.dbcache.filter_hit"));
        Assert.Equal(1, totals.GetValueOrDefault("slatefast.dbcache.filter_miss"));
        Assert.Equal(1, totals.GetValueOrDefault("slatefast.dbcache.stats_miss"));
    }

    [Fact]
    public void Byte_gauges_report_what_each_budget_holds()
    {
        var observed = new ConcurrentDictionary<string, long>();
        using var listener = Listen(observed, gauges: true);
        listener.RecordObservableInstruments();
        var dataBefore = observed.GetValueOrDefault("slatefast.dbcache.data_bytes");
        var metaBefore = observed.GetValueOrDefault("slatefast.dbcache.meta_bytes");

        using (var cache = new BlockCache())
        {
            cache.InsertPattern(1, 1000).Dispose();
            cache.InsertPattern(2, 300, BlockKind.Filter).Dispose();
            cache.InsertPattern(3, 20, BlockKind.Stats).Dispose();
            listener.RecordObservableInstruments();
            Assert.Equal(dataBefore + 1000, observed["slatefast.dbcache.data_bytes"]);
            Assert.Equal(metaBefore + 320, observed["slatefast.dbcache.meta_bytes"]);
        }

        listener.RecordObservableInstruments();
        Assert.Equal(dataBefore, observed["slatefast.dbcache.data_bytes"]);
    }

    /// <summary>Counters accumulate into totals; gauges overwrite with their latest value.</summary>
    private static MeterListener Listen(ConcurrentDictionary<string, long> values, bool gauges = false)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SlateFastMetrics.MeterName && instrument.Name.StartsWith("slatefast.dbcache.", StringComparison.Ordinal))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (gauges && instrument is ObservableGauge<long>)
            {
                values[instrument.Name] = value;
            }
            else if (!gauges && instrument is Counter<long>)
            {
                values.AddOrUpdate(instrument.Name, value, (_, total) => total + value);
            }
        });
        listener.Start();
        return listener;
    }
}
