using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.NoEmit;
using Perfolizer.Horology;

namespace SlateFast.Benchmarks.Regression;

/// <summary>
/// <c>perf-regression [--smoke] [--baseline FILE] [--out FILE] [--update] [--tolerance X] [--verbose]</c>:
/// runs the fixed suite, writes its JSON, and compares with the committed baseline. Allocated
/// bytes per operation (calling thread) must not rise at all; a time regresses when its ratio to
/// the reference case grew by more than the tolerance (absolute times drift on shared machines,
/// ratios measured in one run much less). Exit 1 on a regression, with a table of what moved.
/// </summary>
internal static class PerfRegression
{
    public const string DefaultBaseline = "Engine.Benchmarks/Regression/perf-baseline.json";

    public static int Run(string[] args)
    {
        if (Environment.GetEnvironmentVariable("DOTNET_TieredCompilation") != "0")
        {
            // In-process runs would time tier-0 code in short iterations; fully optimised code
            // from the first call makes a 40 ms smoke iteration and a long run measure the same thing.
            return RerunWithoutTiering(args);
        }

        var smoke = args.Contains("--smoke");
        var update = args.Contains("--update");
        var verbose = args.Contains("--verbose");
        var baselinePath = Option(args, "--baseline") ?? DefaultBaseline;
        var outPath = Option(args, "--out");
        var tolerance = double.Parse(Option(args, "--tolerance") ?? (smoke ? "3.0" : "1.25"), CultureInfo.InvariantCulture);

        var run = Measure(smoke, verbose);
        var json = JsonSerializer.Serialize(run, s_json);
        if (outPath is not null)
        {
            File.WriteAllText(outPath, json);
        }

        if (update)
        {
            File.WriteAllText(baselinePath, json + "\n");
            Console.WriteLine($"perf-regression: baseline written to {baselinePath}");
            Print(run, null, tolerance);
            return 0;
        }

        if (!File.Exists(baselinePath))
        {
            Console.Error.WriteLine($"perf-regression: no baseline at {baselinePath} (run with --update to create one)");
            Print(run, null, tolerance);
            return 2;
        }

        var baseline = JsonSerializer.Deserialize<PerfRun>(File.ReadAllText(baselinePath), s_json)!;
        var regressions = Print(run, baseline, tolerance);
        Console.WriteLine(regressions == 0
            ? $"perf-regression: no regression (allocations exact, time ratios within x{tolerance})"
            : $"perf-regression: {regressions} regression(s)");
        return regressions == 0 ? 0 : 1;
    }

    private static PerfRun Measure(bool smoke, bool verbose)
    {
        var job = Job.Default
            .WithToolchain(InProcessNoEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(smoke ? 1 : 3)
            .WithIterationCount(smoke ? 3 : 9)
            .WithIterationTime(TimeInterval.FromMilliseconds(smoke ? 40 : 150))
            .WithId(smoke ? "perf-smoke" : "perf");
        var artifacts = Path.Combine(Path.GetTempPath(), $"slatefast-perf-{Environment.ProcessId}");
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddColumnProvider(BenchmarkDotNet.Columns.DefaultColumnProviders.Instance)
            .AddLogger(verbose ? ConsoleLogger.Default : NullLogger.Instance)
            .WithArtifactsPath(artifacts)
            .WithOptions(ConfigOptions.DisableLogFile);
        try
        {
            var summary = BenchmarkRunner.Run<RegressionBenchmarks>(config);
            foreach (var error in summary.ValidationErrors.Where(e => e.IsCritical))
            {
                Console.Error.WriteLine($"perf-regression: {error.Message}");
            }

            var cases = new SortedDictionary<string, PerfCase>(StringComparer.Ordinal);
            foreach (var report in summary.Reports)
            {
                var name = (string)report.BenchmarkCase.Parameters["Case"];
                var ns = report.ResultStatistics?.Median ?? double.NaN;
                using var @case = RegressionCases.Create(name);
                @case.Setup();
                cases[name] = new PerfCase
                {
                    NsPerOp = Math.Round(ns, 3),
                    AllocatedBytesPerOp = Math.Floor(AllocationProbe.BytesPerOperation(@case)),
                    ProcessAllocatedBytesPerOp = report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase) ?? -1,
                };
            }

            var reference = cases.TryGetValue(RegressionCases.Reference, out var r) ? r.NsPerOp : double.NaN;
            foreach (var c in cases.Values)
            {
                c.RatioToReference = Math.Round(c.NsPerOp / reference, 4);
            }

            return new PerfRun
            {
                Machine = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription.Trim()}, .NET {Environment.Version}",
                Date = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Smoke = smoke,
                Cases = cases,
            };
        }
        finally
        {
            try
            {
                Directory.Delete(artifacts, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static int Print(PerfRun run, PerfRun? baseline, double tolerance)
    {
        var regressions = 0;
        Console.WriteLine("| case | ns/op | ratio to reference | baseline ratio | change | B/op (thread) | baseline B/op | B/op (process, BDN) | status |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
        foreach (var (name, now) in run.Cases)
        {
            PerfCase? before = null;
            baseline?.Cases.TryGetValue(name, out before);
            var status = "new";
            var change = "–";
            if (before is not null)
            {
                var moved = now.RatioToReference / before.RatioToReference;
                change = moved.ToString("x0.00", CultureInfo.InvariantCulture);
                var slower = name != RegressionCases.Reference && moved > tolerance;
                var allocates = now.AllocatedBytesPerOp > before.AllocatedBytesPerOp;
                status = (slower, allocates) switch
                {
                    (true, true) => "REGRESSED: slower and allocates more",
                    (true, false) => "REGRESSED: slower",
                    (false, true) => "REGRESSED: allocates more",
                    _ => "ok",
                };
                regressions += slower || allocates ? 1 : 0;
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {name} | {now.NsPerOp:0.0} | {now.RatioToReference:0.000} | {(before is null ? "–" : before.RatioToReference.ToString("0.000", CultureInfo.InvariantCulture))} | {change} | {now.AllocatedBytesPerOp} | {(before is null ? "–" : before.AllocatedBytesPerOp.ToString(CultureInfo.InvariantCulture))} | {now.ProcessAllocatedBytesPerOp} | {status} |"));
        }

        if (baseline is not null)
        {
            foreach (var missing in baseline.Cases.Keys.Except(run.Cases.Keys))
            {
                Console.WriteLine($"| {missing} | – | – | – | – | – | – | – | REGRESSED: missing from this run |");
                regressions++;
            }
        }

        return regressions;
    }

    private static int RerunWithoutTiering(string[] args)
    {
        using var child = System.Diagnostics.Process.Start(SlateFast.Cli.Bench.OptimizedRelaunch.Start(["perf-regression", .. args]))!;
        child.WaitForExit();
        return child.ExitCode;
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static readonly JsonSerializerOptions s_json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    internal sealed class PerfRun
    {
        public string Machine { get; set; } = string.Empty;

        public string Date { get; set; } = string.Empty;

        public bool Smoke { get; set; }

        public SortedDictionary<string, PerfCase> Cases { get; set; } = new(StringComparer.Ordinal);
    }

    internal sealed class PerfCase
    {
        public double NsPerOp { get; set; }

        public double RatioToReference { get; set; }

        public double AllocatedBytesPerOp { get; set; }

        public long ProcessAllocatedBytesPerOp { get; set; }
    }
}
