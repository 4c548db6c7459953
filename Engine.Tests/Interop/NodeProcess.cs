using System.Diagnostics;
using System.Text;

namespace SlateFast.Tests.Interop;

/// <summary>Exit code and captured output of one finished child process.</summary>
public sealed record NodeProcessResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs a child process to completion with captured output and a hard time limit.</summary>
internal static class NodeProcess
{
    public static ProcessStartInfo StartInfo(string fileName, string workingDirectory, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        return psi;
    }

    public static string Describe(ProcessStartInfo psi) =>
        psi.FileName + " " + string.Join(' ', psi.ArgumentList.Select(a => a.Contains(' ', StringComparison.Ordinal) ? $"\"{a}\"" : a));

    /// <summary>
    /// Runs to exit. On timeout or cancellation the whole process tree is killed (the engine
    /// runs tokio threads and may have spawned children) and the partial output is reported.
    /// </summary>
    public static async Task<NodeProcessResult> RunAsync(ProcessStartInfo psi, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SlateDbNodeException($"could not start `{Describe(psi)}`: {e.Message} (is it installed and on PATH?)", e);
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            var partialErr = await stderr.ConfigureAwait(false);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new SlateDbNodeException(
                $"`{Describe(psi)}` did not finish within {timeout.TotalSeconds:0} s and was killed.\nstderr:\n{partialErr}");
        }

        return new NodeProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }

    public static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // already exited
        }
    }
}
