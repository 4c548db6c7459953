namespace SlateFast.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        await using var rawOut = Console.OpenStandardOutput();
        await using var stdin = Console.OpenStandardInput();
        using var interrupt = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl-C asks the command to stop at a clean point; a second one kills.
            if (!interrupt.IsCancellationRequested)
            {
                e.Cancel = true;
                interrupt.Cancel();
            }
        };
        using var termination = new TerminationTrap(interrupt);
        return await CommandLine.RunAsync(args, Console.Out, Console.Error, rawStdout: rawOut, stdin: stdin, interrupt: interrupt.Token, terminal: !Console.IsErrorRedirected, termination: termination);
    }
}
