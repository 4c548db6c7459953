using BenchmarkDotNet.Attributes;

namespace SlateFast.Benchmarks.Regression;

/// <summary>The perf-regression suite as BenchmarkDotNet benchmarks: one parameterised method, one case per parameter.</summary>
[MemoryDiagnoser]
[BenchmarkCategory(Categories.Regression)]
public class RegressionBenchmarks
{
    private RegressionCase _case = null!;

    public static IEnumerable<string> CaseNames => RegressionCases.Names;

    [ParamsSource(nameof(CaseNames))]
    public string Case { get; set; } = RegressionCases.Reference;

    [GlobalSetup]
    public void Setup()
    {
        _case = RegressionCases.Create(Case);
        _case.Setup();
    }

    [GlobalCleanup]
    public void Cleanup() => _case.Dispose();

    [Benchmark(OperationsPerInvoke = RegressionCase.Ops)]
    public long Run() => _case.Run(RegressionCase.Ops);
}
