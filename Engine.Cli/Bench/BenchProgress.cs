namespace SlateFast.Cli.Bench;

/// <summary>
/// Where a running workload is, read by the progress display while workers update it. Each
/// worker counts into its own cache line so progress costs no shared write per operation.
/// </summary>
internal sealed class BenchProgress
{
    private const int Stride = 16;
    private long[] _done = new long[Stride];
    private long _total;
    private long _deadline;
    private long _started;

    public string Phase { get; private set; } = "open";

    /// <summary>Starts a phase of <paramref name="total"/> operations over <paramref name="workers"/> workers, or until a deadline.</summary>
    public void Begin(string phase, long total, int workers = 1, TimeSpan? limit = null)
    {
        _done = new long[Math.Max(1, workers) * Stride];
        Volatile.Write(ref _total, total);
        _started = System.Diagnostics.Stopwatch.GetTimestamp();
        _deadline = limit is { } l ? _started + (long)(l.TotalSeconds * System.Diagnostics.Stopwatch.Frequency) : 0;
        Phase = phase;
    }

    public void Add(int worker, long n) => Volatile.Write(ref _done[worker * Stride], _done[worker * Stride] + n);

    public long Done
    {
        get
        {
            var done = _done;
            long sum = 0;
            for (var i = 0; i < done.Length; i += Stride)
            {
                sum += Volatile.Read(ref done[i]);
            }

            return sum;
        }
    }

    /// <summary>0..1: by operations, or by time for a phase with a deadline.</summary>
    public double Fraction
    {
        get
        {
            if (_deadline != 0)
            {
                var now = System.Diagnostics.Stopwatch.GetTimestamp();
                return Math.Clamp((double)(now - _started) / (_deadline - _started), 0, 1);
            }

            var total = Volatile.Read(ref _total);
            return total <= 0 ? 1 : Math.Clamp((double)Done / total, 0, 1);
        }
    }
}
