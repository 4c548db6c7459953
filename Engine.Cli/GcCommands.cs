namespace SlateFast.Cli;

/// <summary><c>gc</c>: one garbage collection pass, printing each object deleted (or, with --dry-run, that would be).</summary>
internal static class GcCommands
{
    public static async Task<int> RunAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        var minAge = args.Get("--min-age") is { } m ? Durations.Parse(m, "--min-age") : TimeSpan.FromSeconds(300);
        var dryRun = args.Has("--dry-run");
        var result = await admin.CollectGarbageAsync(GarbageCollectorOptions.All(minAge), dryRun).ConfigureAwait(false);
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
