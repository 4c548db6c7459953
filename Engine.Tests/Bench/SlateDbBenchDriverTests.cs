using System.Text.Json;
using SlateFast.Cli.Bench;
using SlateFast.Tests.Interop;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Bench;

/// <summary>The Node driver of real SlateDB executes SlateFast's plan files and checks them like the C# runner.</summary>
public sealed class SlateDbBenchDriverTests
{
    [Theory]
    [InlineData("overwrite")]
    [InlineData("seekrandom")]
    [InlineData("durable16")]
    public async Task SlateDb_executes_a_tiny_plan_file_and_every_check_passes(string name)
    {
        await SlateDbNode.EnsureInstalledAsync();
        using var folder = new TempFolder("bench-slatedb");
        var plan = WorkloadPlan.Build(Workloads.All.Single(w => w.Name == name), 0.01);
        var planPath = Path.Combine(folder.Path, "plan.bin");
        PlanFile.Write(plan, planPath);
        var resultPath = Path.Combine(folder.Path, "result.json");
        var latencyPath = Path.Combine(folder.Path, "latencies.bin");
        var psi = NodeProcess.StartInfo(
            Environment.GetEnvironmentVariable("SLATEFAST_NODE") ?? "node",
            SlateDbNode.ToolDirectory,
            [Path.Combine(SlateDbNode.ToolDirectory, "bench.mjs"), planPath, Path.Combine(folder.Path, "store"), resultPath, latencyPath]);

        var run = await NodeProcess.RunAsync(psi, SlateDbNode.DefaultTimeout, CancellationToken.None);

        Assert.True(run.ExitCode == 0, run.Stderr);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(resultPath));
        var result = json.RootElement;
        Assert.True(result.GetProperty("mismatches").GetInt64() == 0, result.GetProperty("first_mismatch").ToString());
        Assert.True(result.GetProperty("checked").GetInt64() > 0);
        var completed = result.GetProperty("completed").EnumerateArray().Sum(e => e.GetInt64());
        Assert.Equal(completed * sizeof(double), new FileInfo(latencyPath).Length);
        // Writes reach the store (WAL and L0 objects); warm reads may not touch it at all.
        Assert.True(name == "seekrandom" || result.GetProperty("store_requests").GetInt64() > 0);
        if (!plan.TimeLimited)
        {
            Assert.Equal(plan.Timed.Count, completed);
        }
    }
}
