using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SlateFast.Tests.Support;

/// <summary>Small system helpers several suites need: a command's outcome, a port nothing listens on.</summary>
public static class SystemTools
{
    /// <summary>Runs a command; null when it succeeded, else why not (exit code and stderr, or that it could not start).</summary>
    public static string? Run(string file, params string[] args)
    {
        try
        {
            // Off the test framework's synchronisation context: blocking on a continuation queued to
            // it would wait for a thread this very call holds.
            var (exit, _, err) = Task.Run(() => RunToEndAsync(file, args, Environment.CurrentDirectory, TimeSpan.FromMinutes(5))).GetAwaiter().GetResult();
            return exit == 0 ? null : $"{file} exited {exit}: {err.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{file}: {e.Message}";
        }
    }

    /// <summary>
    /// Runs a command to its end with both streams captured, in <paramref name="workingDirectory"/>
    /// with <paramref name="environment"/> applied (a null value removes the variable); fails the test if it is still running after
    /// <paramref name="timeout"/> (a hang, not a timing assertion).
    /// </summary>
    public static async Task<(int Exit, string Out, string Err)> RunToEndAsync(string file, IEnumerable<string> args, string workingDirectory, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true, WorkingDirectory = workingDirectory };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} still running after {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>A loopback port that was free a moment ago: connections to it are refused.</summary>
    public static int ClosedPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
