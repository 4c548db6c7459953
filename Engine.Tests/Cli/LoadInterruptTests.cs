using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary>
/// <c>slatefast load</c> shows progress and stops cleanly on Ctrl-C: what it applied is whole
/// batches, lines 1..K, it says K, and a re-run with <c>--skip K</c> applies the rest exactly once
/// (merge operands included, which a blind re-run would apply twice).
/// </summary>
public sealed partial class LoadInterruptTests
{
    [Fact]
    public async Task Sigint_in_the_middle_of_load_stops_after_whole_batches_and_skip_resumes_exactly_once()
    {
        using var folder = new TempFolder("cli-load-sigint");
        // Enough lines that the load is still running when the interrupt lands even if this test's
        // thread is starved for seconds on a busy machine (400,000 once finished first in CI).
        const int lines = 1_600_000;
        var input = Path.Combine(folder.Path, "rows.jsonl");
        using (var writer = new StreamWriter(input))
        {
            var keys = Enumerable.Range(0, 16).Select(k => Convert.ToHexString(Encoding.ASCII.GetBytes($"m{k:d2}"))).ToArray();
            for (var i = 0; i < lines; i++)
            {
                // Every line is a merge of one byte into one of 16 keys: a line applied twice shows.
                writer.WriteLine($$"""{"key":"{{keys[i % 16]}}","merge":"78"}""");
            }
        }

        var (exit, stderr) = await RunInterruptedAsync(folder.Path, "load", "db", "rows.jsonl", "--create", "--progress", "--merge-operator", "concat");

        Assert.Equal(130, exit);
        var match = Interrupted().Match(stderr);
        Assert.True(match.Success, stderr);
        var applied = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(applied is > 0 and < lines && applied % 1000 == 0, $"applied {applied}: not whole batches before the end");
        Assert.Contains($"resume with --skip {applied}", stderr, StringComparison.Ordinal);

        var resumed = new StringWriter();
        var errors = new StringWriter();
        Assert.Equal(0, await SlateFast.Cli.CommandLine.RunAsync(["load", "db", "rows.jsonl", "--skip", applied.ToString(System.Globalization.CultureInfo.InvariantCulture), "--merge-operator", "concat"], resumed, errors, folder.Path));

        await using var db = await DbHandle.OpenReadOnlyAsync("db", new LocalObjectStore(folder.Path), new DbOptions { MergeOperator = MergeOperators.Concat });
        for (var k = 0; k < 16; k++)
        {
            var value = await db.GetAsync(Encoding.ASCII.GetBytes($"m{k:d2}"));
            Assert.Equal(lines / 16, value!.Length);
        }
    }

    private static async Task<(int Exit, string Stderr)> RunInterruptedAsync(string workingDirectory, params string[] args)
    {
        // Through env --default-signal: a test host started as a background job of a script
        // inherits SIGINT ignored, and .NET then rightly never reports Ctrl-C; a user's terminal
        // delivers it, so the child gets the default disposition back.
        var info = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add("--default-signal=INT");
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = new StringBuilder();
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        // The first progress line says the load is under way: interrupt it then, as a user would.
        while (await process.StandardError.ReadLineAsync(guard.Token) is { } line)
        {
            stderr.AppendLine(line);
            if (line.StartsWith("loaded ", StringComparison.Ordinal))
            {
                // Sent directly, not through a kill(1) process whose start adds its own delay.
                Assert.Equal(0, Kill(process.Id, SigInt));
                break;
            }
        }

        stderr.Append(await process.StandardError.ReadToEndAsync(guard.Token));
        await process.WaitForExitAsync(guard.Token);
        _ = await stdout;
        return (process.ExitCode, stderr.ToString());
    }

    private const int SigInt = 2;

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    [GeneratedRegex(@"interrupted: lines 1 to (\d+) of \d+ are applied and durable")]
    private static partial Regex Interrupted();
}
