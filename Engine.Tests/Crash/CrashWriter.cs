using System.Globalization;

namespace SlateFast.Tests.Crash;

/// <summary>
/// Drives <c>Engine.TestHost db-writer</c> through one <see cref="CrashRound"/>: waits for it to
/// open, reads the round's number of lines, kills it with SIGKILL, and returns every line it
/// printed (those still in the pipe were printed before the kill, so their writes count as
/// acknowledged too). The crash tests and the power-cut tests read the same writer this way.
/// </summary>
internal static class CrashWriter
{
    public static async Task<List<string>> RunAsync(string root, string db, CrashRound round, bool durable, params string[] extra)
    {
        using var host = HostProcess.Start([
            "db-writer", root, db, durable ? "durable" : "nodurable",
            round.Tasks.ToString(CultureInfo.InvariantCulture), round.Seed.ToString(CultureInfo.InvariantCulture),
            "--l0", round.L0SstSizeBytes.ToString(CultureInfo.InvariantCulture), .. extra]);
        Assert.Equal("opening", await host.ExpectLineAsync());
        var lines = new List<string>();
        if (!round.KillDuringOpen)
        {
            Assert.StartsWith("ready", await host.ExpectLineAsync(), StringComparison.Ordinal);
            while (lines.Count < round.KillAfterLines)
            {
                lines.Add(await host.ExpectLineAsync());
            }
        }

        host.Kill();
        lines.AddRange(await host.DrainAsync());
        return [.. lines.Where(l => !l.StartsWith("ready", StringComparison.Ordinal))];
    }
}
