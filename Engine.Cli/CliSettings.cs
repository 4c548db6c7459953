using System.Collections;

namespace SlateFast.Cli;

/// <summary>
/// The settings a command opens its database with, lowest precedence first: SlateDB's defaults,
/// the <c>--settings</c> file, the <c>SLATEDB_</c> environment variables (as SlateDB's
/// <c>Settings::load</c> lays them over its files), then the command's own flags, which the
/// commands apply to what this returns.
/// </summary>
internal static class CliSettings
{
    public static DbSettings Load(ParsedArgs args, CliContext context)
    {
        var settings = args.Get("--settings") is { } file
            ? DbSettings.Load(Path.Combine(context.WorkingDirectory, file))
            : DbSettings.Empty;
        return settings.MergedWith(DbSettings.FromEnvironment(DbSettings.DefaultEnvironmentPrefix, context.Environment ?? ProcessEnvironment()));
    }

    private static Dictionary<string, string> ProcessEnvironment()
    {
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && entry.Value is string value)
            {
                variables[name] = value;
            }
        }

        return variables;
    }
}
