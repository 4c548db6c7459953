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
    public static ProcessStartInfo Start(IEnumerable<string> args)
    {
        var self = Environment.GetCommandLineArgs()[0];
        var host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        if (!string.Equals(Path.GetFullPath(host), Path.GetFullPath(self), StringComparison.Ordinal) && self.EndsWith(".dll", StringComparison.OrdinalIgnoreCase))
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
