using FsCheck;
using FsCheck.Fluent;
using Microsoft.FSharp.Core;
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
        ulong runSeed = ulong.TryParse(Environment.GetEnvironmentVariable("SLATEFAST_TEST_SEED"), out ulong pinned)
            ? pinned
            : (ulong)Random.Shared.NextInt64(1, long.MaxValue);
        output.WriteLine($"FsCheck run seed {runSeed} (set SLATEFAST_TEST_SEED={runSeed} to replay)");

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
        Config config = Config.QuickThrowOnFailure
            .WithMaxTest(cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(runSeed, 0x9E3779B97F4A7C15UL | 1UL), FSharpOption<int>.None)));
        FsCheck.Check.One(config, property);
    }
}
