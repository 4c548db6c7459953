using FsCheck;
using FsCheck.Fluent;

[assembly: FsCheck.Xunit.Properties(Arbitrary = [typeof(SlateFast.Tests.CaseSeed.Arbitraries)])]

namespace SlateFast.Tests;

/// <summary>
/// One case of a property whose input is built by a seeded <see cref="Random"/> (byte-level inputs
/// that a generator would describe no better). Drawn from the whole non-negative int range and never
/// shrunk: a smaller seed is not a simpler input. FsCheck's failure message names it, and
/// <c>new Random(seed.Value)</c> rebuilds the failing input exactly.
/// </summary>
public readonly record struct CaseSeed(int Value)
{
    public Random NewRandom() => new(Value);

    /// <summary>Registered for every property test of the assembly.</summary>
    public static class Arbitraries
    {
        public static Arbitrary<CaseSeed> CaseSeeds() => Gen.Choose(0, int.MaxValue).Select(v => new CaseSeed(v)).ToArbitrary();
    }
}
