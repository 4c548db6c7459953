namespace SlateFast.Cli;

/// <summary><c>info</c>: a database's SlateDB format level, epochs and boundaries, and what SlateFast can do with it.</summary>
internal static class InfoCommands
{
    public static async Task<int> RunAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        var r = await admin.InspectFormatAsync().ConfigureAwait(false);
        var w = context.Out;
        w.WriteLine($"database {admin.Path}");
        w.WriteLine($"  format level      {Describe(r.Level)}");
        w.WriteLine($"  manifest          {r.ManifestId} (format version {r.ManifestVersion}), writer epoch {r.WriterEpoch}, compactor epoch {r.CompactorEpoch}");
        w.WriteLine(r.CompactionsId is { } cid
            ? $"  compactions file  {cid} (format version {r.CompactionsFormat})"
            : "  compactions file  none (no compactor has run)");
        w.WriteLine($"  GC boundaries     manifest {Boundary(r.ManifestBoundary)}, compactions {Boundary(r.CompactionsBoundary)}");
        w.WriteLine($"  WAL objects       {r.WalObjects} ({r.ZeroByteFences} zero-byte fences)");
        w.WriteLine($"  SSTs              {r.Ssts} ({r.CompositeFilterSsts} with composite filter blocks)");
        w.WriteLine(r.Segments > 0 || r.SegmentExtractorName is not null
            ? $"  segments          {r.Segments} (extractor '{r.SegmentExtractorName}')"
            : "  segments          none");
        w.WriteLine("SlateFast can");
        w.WriteLine("  read              yes");
        w.WriteLine(r.CanWrite ? $"  write, compact    yes (a writer writes at {Describe(r.Level)} unless --format-level says otherwise)" : $"  write, compact    no: {r.Limitation}");
        w.WriteLine("  collect garbage   yes (keeps WAL fences and segment SSTs, advances GC boundaries)");
        return 0;
    }

    internal static string Describe(FormatLevel level) => level switch
    {
        FormatLevel.SlateDb012 => "SlateDB 0.12 (readable by SlateDB 0.12 and later)",
        FormatLevel.SlateDb013 => "SlateDB 0.13 (composite filters, compactions format 2; readable by SlateDB 0.13 and later)",
        FormatLevel.SlateDb014 => "SlateDB 0.14 (zero-byte WAL fences; readable by SlateDB 0.14 and later)",
        _ => level.ToString(),
    };

    private static string Boundary(ulong value) => value == 0 ? "none" : value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
