using FsCheck;
using FsCheck.Fluent;
using Xunit.Abstractions;

namespace SlateFast.Tests.Format;

/// <summary>
/// Runs an FsCheck property whose cases are seeds for <see cref="Random"/>: a failure message names the
/// case seed, which rebuilds the failing input exactly. The run's own seed is logged and can be pinned
/// with SLATEFAST_TEST_SEED.
/// </summary>
internal static class SeededProperty
{
    public static void Check(ITestOutputHelper output, int cases, Action<int> body)
    {

        Arbitrary<int> seeds = Arb.From(Gen.Choose(0, int.MaxValue));
        Property property = Prop.ForAll(seeds, seed =>
        {
            try
            {
                body(seed);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"case seed {seed}: {e.Message}", e);
            }
        });
        Config config = Support.FsCheckSeeds.Seeded(output, cases);
        FsCheck.Check.One(config, property);
    }
}
