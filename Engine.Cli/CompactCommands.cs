using System.Globalization;

namespace SlateFast.Cli;

/// <summary>
/// <c>compact</c> and <c>compactor run</c>: a compactor in this process, through
/// <see cref="DbAdmin"/>, for a database other processes (on other machines too) may be writing.
/// Both claim the compactor epoch, fencing any other compactor (SlateDB's included), and never
/// fence the writer. <c>compact</c> runs scheduler passes until the size-tiered rules propose
/// nothing more ("caught up"), or with <c>--full</c> merges every L0 SST and sorted run into one
/// run. <c>compactor run</c> is the standalone compactor of writers opened with their own one
/// off: it polls until SIGINT or SIGTERM, then stops cleanly (exit 0).
/// </summary>
internal static class CompactCommands
{
    public static async Task<int> CompactAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        var r = await admin.CompactAsync(Options(args, context), args.Has("--full"), context.Interrupt).ConfigureAwait(false);
        context.Out.WriteLine($"compactor epoch {r.CompactorEpoch} claimed for {admin.Path}");
        context.Out.WriteLine(
            $"{r.Compactions} compaction(s), {r.BytesRead} bytes read, {r.BytesWritten} bytes written; manifest {r.ManifestId}: {r.L0Ssts} L0 SST(s), sorted runs [{string.Join(", ", r.SortedRuns.Select(run => $"{run.Id}: {run.Ssts.Count} SST(s)"))}]");
        return ExitCodes.Success;
    }

    public static async Task<int> RunAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        using var logs = new CliLoggerFactory(context.Error);
        var options = Options(args, context) with { LoggerFactory = logs };
        var stop = context.Termination?.Arm() ?? context.Interrupt;
        context.Error.WriteLine($"compactor for {admin.Path}: running until SIGINT or SIGTERM (poll every {options.Compactor.PollInterval.TotalSeconds:0.###} s)");
        await admin.RunCompactorAsync(options, stop).ConfigureAwait(false);
        context.Error.WriteLine($"compactor for {admin.Path}: stopped");
        return ExitCodes.Success;
    }

    // The settings file and SLATEDB_ variables first (compact takes --settings), flags over them.
    private static DbOptions Options(ParsedArgs args, CliContext context)
    {
        var settings = CliSettings.Load(args, context).ToDbOptions();
        var defaults = settings.Compactor;
        var maxSst = args.Get("--max-sst-size") is { } text
            ? CliNumbers.I64(text, "--max-sst-size", "a number of bytes >= 1024", min: 1024)
            : defaults.MaxSstSize;
        var poll = args.Get("--poll-interval") is { } p ? Durations.Parse(p, "--poll-interval") : defaults.PollInterval;
        if (poll <= TimeSpan.Zero)
        {
            throw new UsageException("--poll-interval must be positive");
        }

        return settings with
        {
            Compactor = defaults with { MaxSstSize = maxSst, PollInterval = poll },
            MergeOperator = args.Get("--merge-operator") is { } name ? MergeOperators.FromName(name) : settings.MergeOperator,
        };
    }
}
