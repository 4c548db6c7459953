using System.Text.Json;
using SlateFast.ObjectStore;
using Spectre.Console;

namespace SlateFast.Cli.Bench;

/// <summary>
/// <c>slatefast bench</c>: db_bench-style workloads on SlateFast alone. Each workload gets a fresh
/// database at <c>&lt;db&gt;/&lt;workload&gt;</c> of the store (the current folder by default),
/// removed afterwards unless <c>--keep</c>.
/// </summary>
internal static class BenchCommand
{
    public const string DefaultDb = "slatefast-bench";

    public static async Task<int> RunAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{args.Positional[0]}'");
        }

        var scale = Workloads.ParseScale(args.Get("--scale") ?? "default");
        var workloads = Workloads.Select(args.Get("--workloads"));
        if (!OptimizedRelaunch.Active && !args.Has("--tiered") && ReferenceEquals(context.Out, Console.Out))
        {
            return OptimizedRelaunch.Rerun(context.WorkingDirectory);
        }

        var keep = args.Has("--keep");
        var diskCache = args.Get("--disk-cache") is { } cacheFolder ? Path.Combine(context.WorkingDirectory, cacheFolder) : null;
        var (store, prefix, where) = OpenStore(args, context);
        var console = CreateConsole(context, args.Has("--no-progress"));
        var report = new BenchReport
        {
            Tool = $"slatefast bench {VersionInfo.Version}",
            Started = DateTimeOffset.UtcNow,
            Scale = scale,
            Machine = BenchFormat.Machine(),
            Store = where,
        };

        console.MarkupLineInterpolated($"[bold]slatefast bench[/], scale {scale}, {workloads.Count} workloads, databases under {where}");
        foreach (var workload in workloads)
        {
            foreach (var result in await RunOneAsync(workload, scale, store, Join(prefix, workload.Name), keep, diskCache, console).ConfigureAwait(false))
            {
                report.Results.Add(result);
                report.Settings["slatefast"] = result.Settings ?? string.Empty;
            }
        }

        console.Write(Table(report.Results));
        console.MarkupLineInterpolated($"[grey]{report.Settings.GetValueOrDefault("slatefast")}[/]");
        console.MarkupLine("[grey]write amp: bytes written to the object store (timed phase and the flush after it) per key+value byte put; requests: object-store requests per 1,000 operations.[/]");
        if (args.Get("--json") is { } json)
        {
            var path = Path.Combine(context.WorkingDirectory, json);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(report, BenchJsonContext.Default.BenchReport)).ConfigureAwait(false);
            console.MarkupLineInterpolated($"results written to {path}");
        }

        var failed = report.Results.Where(r => r.Mismatches > 0).ToArray();
        foreach (var r in failed)
        {
            context.Error.WriteLine($"slatefast bench: {r.Workload}: {r.Mismatches} of {r.Checked} checks failed; first: {r.FirstMismatch}");
        }

        // A read that does not return what was written is a bug of the engine, not a missing key.
        return failed.Length == 0 ? ExitCodes.Success : ExitCodes.For(ErrorKind.Internal);
    }

    /// <summary>
    /// One workload: its result, and with a disk cache folder, for the workloads that only read
    /// loaded data, its timed phase again after reopening without a disk cache, with an empty one,
    /// and with the one the previous pass filled (the block cache empty each time).
    /// </summary>
    private static async Task<IReadOnlyList<WorkloadResult>> RunOneAsync(Workload workload, double scale, IObjectStore store, string path, bool keep, string? diskCacheRoot, IAnsiConsole console)
    {
        await DeleteAsync(store, path).ConfigureAwait(false);
        var progress = new BenchProgress();
        var cacheFolder = diskCacheRoot is null || workload.Kind is not (WorkloadKind.ReadRandom or WorkloadKind.ReadMissing or WorkloadKind.SeekScan)
            ? null
            : Path.Combine(diskCacheRoot, $"{workload.Name}-{Guid.NewGuid():N}");
        try
        {
            var run = Task.Run(async () =>
            {
                var plan = WorkloadPlan.Build(workload, scale);
                await using var engine = await SlateFastBenchEngine.OpenAsync(store, path).ConfigureAwait(false);
                var results = new List<WorkloadResult> { await WorkloadRunner.RunAsync(plan, engine, progress).ConfigureAwait(false) };
                if (cacheFolder is not null)
                {
                    // The baseline first: reopened without a disk cache, every block the block
                    // cache lacks is a request; then cold and warm, each with an empty block cache.
                    var cache = new ObjectStoreCacheOptions { RootFolder = cacheFolder };
                    foreach (var (pass, options) in new[] { ("reopened, no disk cache", null), ("cold disk cache", cache), ("warm disk cache", cache) })
                    {
                        await engine.ReopenAsync(options).ConfigureAwait(false);
                        var again = await WorkloadRunner.RunTimedAgainAsync(plan, engine, $"{workload.Name} ({pass})", progress).ConfigureAwait(false);
                        results.Add(again with { DiskCacheHitRatio = engine.DiskCacheStats?.HitRatio });
                    }
                }

                return results;
            });
            if (console.Profile.Capabilities.Interactive)
            {
                await console.Progress()
                    .AutoClear(true)
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
                    .StartAsync(async ctx =>
                    {
                        var task = ctx.AddTask(workload.Name, maxValue: 100);
                        while (!run.IsCompleted)
                        {
                            task.Description = $"{workload.Name,-15} {progress.Phase,-12}";
                            task.Value = progress.Fraction * 100;
                            await Task.WhenAny(run, Task.Delay(100)).ConfigureAwait(false);
                        }

                        task.Value = 100;
                    }).ConfigureAwait(false);
            }

            var results = await run.ConfigureAwait(false);
            foreach (var result in results)
            {
                var status = result.Mismatches == 0 ? "[green]ok[/]" : "[red]FAILED[/]";
                var hits = result.DiskCacheHitRatio is { } ratio ? $"  disk cache hits {ratio:P2}" : string.Empty;
                console.MarkupLine($"{Markup.Escape(result.Workload),-15} {BenchFormat.Rate(result.OpsPerSecond),12} ops/s  p50 {Markup.Escape(BenchFormat.Micros(result.P50Us))}  p99 {Markup.Escape(BenchFormat.Micros(result.P99Us))}{Markup.Escape(hits)}  {status}");
            }

            return results;
        }
        finally
        {
            if (!keep)
            {
                await DeleteAsync(store, path).ConfigureAwait(false);
                if (cacheFolder is not null && Directory.Exists(cacheFolder))
                {
                    Directory.Delete(cacheFolder, recursive: true);
                }
            }
        }
    }

    private static Table Table(IEnumerable<WorkloadResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded).Title("SlateFast");
        table.AddColumns("workload", "ops/s", "p50", "p99", "p99.9", "write amp", "req/1k ops", "peak RSS", "peak native", "check");
        foreach (var i in Enumerable.Range(1, 8))
        {
            table.Columns[i].RightAligned();
        }

        foreach (var r in results)
        {
            table.AddRow(
                Markup.Escape(r.Workload),
                BenchFormat.Rate(r.OpsPerSecond),
                Markup.Escape(BenchFormat.Micros(r.P50Us)),
                Markup.Escape(BenchFormat.Micros(r.P99Us)),
                Markup.Escape(BenchFormat.Micros(r.P999Us)),
                BenchFormat.Ratio(r.WriteAmplification),
                BenchFormat.PerThousand(r.RequestsPer1000Ops),
                BenchFormat.Mib(r.PeakRssBytes),
                r.PeakNativeBytes is { } n ? BenchFormat.Mib(n) : "–",
                r.Mismatches == 0 ? $"[green]{Markup.Escape(BenchFormat.Check(r))}[/]" : $"[red]{Markup.Escape(BenchFormat.Check(r))}[/]");
        }

        return table;
    }

    /// <summary>
    /// The store and the path prefix of the databases: an absolute <c>--db</c> without <c>--store</c>
    /// is a folder of the local filesystem; otherwise <c>--db</c> is a path in the store.
    /// </summary>
    private static (IObjectStore Store, string Prefix, string Where) OpenStore(ParsedArgs args, CliContext context)
    {
        var db = args.Get("--db") ?? DefaultDb;
        var url = args.Get("--store");
        if (url is null && Path.IsPathRooted(db))
        {
            return (new LocalObjectStore(db), string.Empty, db);
        }

        var prefix = db.Trim('/');
        if (prefix.Length == 0)
        {
            throw new UsageException("--db must not be empty");
        }

        var where = url is null ? Path.Combine(context.WorkingDirectory, prefix) : $"{url} at {prefix}";
        return (Stores.Open(url, context), prefix, where);
    }

    private static string Join(string prefix, string name) => prefix.Length == 0 ? name : $"{prefix}/{name}";

    private static async Task DeleteAsync(IObjectStore store, string path)
    {
        foreach (var meta in await store.ListAllAsync(path + "/").ConfigureAwait(false))
        {
            await store.DeleteAsync(meta.Path).ConfigureAwait(false);
        }

        if (store is LocalObjectStore local)
        {
            // The local store leaves empty folders behind; remove them so the working folder stays clean.
            TryDeleteEmptyFolders(Path.Combine(local.Root, path));
        }
    }

    private static void TryDeleteEmptyFolders(string folder)
    {
        try
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Any())
            {
                Directory.Delete(folder, recursive: true);
                var parent = Path.GetDirectoryName(folder);
                if (parent is not null && Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
                {
                    Directory.Delete(parent);
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static IAnsiConsole CreateConsole(CliContext context, bool noProgress)
    {
        var terminal = ReferenceEquals(context.Out, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal && !noProgress ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!terminal)
        {
            // A file or pipe has no width; wrapping the table at 80 columns would garble it.
            console.Profile.Width = 160;
        }

        return console;
    }
}
