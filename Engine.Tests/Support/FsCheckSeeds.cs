using FsCheck;
using Microsoft.FSharp.Core;
using Xunit.Abstractions;

namespace SlateFast.Tests.Support;

/// <summary>
/// FsCheck configuration with a printed run seed: every property test logs it, and setting
/// SLATEFAST_TEST_SEED to it replays the same cases.
/// </summary>
public static class FsCheckSeeds
{
    public static Config Seeded(ITestOutputHelper output, int cases)
    {
        var seed = RunSeed();
        output.WriteLine($"FsCheck run seed {seed} (set SLATEFAST_TEST_SEED={seed} to replay)");
        return Config.QuickThrowOnFailure.WithMaxTest(cases)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed, 0x9E3779B97F4A7C15UL | 1UL), FSharpOption<int>.None)));
    }

    private static ulong RunSeed() =>
        ulong.TryParse(Environment.GetEnvironmentVariable("SLATEFAST_TEST_SEED"), out var pinned) ? pinned : (ulong)Random.Shared.NextInt64(1, long.MaxValue);
}
