using System.Globalization;
using System.Text;
using System.Text.Json;
using SlateFast.Format;

namespace SlateFast.Cli;

/// <summary><c>wal list</c>, <c>wal dump</c> and <c>wal tail</c>: a database's WAL through <see cref="WalReader"/>, for change data capture and inspection.</summary>
internal static class WalCommands
{
    public static async Task<int> ListAsync(ParsedArgs args, CliContext context)
    {
        var reader = Reader(args, context, pollInterval: null);
        var (from, to) = (Id(args, "--from-id"), Id(args, "--to-id"));
        var withRows = args.Has("--rows");
        var files = await reader.ListAsync(from, to, context.Interrupt).ConfigureAwait(false);
        foreach (var file in files)
        {
            var line = $"{file.Id}\t{file.Size} bytes\t{file.LastModified.UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ}";
            if (withRows)
            {
                var rows = await reader.ReadAsync(file.Id, context.Interrupt).ConfigureAwait(false);
                line += rows.Count == 0 ? "\tno rows (a fence)" : $"\t{rows.Count} rows\tseq {rows.Min(r => r.Seq)}..{rows.Max(r => r.Seq)}";
            }

            context.Out.WriteLine(line);
        }

        context.Error.WriteLine($"{files.Count} WAL objects");
        return 0;
    }

    public static async Task<int> DumpAsync(ParsedArgs args, CliContext context)
    {
        var reader = Reader(args, context, pollInterval: null);
        var format = Format(args);
        var (from, to) = (Id(args, "--from-id"), Id(args, "--to-id"));
        foreach (var file in await reader.ListAsync(from, to, context.Interrupt).ConfigureAwait(false))
        {
            foreach (var row in (await reader.ReadAsync(file.Id, context.Interrupt).ConfigureAwait(false)).OrderBy(r => r.Seq))
            {
                context.Out.WriteLine(Line(row, format));
            }
        }

        return 0;
    }

    /// <summary>Follows the WAL like <c>tail -f</c> until Ctrl-C (exit 0) or <c>--limit</c> rows.</summary>
    public static async Task<int> TailAsync(ParsedArgs args, CliContext context)
    {
        var poll = args.Get("--poll-interval") is { } p ? Durations.Parse(p, "--poll-interval") : TimeSpan.FromSeconds(1);
        var reader = Reader(args, context, poll);
        var format = Format(args);
        var limit = args.Get("--limit") is { } l ? ParseCount(l, "--limit") : long.MaxValue;
        var starts = new[] { args.Has("--from-start"), args.Get("--from-id") is not null, args.Get("--after-seq") is not null }.Count(b => b);
        if (starts > 1)
        {
            throw new UsageException("give at most one of --from-start, --from-id and --after-seq");
        }

        var start = args.Has("--from-start") ? WalStart.Beginning
            : Id(args, "--from-id") is { } id ? WalStart.AtWalId(id)
            : args.Get("--after-seq") is { } s ? WalStart.AfterSeq(ParseU64(s, "--after-seq"))
            : WalStart.End;
        var shown = 0L;
        try
        {
            await foreach (var row in reader.FollowAsync(start, context.Interrupt).ConfigureAwait(false))
            {
                context.Out.WriteLine(Line(row, format));
                context.Out.Flush();
                if (++shown >= limit)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (context.Interrupt.IsCancellationRequested)
        {
            // Ctrl-C is how tail ends.
        }

        return 0;
    }

    private static WalReader Reader(ParsedArgs args, CliContext context, TimeSpan? pollInterval)
    {
        if (args.Positional.Count != 1)
        {
            throw new UsageException("expected <db>");
        }

        var options = new WalReaderOptions
        {
            WalObjectStore = args.Get("--wal-store") is { } wal ? Stores.Open(wal, context) : null,
            PollInterval = pollInterval ?? TimeSpan.FromSeconds(1),
        };
        return new WalReader(args.Positional[0], Stores.Open(args.Get("--store"), context), options);
    }

    private static OutputFormat Format(ParsedArgs args) => args.Get("--output") is null ? OutputFormat.Jsonl : ValueOutput.Choose(args, allowRaw: false);

    /// <summary>
    /// jsonl: <c>{"wal_id":N,"seq":N,"kind":"value|tombstone|merge","key":hex,"value":hex|null,"create_ts":ms|null,"expire_ts":ms|null}</c>;
    /// text and hex: one readable line per row.
    /// </summary>
    internal static string Line(WalRow row, OutputFormat format)
    {
        var kind = row.Kind switch { RowKind.Tombstone => "tombstone", RowKind.Merge => "merge", _ => "value" };
        if (format != OutputFormat.Jsonl)
        {
            var text = new StringBuilder().Append(CultureInfo.InvariantCulture, $"wal {row.WalId} seq {row.Seq} {kind} {ValueOutput.Show(row.Key, format)}");
            if (row.Value is { } v)
            {
                text.Append(CultureInfo.InvariantCulture, $" = {ValueOutput.Show(v, format)}");
            }

            if (row.ExpireTs is { } e)
            {
                text.Append(CultureInfo.InvariantCulture, $" (expires {DateTimeOffset.FromUnixTimeMilliseconds(e).UtcDateTime:yyyy-MM-ddTHH:mm:ss.fffZ})");
            }

            return text.ToString();
        }

        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("wal_id", row.WalId);
            json.WriteNumber("seq", row.Seq);
            json.WriteString("kind", kind);
            json.WriteString("key", Convert.ToHexStringLower(row.Key));
            if (row.Value is { } value)
            {
                json.WriteString("value", Convert.ToHexStringLower(value));
            }
            else
            {
                json.WriteNull("value");
            }

            WriteOptional(json, "create_ts", row.CreateTs);
            WriteOptional(json, "expire_ts", row.ExpireTs);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, long? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static ulong? Id(ParsedArgs args, string option) => args.Get(option) is { } text ? ParseU64(text, option) : null;

    private static ulong ParseU64(string text, string option) => CliNumbers.U64(text, option, "a whole number");

    private static long ParseCount(string text, string option) => CliNumbers.I64(text, option, "a positive whole number", min: 1);
}
