using System.Globalization;
using System.Runtime.CompilerServices;
using Xunit.Abstractions;

namespace SlateFast.Tests.Format;

/// <summary>
/// The seed of a test built on one seeded <see cref="Random"/> input (not a property: it runs a single
/// case). Fresh per test, written to the test output, and pinned by the same
/// <c>SLATEFAST_TEST_SEED</c> that replays the property tests (<see cref="PropertySeed"/>).
/// </summary>
internal static class TestSeed
{
    public static int Next(ITestOutputHelper output, [CallerMemberName] string test = "")
    {
        string? fixedSeed = Environment.GetEnvironmentVariable(PropertySeed.Variable);
        int seed = fixedSeed is null ? Random.Shared.Next() : int.Parse(fixedSeed, CultureInfo.InvariantCulture);
        output.WriteLine($"{test}: seed {seed} (replay with {PropertySeed.Variable}={seed})");
        return seed;
    }
}
