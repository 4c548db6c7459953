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
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"{file} exited {process.ExitCode}: {error.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return $"{file}: {e.Message}";
        }
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
