namespace SlateFast.Cli;

/// <summary><c>ingest</c>: adds SSTs written by SstWriter to a database as its writer.</summary>
internal static class IngestCommands
{
    public static async Task<int> RunAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count < 2)
        {
            throw new UsageException("expected <db> <sst>...");
        }

        var path = args.Positional[0].Trim('/');
        if (path.Length == 0)
        {
            throw new UsageException("the database path must not be empty");
        }

        var store = Stores.Open(args.Get("--store"), context);
        var source = args.Get("--source-store") is { } url ? Stores.Open(url, context) : null;
        await using var db = await WriteCommands.OpenWriterAsync(args, context, path, store).ConfigureAwait(false);
        var result = await db.IngestAsync([.. args.Positional.Skip(1)], new IngestOptions { SourceStore = source }).ConfigureAwait(false);
        await db.CloseAsync().ConfigureAwait(false);
        context.Out.WriteLine($"ingested {result.Rows} rows from {args.Positional.Count - 1} SSTs into {path} at seq {result.Seq}: {result.Bytes} bytes as L0 {string.Join(", ", result.SstIds)}");
        return 0;
    }
}
