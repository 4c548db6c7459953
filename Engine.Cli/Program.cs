namespace SlateFast.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        await using var rawOut = Console.OpenStandardOutput();
        await using var stdin = Console.OpenStandardInput();
        return await CommandLine.RunAsync(args, Console.Out, Console.Error, rawStdout: rawOut, stdin: stdin);
    }
}
