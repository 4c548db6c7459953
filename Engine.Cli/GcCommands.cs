namespace SlateFast.Cli;

/// <summary><c>gc</c>: one garbage collection pass, printing each object deleted (or, with --dry-run, that would be).</summary>
internal static class GcCommands
{
    public static async Task<int> RunAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        // --min-age wins over the settings' garbage_collector_options; settings that turn the
        // background collector off still leave this explicit pass its defaults.
        var options = args.Get("--min-age") is { } m
            ? GarbageCollectorOptions.All(Durations.Parse(m, "--min-age"))
            : CliSettings.Load(args, context).ToGarbageCollectorOptions() ?? new GarbageCollectorOptions();
        var dryRun = args.Has("--dry-run");
        var result = await admin.CollectGarbageAsync(options, dryRun).ConfigureAwait(false);
        var verb = dryRun ? "would delete" : "deleted";
        foreach (var id in result.ExpiredCheckpoints)
        {
            context.Out.WriteLine($"{(dryRun ? "would remove" : "removed")} expired checkpoint {id:D}");
        }

        foreach (var path in result.Manifests.Concat(result.WalSsts).Concat(result.CompactedSsts).Concat(result.CompactionsFiles))
        {
            context.Out.WriteLine($"{verb} {path}");
        }

        context.Out.WriteLine(
            $"{verb} {result.ObjectCount} objects: {result.Manifests.Count} manifests, {result.WalSsts.Count} WAL, {result.CompactedSsts.Count} compacted SSTs, {result.CompactionsFiles.Count} compactions files");
        return 0;
    }
}
