using System.Globalization;

namespace SlateFast.Cli;

/// <summary>
/// <c>checkpoint create|list|delete</c> and <c>clone</c>: checkpoint administration without
/// opening a writer, so a running writer is never fenced.
/// </summary>
internal static class CheckpointCommands
{
    public static async Task<int> CreateAsync(ParsedArgs args, CliContext context)
    {
        var admin = Admin(args, context, expected: 1, "<db>");
        var options = new CheckpointOptions
        {
            Lifetime = args.Get("--lifetime") is { } l ? Durations.Parse(l, "--lifetime") : null,
            Source = args.Get("--source") is { } s ? ParseId(s, "--source") : null,
            Name = args.Get("--name"),
        };
        var created = await admin.CreateCheckpointAsync(options).ConfigureAwait(false);
        context.Out.WriteLine($"{created.Id:D} manifest {created.ManifestId}");
        return 0;
    }

    public static async Task<int> ListAsync(ParsedArgs args, CliContext context)
    {
        var admin = Admin(args, context, expected: 1, "<db>");
        foreach (var c in await admin.ListCheckpointsAsync().ConfigureAwait(false))
        {
            var expires = c.ExpireTime is { } e ? e.ToString("u", CultureInfo.InvariantCulture) : "never";
            context.Out.WriteLine($"{c.Id:D} manifest {c.ManifestId} created {c.CreateTime.ToString("u", CultureInfo.InvariantCulture)} expires {expires}{(c.Name is { } n ? $" name {n}" : string.Empty)}");
        }

        return 0;
    }

    public static async Task<int> DeleteAsync(ParsedArgs args, CliContext context)
    {
        var admin = Admin(args, context, expected: 2, "<db> <id>");
        var id = ParseId(args.Positional[1], "<id>");
        if (!await admin.DeleteCheckpointAsync(id).ConfigureAwait(false))
        {
            context.Error.WriteLine($"no checkpoint {id:D}");
            return ExitCodes.NotFound;
        }

        context.Out.WriteLine($"deleted {id:D}");
        return 0;
    }

    public static async Task<int> CloneAsync(ParsedArgs args, CliContext context)
    {
        var admin = Admin(args, context, expected: 2, "<parent-db> <clone-db>", pathIndex: 1);
        var checkpoint = args.Get("--checkpoint") is { } c ? ParseId(c, "--checkpoint") : (Guid?)null;
        var created = await admin.CreateCloneAsync(args.Positional[0], checkpoint).ConfigureAwait(false);
        context.Out.WriteLine(created
            ? $"cloned {args.Positional[0]} into {admin.Path}"
            : $"{admin.Path} is already a clone of {args.Positional[0]}; nothing to do");
        return 0;
    }

    internal static DbAdmin Admin(ParsedArgs args, CliContext context, int expected, string usage, int pathIndex = 0)
    {
        if (args.Positional.Count != expected)
        {
            throw new UsageException($"expected {usage}");
        }

        var path = args.Positional[pathIndex].Trim('/');
        if (path.Length == 0)
        {
            throw new UsageException("the database path must not be empty");
        }

        return new DbAdmin(path, Stores.Open(args.Get("--store"), context), walObjectStore: args.Get("--wal-store") is { } wal ? Stores.Open(wal, context) : null);
    }

    private static Guid ParseId(string text, string what) =>
        Guid.TryParse(text, out var id) ? id : throw new UsageException($"{what} must be a checkpoint id (UUID), got '{text}'");
}
