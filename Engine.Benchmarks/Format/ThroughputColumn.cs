using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace SlateFast.Benchmarks.Format;

/// <summary>Bytes per second from a benchmark's <c>Size</c> parameter and its mean time.</summary>
internal sealed class ThroughputColumn : IColumn
{
    public string Id => nameof(ThroughputColumn);

    public string ColumnName => "Throughput";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Bytes processed per second (Size / Mean)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var size = benchmarkCase.Parameters.Items.FirstOrDefault(p => p.Name == "Size")?.Value;
        var report = summary[benchmarkCase];
        if (size is not int bytes || report?.ResultStatistics is null)
        {
            return "-";
        }

        double gbPerSecond = bytes / (report.ResultStatistics.Mean / 1e9) / 1e9;
        return gbPerSecond.ToString("F2", CultureInfo.InvariantCulture) + " GB/s";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;
}
