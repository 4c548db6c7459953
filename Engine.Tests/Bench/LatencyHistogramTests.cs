using FsCheck;
using FsCheck.Fluent;
using SlateFast.Cli.Bench;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Bench;

public sealed class LatencyHistogramTests
{
    private static long ExactPercentile(long[] sorted, double q) =>
        sorted[Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1)];

    [Fact]
    public void An_empty_histogram_reports_zero_for_every_percentile()
    {
        var h = new LatencyHistogram();

        Assert.Equal(0, h.Percentile(0.5));
        Assert.Equal(0, h.Percentile(0.999));
        Assert.Equal(0, h.Count);
    }

    [Fact]
    public void Values_below_128_ns_are_exact()
    {
        var h = new LatencyHistogram();
        for (var v = 1; v <= 100; v++)
        {
            h.Record(v);
        }

        Assert.Equal(50, h.Percentile(0.50));
        Assert.Equal(99, h.Percentile(0.99));
        Assert.Equal(100, h.Percentile(1.0));
        Assert.Equal(1, h.Percentile(0.0));
    }

    [Fact]
    public void Every_value_falls_in_a_bucket_whose_upper_bound_is_at_most_1_64th_above_it()
    {
        var random = new Random(20261121);
        for (var n = 0; n < 100_000; n++)
        {
            var v = (long)Math.Pow(2, random.NextDouble() * 62);
            var bucket = LatencyHistogram.BucketOf(v);
            var upper = LatencyHistogram.UpperBoundOf(bucket);
            Assert.InRange(upper, v, v + (v / 64) + 1);
            Assert.Equal(bucket, LatencyHistogram.BucketOf(upper));
            Assert.NotEqual(bucket, LatencyHistogram.BucketOf(upper + 1));
        }
    }

    [SeededProperty(MaxTest = 200)]
    public Property Percentiles_are_within_one_64th_of_the_exact_sorted_sample() =>
        Prop.ForAll(
            Gen.ListOf(Gen.Choose(0, int.MaxValue)).Where(l => l.Count > 0).ToArbitrary(),
            Gen.Elements(0.5, 0.9, 0.99, 0.999, 1.0).ToArbitrary(),
            (samples, q) =>
            {
                var h = new LatencyHistogram();
                foreach (var s in samples)
                {
                    h.Record(s);
                }

                var sorted = samples.Select(s => (long)s).Order().ToArray();
                var exact = ExactPercentile(sorted, q);
                var reported = h.Percentile(q);
                return reported >= exact && reported <= exact + (exact / 64) + 1;
            });

    [Fact]
    public void Merging_histograms_equals_recording_every_sample_in_one()
    {
        var random = new Random(7);
        var a = new LatencyHistogram();
        var b = new LatencyHistogram();
        var all = new LatencyHistogram();
        for (var i = 0; i < 10_000; i++)
        {
            var v = random.NextInt64(1, 50_000_000);
            (i % 3 == 0 ? a : b).Record(v);
            all.Record(v);
        }

        a.Add(b);

        Assert.Equal(all.Count, a.Count);
        Assert.Equal(all.Max, a.Max);
        Assert.Equal(all.Min, a.Min);
        foreach (var q in new[] { 0.1, 0.5, 0.99, 0.999 })
        {
            Assert.Equal(all.Percentile(q), a.Percentile(q));
        }
    }

    [Fact]
    public void Percentiles_never_exceed_the_largest_sample()
    {
        var h = new LatencyHistogram();
        h.Record(1_000_001);

        Assert.Equal(1_000_001, h.Percentile(0.999));
        Assert.Equal(1_000_001, h.Percentile(0.5));
    }
}
