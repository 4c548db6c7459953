using System.Globalization;
using System.Text;
using System.Text.Json;
using SlateFast.Cli.Bench;
using SlateFast.ObjectStore;

namespace SlateFast.Benchmarks.Compare;

/// <summary>
/// <c>compare</c>: the same workload plans against SlateFast and its peers (RocksDB, SlateDB, and
/// on request ZoneTree, FASTER and LMDB) in one invocation, workload by workload, alternating the
/// engine order, each run in a fresh process (so peak RSS and bytes written are that run's alone)
/// on a fresh folder of the same disk. A workload an engine cannot express (a range scan on a
/// hash store) is reported as n/a, not run and not counted as a failure.
/// <c>compare-run</c> is the child that runs one .NET engine on one workload.
/// </summary>
internal static class CompareCommand
{
    /// <summary>Every engine the comparison knows, in report order.</summary>
    private static readonly Peer[] s_allEngines =
    [
        new("slatefast"),
        new("rocksdb"),
        new("slatedb"),
        new("zonetree"),
        new("faster", OrderedScans: FasterBenchEngine.OrderedScans),
        new("lmdb"),
    ];

    /// <summary>The engines without <c>--engines</c> (what CI's smoke runs): SlateFast and the peers of the recorded tables.</summary>
    private static readonly string[] s_defaultEngines = ["slatefast", "rocksdb", "slatedb"];

    private static readonly string[] s_engineNames = s_allEngines.Select(e => e.Name).ToArray();

    public static async Task<int> RunAsync(string[] args)
    {
        var scaleText = Option(args, "--scale") ?? "smoke";
        var scale = Workloads.ParseScale(scaleText);
        var workloads = Workloads.Select(Option(args, "--workloads"));
        var engines = (Option(args, "--engines") ?? string.Join(',', s_defaultEngines)).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (engines.Except(s_engineNames).FirstOrDefault() is { } unknown)
        {
            Console.Error.WriteLine($"compare: unknown engine {unknown} (known: {string.Join(", ", s_engineNames)})");
            return 2;
        }

        if (Option(args, "--rocksdb") is { } rocksdb)
        {
            // Inherited by every child process, so all RocksDB runs of this comparison load it.
            Environment.SetEnvironmentVariable(RocksDbLibrary.Variable, rocksdb);
        }

        var root = Path.GetFullPath(Option(args, "--dir") ?? Path.Combine(Path.GetTempPath(), $"slatefast-compare-{Environment.ProcessId}"));
        var timeout = TimeSpan.FromMinutes(double.Parse(Option(args, "--timeout-minutes") ?? "10", CultureInfo.InvariantCulture));
        var repo = RepoRoot();
        var report = new BenchReport
        {
            Tool = "Engine.Benchmarks compare",
            Started = DateTimeOffset.UtcNow,
            Scale = scale,
            Machine = BenchFormat.Machine(),
            Store = root,
        };

        Console.WriteLine($"compare: scale {scale}, engines {string.Join(", ", engines)}, {workloads.Count} workloads, data under {root}");
        for (var k = 0; k < workloads.Count; k++)
        {
            var workload = workloads[k];
            foreach (var engine in engines.Skip(k % engines.Length).Concat(engines.Take(k % engines.Length)))
            {
                if (Missing(engine, workload) is { } why)
                {
                    report.Results.Add(new WorkloadResult { Workload = workload.Name, Engine = engine, NotApplicable = why });
                    Console.WriteLine($"  {workload.Name,-15} {engine,-10} {"n/a",12}        {why}");
                    continue;
                }

                var folder = Path.Combine(root, $"{workload.Name}-{engine}");
                try
                {
                    var result = engine == "slatedb"
                        ? await SlateDbNodeRun.RunAsync(WorkloadPlan.Build(workload, scale), folder, repo, timeout).ConfigureAwait(false)
                        : await RunChildAsync(engine, workload, scaleText, folder, timeout).ConfigureAwait(false);
                    report.Results.Add(result);
                    report.Settings[engine] = result.Settings ?? string.Empty;
                    Console.WriteLine($"  {workload.Name,-15} {engine,-10} {BenchFormat.Rate(result.OpsPerSecond),12} ops/s  p50 {BenchFormat.Micros(result.P50Us),9}  p99 {BenchFormat.Micros(result.P99Us),9}  {BenchFormat.Check(result)}");
                }
                catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException or System.ComponentModel.Win32Exception)
                {
                    Console.Error.WriteLine($"  {workload.Name,-15} {engine,-10} FAILED: {e.Message}");
                    report.Results.Add(new WorkloadResult { Workload = workload.Name, Engine = engine, Mismatches = 1, FirstMismatch = e.Message });
                }
                finally
                {
                    TryDelete(folder);
                }
            }
        }

        TryDelete(root);
        var markdown = Markdown(report, engines);
        Console.WriteLine();
        Console.WriteLine(markdown);
        if (Option(args, "--markdown") is { } md)
        {
            await File.WriteAllTextAsync(md, markdown).ConfigureAwait(false);
        }

