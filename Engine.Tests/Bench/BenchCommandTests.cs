using System.Text.Json;
using SlateFast.Cli;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Bench;

public sealed class BenchCommandTests
{

    [Fact]
    public async Task Bench_runs_tiny_workloads_in_the_working_folder_prints_a_table_writes_json_and_cleans_up()
    {
        using var folder = new TempFolder("cli-bench");

        var (exit, output, error) = await SlateFastCli.RunAsync(folder.Path, "bench", "--scale", "tiny", "--workloads", "fillrandom,readrandom,seekrandom,durable1", "--json", "out.json");

        Assert.True(exit == 0, error + output);
        Assert.Contains("workload", output, StringComparison.Ordinal);
        Assert.Contains("readrandom", output, StringComparison.Ordinal);
        Assert.Contains("L0MaxSsts", output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder.Path, "out.json")));
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToArray();
        Assert.Equal(["fillrandom", "readrandom", "seekrandom", "durable1"], results.Select(r => r.GetProperty("workload").GetString()));
        Assert.All(results, r =>
        {
            Assert.Equal(0, r.GetProperty("mismatches").GetInt64());
            Assert.True(r.GetProperty("ops_per_second").GetDouble() > 0);
            Assert.True(r.GetProperty("checked").GetInt64() > 0);
        });
        Assert.False(Directory.Exists(Path.Combine(folder.Path, "slatefast-bench")), "databases are removed without --keep");
    }

    [Fact]
    public async Task With_a_disk_cache_bench_reruns_the_read_workloads_cold_then_warm_and_reports_hit_ratios()
    {
        using var folder = new TempFolder("cli-bench");

        var (exit, output, error) = await SlateFastCli.RunAsync(folder.Path, "bench", "--scale", "tiny", "--workloads", "fillrandom,readrandom", "--disk-cache", "cache", "--json", "out.json");

        Assert.True(exit == 0, error + output);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(folder.Path, "out.json")));
        var results = json.RootElement.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("workload").GetString()!);
        Assert.Equal(["fillrandom", "readrandom", "readrandom (reopened, no disk cache)", "readrandom (cold disk cache)", "readrandom (warm disk cache)"], results.Keys);
        Assert.All(results.Values, r => Assert.Equal(0, r.GetProperty("mismatches").GetInt64()));
        Assert.All(results.Values, r => Assert.True(r.GetProperty("checked").GetInt64() > 0));
        var (cold, warm) = (results["readrandom (cold disk cache)"], results["readrandom (warm disk cache)"]);
        Assert.InRange(cold.GetProperty("disk_cache_hit_ratio").GetDouble(), 0, 0.999);
        Assert.Equal(1.0, warm.GetProperty("disk_cache_hit_ratio").GetDouble());
        Assert.False(results["readrandom (reopened, no disk cache)"].TryGetProperty("disk_cache_hit_ratio", out var none) && none.ValueKind != JsonValueKind.Null);
        Assert.Contains("disk cache hits 100.00", output, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(folder.Path, "cache")));
    }

    [Fact]
    public async Task Bench_keeps_its_databases_at_an_absolute_db_path_with_keep()
    {
        using var folder = new TempFolder("cli-bench");
        var db = Path.Combine(folder.Path, "kept");

        var (exit, _, error) = await SlateFastCli.RunAsync(folder.Path, "bench", "--scale", "tiny", "--workloads", "fillseq", "--db", db, "--keep");

        Assert.True(exit == 0, error);
        Assert.True(Directory.Exists(Path.Combine(db, "fillseq", "manifest")));
    }

    [Fact]
    public async Task Bench_rejects_an_unknown_workload_with_the_list_of_known_ones()
    {
        using var folder = new TempFolder("cli-bench");

        var (exit, _, error) = await SlateFastCli.RunAsync(folder.Path, "bench", "--workloads", "fillfast");

        Assert.Equal(2, exit);
        Assert.Contains("fillrandom", error, StringComparison.Ordinal);
    }
}
