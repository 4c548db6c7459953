using SlateFast.Cli;

namespace SlateFast.Tests.Support;

/// <summary>Runs the <c>slatefast</c> command line in-process in a working folder, capturing what it prints.</summary>
internal static class Cli
{
    public static async Task<(int Exit, string Out, string Err)> RunAsync(string folder, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = await CommandLine.RunAsync(args, stdout, stderr, folder);
        return (exit, stdout.ToString(), stderr.ToString());
    }
}
