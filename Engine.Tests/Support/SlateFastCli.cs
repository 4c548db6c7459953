using SlateFast.Cli;

namespace SlateFast.Tests.Support;

/// <summary>Runs the <c>slatefast</c> command line in-process in a working folder, capturing what it prints.</summary>
internal static class SlateFastCli
{
    public static Task<(int Exit, string Out, string Err)> RunAsync(string folder, params string[] args) =>
        RunAsync(folder, args, interrupt: default);

    /// <summary>The same, with an interrupt (Ctrl+C) token and the environment the command sees (SLATEDB_ settings).</summary>
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string folder, string[] args, CancellationToken interrupt, IReadOnlyDictionary<string, string>? environment = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, folder, interrupt: interrupt, environment: environment);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
