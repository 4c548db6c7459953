namespace SlateFast.Cli.Bench;

/// <summary>
/// Latencies in nanoseconds, in log-linear buckets: exact below 128 ns, then 64 buckets per power
/// of two, so a reported percentile is within 1/64 (1.6%) of the true sample. Recording is a
/// couple of shifts and an increment (no allocation, no lock): each worker keeps its own and
/// they are merged at the end.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBucketBits = 6;
    private const int SubBuckets = 1 << SubBucketBits;
    private const int LinearLimit = 2 * SubBuckets;
    private const int Powers = 64 - SubBucketBits;
    private readonly long[] _counts = new long[LinearLimit + (Powers * SubBuckets)];

    /// <summary>Samples recorded.</summary>
    public long Count { get; private set; }

    /// <summary>The largest sample (ns).</summary>
    public long Max { get; private set; }

    /// <summary>The smallest sample (ns); 0 when empty.</summary>
    public long Min { get; private set; } = long.MaxValue;

    /// <summary>The sum of all samples (ns), for the mean.</summary>
    public double Sum { get; private set; }

    public double Mean => Count == 0 ? 0 : Sum / Count;

    public void Record(long nanoseconds)
    {
        var v = Math.Max(0, nanoseconds);
        _counts[BucketOf(v)]++;
        Count++;
        Sum += v;
        if (v > Max)
        {
            Max = v;
        }

        if (v < Min)
        {
            Min = v;
        }
    }

    /// <summary>Records a <see cref="System.Diagnostics.Stopwatch"/> tick interval.</summary>
    public void RecordTicks(long ticks) => Record(TicksToNanoseconds(ticks));

    public static long TicksToNanoseconds(long ticks) =>
        (long)(ticks * (1_000_000_000.0 / System.Diagnostics.Stopwatch.Frequency));

    public void Add(LatencyHistogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }

        Count += other.Count;
        Sum += other.Sum;
        Max = Math.Max(Max, other.Max);
        Min = Math.Min(Min, other.Min);
    }

    /// <summary>
    /// The value at quantile <paramref name="q"/> (0..1): the smallest bucket value v such that at
    /// least ceil(q * Count) samples are at most v, clamped to the recorded min and max. 0 when empty.
    /// </summary>
    public long Percentile(double q)
    {
        if (Count == 0)
        {
            return 0;
        }

        var rank = Math.Max(1, (long)Math.Ceiling(Math.Clamp(q, 0, 1) * Count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return Math.Clamp(UpperBoundOf(i), Min, Max);
            }
        }

        return Max;
    }

    internal static int BucketOf(long v)
    {
        if (v < LinearLimit)
        {
            return (int)v;
        }

        // v >= 128: its top 7 bits (1xxxxxx) pick one of 64 sub-buckets of its power of two.
        var shift = 63 - System.Numerics.BitOperations.LeadingZeroCount((ulong)v) - SubBucketBits;
        var sub = (int)(v >> shift) - SubBuckets;
        return LinearLimit + ((shift - 1) * SubBuckets) + sub;
    }

    /// <summary>The largest value that falls into bucket <paramref name="index"/>.</summary>
    internal static long UpperBoundOf(int index)
    {
        if (index < LinearLimit)
        {
            return index;
        }

        var shift = ((index - LinearLimit) / SubBuckets) + 1;
        var sub = ((index - LinearLimit) % SubBuckets) + SubBuckets;
        return ((long)(sub + 1) << shift) - 1;
    }
}
