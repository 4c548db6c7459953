using System.Globalization;
using System.Runtime.CompilerServices;
using Xunit.Abstractions;

namespace SlateFast.Tests.Format;

/// <summary>
/// A fresh seed per run, logged to the test output, so random tests explore new inputs yet every
/// failure can be replayed with <c>SLATEFAST_TEST_SEED</c>.
/// </summary>
internal static class TestSeed
{
    public static int Next(ITestOutputHelper output, [CallerMemberName] string test = "")
    {
        string? fixedSeed = Environment.GetEnvironmentVariable("SLATEFAST_TEST_SEED");
        int seed = fixedSeed is null ? Random.Shared.Next() : int.Parse(fixedSeed, CultureInfo.InvariantCulture);
        output.WriteLine($"{test}: seed {seed} (replay with SLATEFAST_TEST_SEED={seed})");
        return seed;
    }
}
