namespace SlateFast.TestHost;

internal static class Program
{
    private static async Task<int> Main(string[] args) => await Commands.RunAsync(args);
}
