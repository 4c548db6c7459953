using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace SlateFast.Fuzz.Operations;

/// <summary>
/// The operation fuzzer: random sequences of database operations against a model, one sequence
/// per derived seed, until the time budget is spent. A failing sequence is shrunk and written as
/// a JSON reproducer that <c>--ops-replay</c> (and Engine.Tests/Reliability) replays.
/// </summary>
internal static class OperationFuzzer
{
    public const string Usage =
        """
        usage: Engine.Fuzz --ops [--seconds N] [--seed S] [--length N] [--findings DIR] [--shrink-seconds N]
               Engine.Fuzz --ops-replay FILE

          --seconds         time budget (default 60)
          --seed            run seed, printed at start; sequence i uses a seed derived from it
          --length          operations per sequence (default 300)
          --findings        folder for reproducers (default a new folder under the temp folder)
          --shrink-seconds  time spent shrinking one failing sequence (default 120)
        exit code: 0 no failures, 1 failures, 2 usage error
        """;

    public static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static int Run(string[] args, bool replay)
    {
        try
        {
            return replay ? Replay(args) : Fuzz(args);
        }
        catch (FormatException e)
        {
            Console.Error.WriteLine(e.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }
    }

    private static int Replay(string[] args)
    {
        if (args.Length != 1)
        {
            throw new FormatException("--ops-replay needs one file");
        }

        var sequence = Load(args[0]);
        var failure = OpRunner.RunAsync(sequence).GetAwaiter().GetResult();
        Console.WriteLine(failure ?? $"passed ({sequence.Ops.Count} ops)");
        return failure is null ? 0 : 1;
    }

    public static OpSequence Load(string file) =>
        JsonSerializer.Deserialize<OpSequence>(File.ReadAllText(file), Json) ?? throw new FormatException($"{file} holds no sequence");

    private static int Fuzz(string[] args)
    {
        double seconds = 60, shrinkSeconds = 120;
        var seed = Random.Shared.Next();
        var length = 300;
        string? findings = null;
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds": seconds = Number(Value()); break;
                case "--seed": seed = (int)Number(Value()); break;
                case "--length": length = (int)Number(Value()); break;
                case "--findings": findings = Value(); break;
                case "--shrink-seconds": shrinkSeconds = Number(Value()); break;
                case "--help" or "-h": Console.WriteLine(Usage); return 0;
                default: throw new FormatException($"unknown argument '{args[i]}'");
            }
        }

        findings ??= Path.Combine(Path.GetTempPath(), $"slatefast-ops-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        Console.WriteLine($"operation fuzzer: seed {seed} (repeat with --ops --seed {seed}), {length} ops per sequence, {seconds} s; reproducers go to {findings}");
        var result = RunAsync(seed, length, TimeSpan.FromSeconds(seconds), TimeSpan.FromSeconds(shrinkSeconds), findings, Console.Out).GetAwaiter().GetResult();
        return result.Failures == 0 ? 0 : 1;
    }

    public sealed record Result(int Sequences, long Ops, int Failures, OpStats Stats, TimeSpan Elapsed);

    public static async Task<Result> RunAsync(int seed, int length, TimeSpan duration, TimeSpan shrinkBudget, string findings, TextWriter log, int maxSequences = int.MaxValue)
    {
        var clock = Stopwatch.StartNew();
        var stats = new OpStats();
        var sequences = 0;
        var failures = 0;
        var signatures = new HashSet<string>(StringComparer.Ordinal);
        while (clock.Elapsed < duration && sequences < maxSequences)
        {
            var sequenceSeed = Program.DeriveSeed(seed, $"ops-{sequences}");
            var sequence = new OpGenerator(sequenceSeed).Sequence(length);
            sequences++;
            var failure = await OpRunner.RunAsync(sequence, stats).ConfigureAwait(false);
            if (failure is null)
            {
                continue;
            }

            failures++;
            log.WriteLine($"FAILURE in sequence {sequences - 1} (seed {sequenceSeed}): {failure}");
            if (!signatures.Add(Shrinker.Signature(failure)))
            {
                // Already shrunk one of these; the seed above replays this one.
                continue;
            }

            var shrinker = new Shrinker(log, shrinkBudget);
            var (small, smallFailure) = await shrinker.ShrinkAsync(sequence with { Failure = failure }, failure).ConfigureAwait(false);
            Directory.CreateDirectory(findings);
            var file = Path.Combine(findings, $"ops-{sequenceSeed}.json");
            await File.WriteAllTextAsync(file, JsonSerializer.Serialize(small, Json)).ConfigureAwait(false);
            log.WriteLine($"  shrunk from {sequence.Ops.Count} to {small.Ops.Count} ops in {shrinker.Runs} runs: {smallFailure}");
            foreach (var op in small.Ops)
            {
                log.WriteLine($"    {op}");
            }

            log.WriteLine($"  reproducer: {file} (replay with --ops-replay {file})");
        }

        var ops = stats.Ops;
        log.WriteLine($"operation fuzzer: {sequences} sequences, {ops} ops ({string.Join(", ", stats.ByKind.OrderByDescending(p => p.Value).Select(p => $"{p.Key} {p.Value}"))}), "
            + $"{stats.Crashes} crashes ({stats.Recovered} undurable commits recovered), {stats.Faults} faults injected, {failures} failures, {clock.Elapsed.TotalSeconds:F0} s");
        return new Result(sequences, ops, failures, stats, clock.Elapsed);
    }

    private static double Number(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new FormatException($"needs a non-negative number, got '{text}'");
}
