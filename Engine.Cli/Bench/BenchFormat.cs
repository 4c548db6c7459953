using System.Globalization;

namespace SlateFast.Cli.Bench;

/// <summary>How figures are written in tables: fixed units people can compare at a glance.</summary>
internal static class BenchFormat
{
    private static readonly CultureInfo s_invariant = CultureInfo.InvariantCulture;

    public static string Rate(double opsPerSecond) => opsPerSecond.ToString("N0", s_invariant);

    public static string Micros(double us) => us switch
    {
        >= 1_000_000 => (us / 1_000_000).ToString("0.00", s_invariant) + " s",
        >= 1_000 => (us / 1_000).ToString("0.00", s_invariant) + " ms",
        >= 100 => us.ToString("0", s_invariant) + " µs",
        _ => us.ToString("0.0", s_invariant) + " µs",
    };

    public static string Mib(long bytes) => (bytes / (1024.0 * 1024)).ToString("0", s_invariant) + " MiB";

    public static string Ratio(double? value) => value is { } v ? v.ToString("0.00", s_invariant) : "–";

    public static string PerThousand(double? value) => value is { } v ? v.ToString(v >= 10 ? "0" : "0.00", s_invariant) : "–";

    public static string Check(WorkloadResult r) =>
        r.NotApplicable is { } why ? $"n/a ({why})" : r.Mismatches == 0 ? $"ok ({r.Checked:N0})" : $"FAILED {r.Mismatches:N0}/{r.Checked:N0}";

    /// <summary>One markdown table of results, in the order given.</summary>
    public static string Markdown(IEnumerable<WorkloadResult> results)
    {
        var w = new StringWriter(s_invariant);
        w.WriteLine("| workload | engine | ops/s | p50 | p99 | p99.9 | write amp | requests / 1k ops | peak RSS | check |");
        w.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var r in results)
        {
            if (r.NotApplicable is not null)
            {
                w.WriteLine($"| {r.Workload} | {r.Engine} | n/a | n/a | n/a | n/a | – | – | – | {Check(r)} |");
                continue;
            }

            w.WriteLine($"| {r.Workload} | {r.Engine} | {Rate(r.OpsPerSecond)} | {Micros(r.P50Us)} | {Micros(r.P99Us)} | {Micros(r.P999Us)} | {Ratio(r.WriteAmplification)} | {PerThousand(r.RequestsPer1000Ops)} | {Mib(r.PeakRssBytes)} | {Check(r)} |");
        }

        return w.ToString();
    }

    public static string Machine() =>
        $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, " +
        $".NET {Environment.Version} ({System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture})";
}
