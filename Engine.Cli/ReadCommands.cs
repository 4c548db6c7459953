using System.Text;
using System.Text.Json;

namespace SlateFast.Cli;

/// <summary>
/// <c>get</c> and <c>scan</c>. They open the database read-only, so they never fence the writer
/// that may be running.
/// </summary>
internal static class ReadCommands
{
    public static async Task<int> GetAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count != 2)
        {
            throw new UsageException("expected <db> <key>");
        }

        var hex = args.Has("--hex");
        var key = WriteCommands.Bytes(args.Positional[1], hex, "key");
        var format = ValueOutput.Choose(args, allowRaw: true);
        if (format == OutputFormat.Raw && context.RawOut is null)
        {
            throw new UsageException("--output raw needs a standard output that takes bytes");
        }

        await using var db = await OpenAsync(args, context).ConfigureAwait(false);
        var value = await db.GetAsync(key).ConfigureAwait(false);
        if (value is null)
        {
            context.Error.WriteLine($"not found: {args.Positional[1]}");
            return ExitCodes.NotFound;
        }

        switch (format)
        {
            case OutputFormat.Raw:
                await context.Out.FlushAsync().ConfigureAwait(false);
                await context.RawOut!.WriteAsync(value).ConfigureAwait(false);
                await context.RawOut.FlushAsync().ConfigureAwait(false);
                break;
            case OutputFormat.Jsonl:
                context.Out.WriteLine(ValueOutput.JsonLine(key, value));
                break;
            default:
                context.Out.WriteLine(ValueOutput.Show(value, format));
                break;
        }

        return 0;
    }

    public static async Task<int> ScanAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("expected <db>");
        }

        var hex = args.Has("--hex");
        var format = ValueOutput.Choose(args, allowRaw: false);
        var limit = args.Get("--limit") is { } l ? CliNumbers.I64(l, "--limit", "a non-negative number") : long.MaxValue;
        KeyRange range;
        if (args.Get("--prefix") is { } prefix)
        {
            if (args.Has("--from") || args.Has("--to"))
            {
                throw new UsageException("--prefix cannot be combined with --from or --to");
            }

            range = KeyRange.Prefix(WriteCommands.Bytes(prefix, hex, "prefix"));
        }
        else
        {
            var from = args.Get("--from") is { } f ? KeyBound.Included(WriteCommands.Bytes(f, hex, "--from")) : KeyBound.Unbounded;
            var to = args.Get("--to") is { } t ? KeyBound.Excluded(WriteCommands.Bytes(t, hex, "--to")) : KeyBound.Unbounded;
            range = new KeyRange(from, to);
        }

        await using var db = await OpenAsync(args, context).ConfigureAwait(false);
        var options = new ScanOptions { Order = args.Has("--reverse") ? IterationOrder.Descending : IterationOrder.Ascending, ReadAheadBytes = 256 * 1024 };
        await using var rows = db.ScanAsync(range, options);
        // Rows are held back until the scan ends or 8 MiB of output is ready, so a scan that fails
        // early (a merge operand without --merge-operator, a corrupt block) prints no partial rows.
        const int holdBack = 8 * 1024 * 1024;
        var pending = new System.Text.StringBuilder();
        long count = 0;
        while (count < limit && await rows.NextAsync().ConfigureAwait(false) is { } row)
        {
            count++;
            pending.Append(format == OutputFormat.Jsonl
                ? ValueOutput.JsonLine(row.Key, row.Value)
                : $"{ValueOutput.Show(row.Key, format)} = {ValueOutput.Show(row.Value, format)}").Append('\n');
            if (pending.Length >= holdBack)
            {
                context.Out.Write(pending);
                pending.Clear();
            }
        }

        context.Out.Write(pending);
        return 0;
    }

    private static async Task<DbHandle> OpenAsync(ParsedArgs args, CliContext context)
    {
        var path = args.Positional[0].Trim('/');
        if (path.Length == 0)
        {
            throw new UsageException("the database path must not be empty");
        }

        // A database that does not exist is refused by the read-only open itself, naming the path.
        return await DbHandle.OpenReadOnlyAsync(path, Stores.Open(args.Get("--store"), context), WriteCommands.DbOptionsFrom(args, context)).ConfigureAwait(false);
    }
}
