using System.Globalization;
using Xunit.Abstractions;

namespace SlateFast.Tests.Fuzz;

/// <summary>
/// The fuzz smoke tests run a fixed seed so CI is repeatable; <c>SLATEFAST_TEST_SEED</c> explores
/// others. The seed is always logged.
/// </summary>
internal static class FuzzSeed
{
    public const int Default = 20_261_121;

    public static int For(ITestOutputHelper output, string target)
    {
        string? chosen = Environment.GetEnvironmentVariable("SLATEFAST_TEST_SEED");
        int seed = chosen is null ? Default : int.Parse(chosen, CultureInfo.InvariantCulture);
        output.WriteLine($"{target}: seed {seed} (replay with SLATEFAST_TEST_SEED={seed}, or dotnet run --project Engine.Fuzz -- --target {target} --seed {seed})");
        return seed;
    }
}
