namespace SlateFast.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args) => await CommandLine.RunAsync(args, Console.Out, Console.Error);
}
