namespace SlateFast.Cli;

/// <summary>
/// <c>segments list</c> and <c>segments drop</c>: the segments of a SlateDB 0.13+ segmented
/// database. Listing reads the latest manifest (no extractor needed, nothing fenced); dropping
/// opens a writer with the database's extractor and drops the segment with one manifest write.
/// </summary>
internal static class SegmentCommands
{
    public static async Task<int> ListAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        var manifest = await admin.ReadManifestAsync(cancellationToken: context.Interrupt).ConfigureAwait(false);
        if (manifest.SegmentExtractorName is null)
        {
            context.Out.WriteLine($"{admin.Path} has no segments (no segment extractor)");
            return ExitCodes.Success;
        }

        // A drained segment stays in the manifest, empty, until the writer's next flush prunes it.
        var segments = manifest.Segments.Where(s => s.L0.Count + s.SortedRuns.Count > 0).ToList();
        context.Out.WriteLine($"segment extractor '{manifest.SegmentExtractorName}', {segments.Count} segment(s) in manifest {manifest.Id}");
        foreach (var s in segments)
        {
            context.Out.WriteLine($"{ValueOutput.Show(s.Prefix, OutputFormat.Text)}\tl0={s.L0.Count}\truns={s.SortedRuns.Count}");
        }

        return ExitCodes.Success;
    }

    public static async Task<int> DropAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count != 2)
        {
            throw new UsageException("expected <db> <prefix>");
        }

        var prefix = WriteCommands.Bytes(args.Positional[1], args.Has("--hex"), "prefix");
        var path = args.Positional[0].Trim('/');
        await using var db = await WriteCommands.OpenWriterAsync(args, context, path, Stores.Open(args.Get("--store"), context)).ConfigureAwait(false);
        var dropped = await db.DropSegmentAsync(prefix, context.Interrupt).ConfigureAwait(false);
        await db.CloseAsync().ConfigureAwait(false);
        context.Out.WriteLine(dropped
            ? $"dropped segment {ValueOutput.Show(prefix, OutputFormat.Text)} of {path}"
            : $"{path} has no segment {ValueOutput.Show(prefix, OutputFormat.Text)}");
        return dropped ? ExitCodes.Success : ExitCodes.NotFound;
    }
}
