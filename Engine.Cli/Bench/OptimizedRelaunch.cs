using System.Diagnostics;

namespace SlateFast.Cli.Bench;

/// <summary>
/// Re-runs this process's command line with tiered compilation off, so a benchmark times fully
/// optimised code from the first call: with tiering on, the first few hundred milliseconds of a
/// workload run tier-0 code (measured: readrandom 2.5x slower over a 0.3 s smoke run), which says
/// nothing about a long-running service. Fully optimised code without dynamic PGO is the
/// conservative proxy for that steady state.
/// </summary>
internal static class OptimizedRelaunch
{
    public const string Variable = "DOTNET_TieredCompilation";

    public static bool Active => Environment.GetEnvironmentVariable(Variable) == "0";

    /// <summary>A start for this same program (under `dotnet` when it runs as a dll) with <paramref name="args"/> and tiering off.</summary>
    public static ProcessStartInfo Start(IEnumerable<string> args) =>
        Start(Environment.ProcessPath!, Environment.GetCommandLineArgs()[0], args);

    /// <summary>The start for host <paramref name="host"/> whose argument 0 is <paramref name="self"/>.</summary>
    internal static ProcessStartInfo Start(string host, string self, IEnumerable<string> args)
    {
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        // Under the `dotnet` muxer the dll must be named again; under the app host (what
        // `dotnet run` starts) argument 0 is also the dll's path, but the host finds it itself.
        if (string.Equals(Path.GetFileNameWithoutExtension(host), "dotnet", StringComparison.Ordinal) && self.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(self);
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment[Variable] = "0";
        return start;
    }

    /// <summary>Runs the same command line again with tiering off, sharing this console; returns its exit code.</summary>
    public static int Rerun(string workingDirectory)
    {
        var start = Start(Environment.GetCommandLineArgs().Skip(1));
        start.WorkingDirectory = workingDirectory;
        using var child = Process.Start(start)!;
        child.WaitForExit();
        return child.ExitCode;
    }
}
