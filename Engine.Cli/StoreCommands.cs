using SlateFast.ObjectStore;
using Spectre.Console;

namespace SlateFast.Cli;

internal static class StoreCommands
{
    public static async Task<int> CheckAsync(ParsedArgs args, CliContext context)
    {
        if (args.Positional.Count > 0)
        {
            throw new UsageException($"unexpected argument '{args.Positional[0]}'");
        }

        var store = Stores.Open(args.Get("--store"), context);
        context.Out.WriteLine($"checking {store} ...");
        var results = await StoreCapabilityCheck.RunAsync(store).ConfigureAwait(false);

        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(context.Out),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 120;
        var table = new Table().AddColumns("capability", "result", "latency", "detail");
        foreach (var r in results)
        {
            table.AddRow(
                Markup.Escape(r.Name),
                r.Passed ? "pass" : "FAIL",
                $"{r.Latency.TotalMilliseconds:F1} ms",
                Markup.Escape(r.Detail));
        }

        console.Write(table);
        // The table wraps long details; each failure again on one line, so a fix can be copied.
        foreach (var r in results.Where(r => !r.Passed))
        {
            context.Out.WriteLine($"FAIL {r.Name}: {r.Detail}");
        }

        var failed = results.Count(r => !r.Passed);
        context.Out.WriteLine(failed == 0
            ? $"all {results.Count} checks passed: this store can hold SlateFast databases"
            : $"{failed} of {results.Count} checks failed: SlateFast cannot safely use this store");
        // A store that cannot do what SlateFast needs is a configuration to fix (a URL option, a server setting).
        return failed == 0 ? ExitCodes.Success : ExitCodes.For(ErrorKind.Invalid);
    }
}

/// <summary>Turns the --store option into a store: a URL, or the local store in the working folder.</summary>
internal static class Stores
{
    public static IObjectStore Open(string? url, CliContext context) =>
        url is null ? new LocalObjectStore(context.WorkingDirectory) : ObjectStores.FromUrl(url);
}
