using System.Diagnostics;

namespace SlateFast.Benchmarks.Compare;

/// <summary>Runs a child process to completion with a time limit, passing its output through, killing its tree on timeout.</summary>
internal static class ChildProcess
{
    public static async Task RunAsync(ProcessStartInfo start, TimeSpan timeout, string what)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{what}: could not start {start.FileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{what}: no result after {timeout.TotalMinutes:0} minutes");
        }

        var output = await stdout.ConfigureAwait(false) + await stderr.ConfigureAwait(false);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what}: exit code {process.ExitCode}\n{output.Trim()}");
        }
    }

    /// <summary>This same program with <paramref name="args"/>, tiering off (see <see cref="SlateFast.Cli.Bench.OptimizedRelaunch"/>).</summary>
    public static ProcessStartInfo Self(params string[] args) => SlateFast.Cli.Bench.OptimizedRelaunch.Start(args);
}
