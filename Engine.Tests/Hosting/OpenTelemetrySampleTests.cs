using OpenTelemetry;
using OpenTelemetry.Metrics;
using SlateFast.Samples.OpenTelemetry;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Hosting;

/// <summary>
/// The OpenTelemetry sample's wiring (samples/OpenTelemetry) exports SlateFast's instruments: its
/// workload runs with the in-memory exporter in place of the console one.
/// </summary>
/// <remarks>
/// The meter is process-wide and other tests write at the same time, so counts are checked as
/// lower bounds: this workload's own rows are in them, others' may be too.
/// </remarks>
public sealed class OpenTelemetrySampleTests
{
    private const int Rows = 2_000;

    [Fact]
    public async Task The_sample_exports_write_wal_flush_object_store_and_block_cache_instruments()
    {
        using var folder = new TempFolder("otel");
        var exported = new List<Metric>();
        using var meters = Sdk.CreateMeterProviderBuilder().AddSlateFastInstrumentation().AddInMemoryExporter(exported).Build();

        await Workload.RunAsync(folder.Path, Rows);
        Assert.True(meters.ForceFlush());

        var byName = exported.GroupBy(m => m.Name).ToDictionary(g => g.Key, g => g.Last());
        Assert.True(Sum(byName["slatefast.db.write_ops"]) >= Rows);
        Assert.True(Sum(byName["slatefast.db.wal_buffer_flushes"]) >= 1);
        Assert.True(Sum(byName["slatefast.db.wal_buffer_bytes"]) > 0);
        Assert.True(Sum(byName["slatefast.db.immutable_memtable_flushes"]) >= 1);
        Assert.True(Sum(byName["slatefast.object_store.bytes_written"]) > 0);
        Assert.True(Sum(byName["slatefast.dbcache.data_block_miss"]) + Sum(byName["slatefast.dbcache.data_block_hit"]) >= 1);

        var requests = byName["slatefast.object_store.requests"];
        Assert.Equal(MetricType.LongSum, requests.MetricType);
        Assert.Equal("{request}", requests.Unit);
        Assert.Contains("put-if-absent", OpTags(requests));

        var latency = byName["slatefast.object_store.latency"];
        Assert.Equal(MetricType.Histogram, latency.MetricType);
        Assert.Equal("ms", latency.Unit);
        Assert.Equal(SlateFast.Diagnostics.SlateFastMetrics.MeterName, latency.MeterName);
        Assert.Contains(byName.Keys, name => name == "slatefast.native_memory_bytes");
    }

    private static long Sum(Metric metric)
    {
        long sum = 0;
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            sum += point.GetSumLong();
        }

        return sum;
    }

    private static HashSet<string> OpTags(Metric metric)
    {
        var ops = new HashSet<string>(StringComparer.Ordinal);
        foreach (ref readonly var point in metric.GetMetricPoints())
        {
            foreach (var tag in point.Tags)
            {
                if (tag is { Key: "op", Value: string op })
                {
                    ops.Add(op);
                }
            }
        }

        return ops;
    }
}
