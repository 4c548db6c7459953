using SlateFast.Cli.Bench;

namespace SlateFast.Tests.Bench;

public sealed class BenchFormatTests
{
    [Fact]
    public void A_workload_an_engine_cannot_run_prints_as_na_and_not_as_a_failure()
    {
        var ran = new WorkloadResult { Workload = "seekrandom", Engine = "rocksdb", Ops = 100, Seconds = 1, Checked = 101 };
        var skipped = new WorkloadResult { Workload = "seekrandom", Engine = "faster", NotApplicable = "no ordered scans" };

        var table = BenchFormat.Markdown([ran, skipped]).Split('\n');

        Assert.Equal("n/a (no ordered scans)", BenchFormat.Check(skipped));
        Assert.Contains(table, line => line.StartsWith("| seekrandom | faster | n/a | n/a |", StringComparison.Ordinal) && line.Contains("n/a (no ordered scans)", StringComparison.Ordinal));
        Assert.Contains(table, line => line.StartsWith("| seekrandom | rocksdb | 100 |", StringComparison.Ordinal) && line.Contains("ok (101)", StringComparison.Ordinal));
        Assert.DoesNotContain(table, line => line.Contains("FAILED", StringComparison.Ordinal));
        Assert.Equal(0, skipped.Mismatches);
    }
}
