using System.Globalization;

namespace SlateFast.Cli;

/// <summary>
/// <c>manifest dump</c>, <c>compactions dump</c>, <c>seq-to-ts</c>, <c>ts-to-seq</c> and
/// <c>delete-db</c>: SlateDB's admin reads and deletion, all through <see cref="DbAdmin"/> (no
/// engine internals), printing the JSON the C ABI and Python hand out too.
/// </summary>
internal static class AdminCommands
{
    public static async Task<int> ManifestDumpAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        var id = args.Get("--id") is { } text ? ParseId(text, "--id") : (ulong?)null;
        var manifest = await admin.ReadManifestAsync(id).ConfigureAwait(false);
        context.Out.WriteLine(DbAdminJson.Manifest(manifest, indented: true));
        return ExitCodes.Success;
    }

    public static async Task<int> CompactionsDumpAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        var id = args.Get("--id") is { } text ? ParseId(text, "--id") : (ulong?)null;
        if (await admin.ReadCompactionsAsync(id).ConfigureAwait(false) is not { } compactions)
        {
            context.Error.WriteLine(id is { } wanted ? $"no compactions file {wanted}" : "no compactions file (no compactor has run)");
            return ExitCodes.NotFound;
        }

        context.Out.WriteLine(DbAdminJson.Compactions(compactions, indented: true));
        return ExitCodes.Success;
    }

    public static async Task<int> SeqToTsAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 2, "<db> <seq>");
        var seq = CliNumbers.U64(args.Positional[1], "<seq>", "a sequence number");
        var time = await admin.GetTimestampForSequenceAsync(seq, RoundUp(args)).ConfigureAwait(false);
        return Print(context, time?.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
    }

    public static async Task<int> TsToSeqAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 2, "<db> <time>");
        var seq = await admin.GetSequenceForTimestampAsync(ParseTime(args.Positional[1]), RoundUp(args)).ConfigureAwait(false);
        return Print(context, seq?.ToString(CultureInfo.InvariantCulture));
    }

    public static async Task<int> DeleteDbAsync(ParsedArgs args, CliContext context)
    {
        var admin = CheckpointCommands.Admin(args, context, expected: 1, "<db>");
        var options = new DeleteDatabaseOptions
        {
            Force = args.Has("--force"),
            QuietPeriod = args.Get("--quiet-period") is { } q ? Durations.Parse(q, "--quiet-period") : DeleteDatabaseOptions.Default.QuietPeriod,
        };
        var result = await admin.DeleteDatabaseAsync(options).ConfigureAwait(false);
        context.Out.WriteLine(result.ObjectsDeleted == 0
            ? $"nothing to delete at {admin.Path}"
            : $"deleted {admin.Path}: {result.ObjectsDeleted} objects, {result.BytesDeleted} bytes"
                + (result.WalObjectsDeleted > 0 ? $" ({result.WalObjectsDeleted} of them in the WAL store)" : string.Empty));
        return ExitCodes.Success;
    }

    // SlateDB prints "not found" and still succeeds; here a missing answer is exit 1, as for a missing key.
    private static int Print(CliContext context, string? answer)
    {
        if (answer is null)
        {
            context.Error.WriteLine("not found: the sequence tracker has no sample on that side");
            return ExitCodes.NotFound;
        }

        context.Out.WriteLine(answer);
        return ExitCodes.Success;
    }

    private static bool RoundUp(ParsedArgs args) => args.Get("--round") switch
    {
        null or "down" => false,
        "up" => true,
        var other => throw new UsageException($"--round takes up or down, got '{other}'"),
    };

    // Unix seconds (SlateDB's ts-to-seq takes those) or an ISO 8601 time with a zone.
    private static DateTimeOffset ParseTime(string text)
    {
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= -62135596800 && seconds <= 253402300799
                ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                : throw new UsageException($"<time> {text} is out of range");
        }

        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new UsageException($"<time> must be Unix seconds or an ISO 8601 time, got '{text}'");
    }

    private static ulong ParseId(string text, string what) => CliNumbers.U64(text, what, "a positive version id", min: 1);
}