        if (Option(args, "--json") is { } json)
        {
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport)).ConfigureAwait(false);
        }

        var failed = report.Results.Count(r => r.Mismatches > 0);
        if (failed > 0)
        {
            Console.Error.WriteLine($"compare: {failed} run(s) failed or returned wrong results");
        }

        return failed == 0 ? 0 : 1;
    }

    /// <summary>The child: one .NET engine, one workload, result JSON to --out.</summary>
    public static async Task<int> RunOneAsync(string[] args)
    {
        var engineName = Option(args, "--engine") ?? throw new ArgumentException("--engine is required");
        var workload = Workloads.Select(Option(args, "--workload") ?? throw new ArgumentException("--workload is required")).Single();
        var scale = Workloads.ParseScale(Option(args, "--scale") ?? "smoke");
        var folder = Option(args, "--dir") ?? throw new ArgumentException("--dir is required");
        var output = Option(args, "--out") ?? throw new ArgumentException("--out is required");
        if (Missing(engineName, workload) is { } why)
        {
            throw new ArgumentException($"{engineName} cannot run {workload.Name}: {why}");
        }

        var plan = WorkloadPlan.Build(workload, scale);
        Directory.CreateDirectory(folder);

        // ZoneTree and LMDB set durability per store rather than per write, so they open for the run's kind.
        IBenchEngine engine = engineName switch
        {
            "slatefast" => await SlateFastBenchEngine.OpenAsync(new LocalObjectStore(Path.Combine(folder, "store")), "db").ConfigureAwait(false),
            "rocksdb" => new RocksDbBenchEngine(Path.Combine(folder, "rocksdb")),
            "zonetree" => new ZoneTreeBenchEngine(Path.Combine(folder, "zonetree"), workload.Durable, workload.KeySize + workload.ValueSize),
            "faster" => new FasterBenchEngine(Path.Combine(folder, "faster")),
            "lmdb" => new LmdbBenchEngine(Path.Combine(folder, "lmdb"), workload.Durable),
            _ => throw new ArgumentException($"unknown engine {engineName}"),
        };
        WorkloadResult result;
        await using (engine.ConfigureAwait(false))
        {
            result = await WorkloadRunner.RunAsync(plan, engine).ConfigureAwait(false);
        }

        // One workload per process: its high-water mark is this run's peak, measured like Node's.
        result = result with { PeakRssBytes = Math.Max(result.PeakRssBytes, ProcessProbe.PeakResidentBytes()) };
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(result, BenchJsonContext.Default.WorkloadResult)).ConfigureAwait(false);
        return 0;
    }

    private static async Task<WorkloadResult> RunChildAsync(string engine, Workload workload, string scale, string folder, TimeSpan timeout)
    {
        Directory.CreateDirectory(folder);
        var output = Path.Combine(folder, "result.json");
        var start = ChildProcess.Self("compare-run", "--engine", engine, "--workload", workload.Name, "--scale", scale, "--dir", folder, "--out", output);
        await ChildProcess.RunAsync(start, timeout, $"{engine} {workload.Name}").ConfigureAwait(false);
        return JsonSerializer.Deserialize(await File.ReadAllTextAsync(output).ConfigureAwait(false), BenchJsonContext.Default.WorkloadResult)
            ?? throw new InvalidOperationException($"{engine} {workload.Name}: empty result");
    }

    /// <summary>The report: every run, then SlateFast's ratios to each peer, then the issue's targets.</summary>
    public static string Markdown(BenchReport report, IReadOnlyList<string> engines)
    {
        var w = new StringBuilder();
        w.AppendLine(CultureInfo.InvariantCulture, $"Scale {report.Scale}, {report.Started:yyyy-MM-dd HH:mm} UTC, {report.Machine}.");
        w.AppendLine();
        w.Append(BenchFormat.Markdown(report.Results.OrderBy(r => Workloads.All.ToList().FindIndex(x => x.Name == r.Workload)).ThenBy(r => Array.IndexOf(s_engineNames, r.Engine))));
        var peers = engines.Where(e => e != "slatefast").ToArray();
        if (engines.Contains("slatefast") && peers.Length > 0)
        {
            w.AppendLine();
            w.AppendLine("| workload | " + string.Join(" | ", peers.Select(p => $"SlateFast / {p} ops/s")) + " | " + string.Join(" | ", peers.Select(p => $"SlateFast / {p} p50")) + " |");
            w.AppendLine("|---|" + string.Concat(Enumerable.Repeat("---:|", peers.Length * 2)));
            foreach (var group in report.Results.GroupBy(r => r.Workload))
            {
                var sf = group.FirstOrDefault(r => r.Engine == "slatefast");
                var cells = peers.Select(p => group.FirstOrDefault(r => r.Engine == p)).ToArray();
                string Ratio(WorkloadResult? peer, Func<WorkloadResult, double> f, bool inverse) =>
                    peer?.NotApplicable is not null ? "n/a"
                    : sf is null || peer is null || f(peer) <= 0 || f(sf) <= 0 ? "–"
                    : ((inverse ? f(peer) / f(sf) : f(sf) / f(peer)).ToString("0.00", CultureInfo.InvariantCulture) + "x");
                w.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {string.Join(" | ", cells.Select(c => Ratio(c, r => r.OpsPerSecond, false)))} | {string.Join(" | ", cells.Select(c => Ratio(c, r => r.P50Us, true)))} |");
            }

            w.AppendLine();
            w.AppendLine("(p50 ratios are the peer's p50 over SlateFast's: above 1 means SlateFast answers faster." +
                (report.Results.Any(r => r.NotApplicable is not null) ? " n/a: the peer cannot run that workload.)" : ")"));
        }

        w.AppendLine();
        foreach (var line in Targets(report))
        {
            w.AppendLine(line);
        }

        w.AppendLine();
        foreach (var (engine, settings) in report.Settings)
        {
            w.AppendLine(CultureInfo.InvariantCulture, $"- {engine}: {settings}");
        }

        return w.ToString();
    }

    private static IEnumerable<string> Targets(BenchReport report)
    {
        WorkloadResult? R(string workload, string engine) => report.Results.FirstOrDefault(r => r.Workload == workload && r.Engine == engine && r.Ops > 0);
        string Line(string target, bool? met, string detail) => $"- target {target}: {(met is null ? "not measured" : met.Value ? "met" : "MISSED")} ({detail})";

        var (sfFill, rdFill) = (R("fillrandom", "slatefast"), R("fillrandom", "rocksdb"));
        yield return Line("non-durable fillrandom >= 2x RocksDB", sfFill is null || rdFill is null ? null : sfFill.OpsPerSecond >= 2 * rdFill.OpsPerSecond,
            sfFill is null || rdFill is null ? "–" : $"{sfFill.OpsPerSecond / rdFill.OpsPerSecond:0.00}x");
        // Issue 17's read goals: ops/s ratios to a peer, each met at or above its factor.
        foreach (var (workload, peer, factor) in new[]
        {
            ("readrandom", "rocksdb", 1.5), ("readmissing", "rocksdb", 1.5), ("seekrandom", "rocksdb", 1.5), ("readrandom-400", "rocksdb", 1.5),
            ("readrandom", "zonetree", 1.3), ("readrandom", "lmdb", 1.0), ("seekrandom", "zonetree", 1.0), ("seekrandom", "lmdb", 1.0),
        })
        {
            var (sf, other) = (R(workload, "slatefast"), R(workload, peer));
            yield return Line($"{workload} >= {factor:0.0}x {peer}", sf is null || other is null ? null : sf.OpsPerSecond >= factor * other.OpsPerSecond,
                sf is null || other is null ? "–" : $"{sf.OpsPerSecond / other.OpsPerSecond:0.00}x");
        }

        // Peak RSS on the read workloads: at most 1.2x RocksDB's.
        foreach (var workload in new[] { "readrandom", "readmissing", "seekrandom", "readrandom-400" })
        {
            var (sf, rd) = (R(workload, "slatefast"), R(workload, "rocksdb"));
            yield return Line($"{workload} peak RSS <= 1.2x RocksDB's", sf is null || rd is null || rd.PeakRssBytes <= 0 ? null : sf.PeakRssBytes <= 1.2 * rd.PeakRssBytes,
                sf is null || rd is null || rd.PeakRssBytes <= 0 ? "–" : $"{(double)sf.PeakRssBytes / rd.PeakRssBytes:0.00}x");
        }
        var sfDurable = R("durable1", "slatefast");
        yield return Line("durable write, 1 writer, local store, p50 < 1 ms", sfDurable is null ? null : sfDurable.P50Us < 1000,
            sfDurable is null ? "–" : $"p50 {BenchFormat.Micros(sfDurable.P50Us)}");
        var (sf64, rd64) = (R("durable64", "slatefast"), R("durable64", "rocksdb"));
        yield return Line("64 durable writers >= RocksDB sync=true", sf64 is null || rd64 is null ? null : sf64.OpsPerSecond >= rd64.OpsPerSecond,
            sf64 is null || rd64 is null ? "–" : $"{sf64.OpsPerSecond / rd64.OpsPerSecond:0.00}x");
    }

    /// <summary>What <paramref name="engine"/> lacks to run <paramref name="workload"/>, or null when it can.</summary>
    private static string? Missing(string engine, Workload workload) =>
        workload.Kind == WorkloadKind.SeekScan && s_allEngines.FirstOrDefault(e => e.Name == engine) is { OrderedScans: false }
            ? "no ordered scans: a hash index has no key order to seek in"
            : null;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SlateFast.sln")))
            {
                return dir.FullName;
            }
        }

        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SlateFast.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("compare: cannot find the repository (SlateFast.sln) for tools/slatedb-interop");
    }

    private static string? Option(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private static void TryDelete(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>An engine of the comparison and what it can do.</summary>
    /// <param name="Name">Its name on the command line and in reports.</param>
    /// <param name="OrderedScans">Whether it keeps keys in order, so it can seek and scan a range.</param>
    private sealed record Peer(string Name, bool OrderedScans = true);
}
