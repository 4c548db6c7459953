using System.Globalization;

namespace SlateFast.Tests.Crash;

/// <summary>
/// Rounds and seed of the crash tests. CI runs the default 20 rounds; scripts/crash-soak sets
/// SLATEFAST_CRASH_ROUNDS for a long soak, and SLATEFAST_CRASH_SEED replays a failing run.
/// </summary>
public sealed record CrashSettings(int Rounds, int Seed)
{
    public const string RoundsVariable = "SLATEFAST_CRASH_ROUNDS";
    public const string SeedVariable = "SLATEFAST_CRASH_SEED";
    public const int DefaultRounds = 20;

    public static CrashSettings FromEnvironment()
    {
        var rounds = Environment.GetEnvironmentVariable(RoundsVariable) is { Length: > 0 } r
            ? int.Parse(r, CultureInfo.InvariantCulture)
            : DefaultRounds;
        // A fresh seed per run explores new interleavings; it is printed and in every failure.
        var seed = Environment.GetEnvironmentVariable(SeedVariable) is { Length: > 0 } s
            ? int.Parse(s, CultureInfo.InvariantCulture)
            : Random.Shared.Next(1, int.MaxValue);
        if (rounds < 1)
        {
            throw new InvalidOperationException($"{RoundsVariable} must be at least 1, got {rounds}");
        }

        return new CrashSettings(rounds, seed);
    }
}

/// <summary>What one round does: the writer's settings and when it dies.</summary>
/// <param name="Seed">The workload seed; keys embed it, so keys are unique per round.</param>
/// <param name="L0SstSizeBytes">Small values make memtable flushes (L0 SSTs, manifest updates) happen inside the kill window.</param>
/// <param name="KillAfterLines">Ack or commit lines read before the SIGKILL.</param>
/// <param name="KillDuringOpen">Kill as soon as the writer starts opening (recovery, fencing, replayed-memtable flushes).</param>
public sealed record CrashRound(int Round, int Seed, int Tasks, long L0SstSizeBytes, int KillAfterLines, bool KillDuringOpen)
{
    private static readonly long[] s_l0Sizes = [1024, 4096, 32 * 1024, 64L * 1024 * 1024];

    public static CrashRound Draw(Random random, int round, bool durable) => new(
        round,
        random.Next(1, int.MaxValue),
        durable ? random.Next(1, 5) : random.Next(1, 3),
        s_l0Sizes[random.Next(s_l0Sizes.Length)],
        random.Next(0, durable ? 200 : 600),
        random.Next(10) == 0);

    public override string ToString() =>
        $"round {Round}: seed {Seed}, {Tasks} tasks, L0SstSizeBytes {L0SstSizeBytes}, " + (KillDuringOpen ? "kill while opening" : $"kill after {KillAfterLines} lines");
}
