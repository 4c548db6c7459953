namespace SlateFast.Benchmarks.Regression;

/// <summary>
/// One benchmark of the perf-regression suite: a synchronous body run <see cref="Ops"/> times per
/// call, so BenchmarkDotNet can time it and <see cref="AllocationProbe"/> can count the bytes it
/// allocates on the calling thread (the engine's flusher threads do not blur the count).
/// </summary>
public abstract class RegressionCase : IDisposable
{
    public const int Ops = 1024;

    public abstract string Name { get; }

    public virtual void Setup()
    {
    }

    /// <summary>Runs the operation <paramref name="ops"/> times; returns something so the JIT cannot drop the work.</summary>
    public abstract long Run(int ops);

    public virtual void Dispose()
    {
        GC.SuppressFinalize(this);
    }
}
