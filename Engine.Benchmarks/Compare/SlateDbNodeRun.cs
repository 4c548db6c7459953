using System.Diagnostics;
using System.Text.Json;
using SlateFast.Cli.Bench;

namespace SlateFast.Benchmarks.Compare;

/// <summary>
/// Runs a plan against real SlateDB: writes the plan file, runs tools/slatedb-interop/bench.mjs
/// in its own Node process, and turns what it reports (checks, object-store requests from
/// SlateDB's own metrics, bytes written, peak RSS, raw latencies) into a <see cref="WorkloadResult"/>
/// with the same histogram code as the other engines.
/// </summary>
internal static class SlateDbNodeRun
{
    public static async Task<WorkloadResult> RunAsync(WorkloadPlan plan, string folder, string repoRoot, TimeSpan timeout)
    {
        Directory.CreateDirectory(folder);
        var planPath = Path.Combine(folder, "plan.bin");
        var resultPath = Path.Combine(folder, "result.json");
        var latencyPath = Path.Combine(folder, "latencies.bin");
        PlanFile.Write(plan, planPath);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("SLATEFAST_NODE") ?? "node");
        start.ArgumentList.Add(Path.Combine(repoRoot, "tools", "slatedb-interop", "bench.mjs"));
        start.ArgumentList.Add(planPath);
        start.ArgumentList.Add(Path.Combine(folder, "store"));
        start.ArgumentList.Add(resultPath);
        start.ArgumentList.Add(latencyPath);
        await ChildProcess.RunAsync(start, timeout, $"slatedb {plan.Workload.Name}").ConfigureAwait(false);

        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(resultPath).ConfigureAwait(false));
        var root = json.RootElement;
        var histogram = new LatencyHistogram();
        var raw = await File.ReadAllBytesAsync(latencyPath).ConfigureAwait(false);
        foreach (var ns in System.Runtime.InteropServices.MemoryMarshal.Cast<byte, double>(raw))
        {
            histogram.Record((long)ns);
        }

        var completed = root.GetProperty("completed").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        long puts = 0;
        for (var w = 0; w < completed.Length; w++)
        {
            var (first, _) = plan.Timed.Slice(w, plan.Writers);
            for (var i = first; i < first + completed[w]; i++)
            {
                puts += plan.Timed.Kind(i) == OpKind.Put ? 1 : 0;
            }
        }

        return new WorkloadResult
        {
            Workload = plan.Workload.Name,
            Engine = "slatedb",
            Writers = plan.Writers,
            Ops = histogram.Count,
            Seconds = root.GetProperty("seconds").GetDouble(),
            P50Us = histogram.Percentile(0.50) / 1000.0,
            P99Us = histogram.Percentile(0.99) / 1000.0,
            P999Us = histogram.Percentile(0.999) / 1000.0,
            MeanUs = histogram.Mean / 1000.0,
            MaxUs = histogram.Max / 1000.0,
            UserBytesWritten = plan.TimedUserBytes(puts),
            StorageBytesWritten = root.GetProperty("storage_bytes_written").GetInt64(),
            StorageBytesSource = "write-syscalls",
            StoreRequests = root.GetProperty("store_requests").GetInt64(),
            PeakRssBytes = root.GetProperty("peak_rss_bytes").GetInt64(),
            PlanBytes = plan.MemoryBytes,
            Checked = root.GetProperty("checked").GetInt64(),
            Mismatches = root.GetProperty("mismatches").GetInt64(),
            FirstMismatch = root.TryGetProperty("first_mismatch", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null,
            Settings = root.GetProperty("settings").GetString(),
        };
    }
}
