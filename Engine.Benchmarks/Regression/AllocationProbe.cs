namespace SlateFast.Benchmarks.Regression;

/// <summary>
/// Bytes a case allocates per operation on the calling thread, after a warm-up. BenchmarkDotNet's
/// figure counts every thread of the process, so a background flush makes it drift between runs;
/// this one is exact for the caller's path, which is what "0 B per put" promises.
/// </summary>
public static class AllocationProbe
{
    public static double BytesPerOperation(RegressionCase @case, int rounds = 8)
    {
        ArgumentNullException.ThrowIfNull(@case);
        @case.Run(RegressionCase.Ops);
        @case.Run(RegressionCase.Ops);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var r = 0; r < rounds; r++)
        {
            @case.Run(RegressionCase.Ops);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)(rounds * RegressionCase.Ops);
    }
}
