using System.Globalization;
using SlateFast.Fuzz.Seeds;
using SlateFast.Fuzz.Targets;

namespace SlateFast.Fuzz;

/// <summary>
/// Mutation fuzzer for SlateFast's decoders. Every target may only return or throw a
/// <see cref="ErrorKind.Data"/> error; anything else is written to the findings folder and makes
/// the exit code 1.
/// </summary>
internal static class Program
{
    private const string Usage =
        """
        usage: Engine.Fuzz [--target NAME|all] [--seconds N] [--iterations N] [--seed S]
                           [--corpus DIR]... [--findings DIR] [--hang-seconds N]
               Engine.Fuzz --target NAME --repro FILE
               Engine.Fuzz --list
               Engine.Fuzz --ops ... | --ops-replay FILE | --soak ...   (see --ops --help, --soak --help)
               Engine.Fuzz --afl TARGET | --export-seeds TARGET DIR | --afl-repro TARGET FILE   (AFL++, scripts/fuzz-afl)

          --target      a target name from --list, or all (default all)
          --seconds     total time budget, split evenly between the chosen targets (default 10)
          --iterations  stop each target after this many runs (default unlimited)
          --seed        random seed; printed at start so a run can be repeated (default random)
          --corpus      extra seeds: every *.sst, *.manifest and *.compactions file under DIR
                        (e.g. a database written by SlateDB); SSTs are also cut into blocks and
                        info/index/stats/filter sections for those targets. May be repeated.
          --findings    folder for findings (default a new folder under the system temp folder)
          --repro       run one saved input against the target and report the outcome
        exit code: 0 no findings, 1 findings, 2 usage error
        """;

    private static int Main(string[] args)
    {
        // The operation fuzzer and the soak have their own options (Operations/).
        switch (args.FirstOrDefault())
        {
            case "--ops": return Operations.OperationFuzzer.Run(args[1..], replay: false);
            case "--ops-replay": return Operations.OperationFuzzer.Run(args[1..], replay: true);
            case "--soak": return Operations.Soak.Run(args[1..]);
            case "--afl": return AflMode.Run(args);
            case "--export-seeds": return AflMode.ExportSeeds(args);
            case "--afl-repro": return AflMode.Repro(args);
        }

        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (FormatException ex)
        {
            Console.Error.WriteLine(ex.Message);
            Console.Error.WriteLine(Usage);
            return 2;
        }

        if (options.Help)
        {
            Console.WriteLine(Usage);
            return 0;
        }

        if (options.List)
        {
            foreach (IFuzzTarget target in FuzzTargets.All)
            {
                Console.WriteLine(target.Name);
            }

            return 0;
        }

        List<IFuzzTarget> targets = options.Target == "all"
            ? [.. FuzzTargets.All]
            : [.. FuzzTargets.All.Where(t => t.Name == options.Target)];
        if (targets.Count == 0)
        {
            Console.Error.WriteLine($"unknown target '{options.Target}'; known: {string.Join(", ", FuzzTargets.All.Select(t => t.Name))}");
            return 2;
        }

        string findingsFolder = options.Findings ?? Path.Combine(
            Path.GetTempPath(), $"slatefast-fuzz-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Environment.ProcessId}");
        var findings = new FindingWriter(Path.GetFullPath(findingsFolder));
        var runner = new FuzzRunner(findings, Console.Out, TimeSpan.FromSeconds(options.HangSeconds));

        if (options.Repro is not null)
        {
            return Repro(runner, targets, options.Repro);
        }

        CorpusSeeds corpus;
        try
        {
            corpus = options.Corpus.Count == 0 ? CorpusSeeds.Empty : CorpusSeeds.Load(options.Corpus, Console.Out);
        }
        catch (DirectoryNotFoundException ex)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }

        Console.WriteLine($"seed {options.Seed} (repeat with --seed {options.Seed}); findings go to {findings.Folder}");
        var perTarget = TimeSpan.FromSeconds(options.Seconds / targets.Count);
        int total = 0;
        for (int i = 0; i < targets.Count; i++)
        {
            // Each target gets its own stream derived from the run seed, so --target X replays X alone.
            total += runner.Run(targets[i], DeriveSeed(options.Seed, targets[i].Name), perTarget, options.Iterations, corpus.For(targets[i].Name)).Findings;
        }

        Console.WriteLine(total == 0 ? "no findings" : $"{total} finding(s) in {findings.Folder}");
        return total == 0 ? 0 : 1;
    }

    private static int Repro(FuzzRunner runner, List<IFuzzTarget> targets, string file)
    {
        if (targets.Count != 1)
        {
            Console.Error.WriteLine("--repro needs one --target");
            return 2;
        }

        byte[] input = File.ReadAllBytes(file);
        string? failure = runner.Execute(targets[0], input, seed: 0, iteration: 0, out bool accepted);
        Console.WriteLine(failure ?? (accepted ? "accepted (returned normally)" : "rejected with a data error"));
        return failure is null ? 0 : 1;
    }

    /// <summary>The seed of one target's stream within a run.</summary>
    internal static int DeriveSeed(int seed, string name)
    {
        // A stable string hash (string.GetHashCode is randomized per process).
        uint hash = (uint)seed;
        foreach (char c in name)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash & 0x7FFFFFFF);
    }

    private sealed class Options
    {
        public string Target { get; private set; } = "all";

        public double Seconds { get; private set; } = 10;

        public long Iterations { get; private set; } = long.MaxValue;

        public int Seed { get; private set; } = Random.Shared.Next();

        public string? Findings { get; private set; }

        public string? Repro { get; private set; }

        public List<string> Corpus { get; } = [];

        public double HangSeconds { get; private set; } = 10;

        public bool List { get; private set; }

        public bool Help { get; private set; }

        public static Options Parse(string[] args)
        {
            var options = new Options();
            for (int i = 0; i < args.Length; i++)
            {
                string Value() => i + 1 < args.Length ? args[++i] : throw new FormatException($"{args[i]} needs a value");
                switch (args[i])
                {
                    case "--target": options.Target = Value(); break;
                    case "--seconds": options.Seconds = ParseNumber(Value(), "--seconds"); break;
                    case "--iterations": options.Iterations = (long)ParseNumber(Value(), "--iterations"); break;
                    case "--seed": options.Seed = (int)ParseNumber(Value(), "--seed"); break;
                    case "--findings": options.Findings = Value(); break;
                    case "--corpus": options.Corpus.Add(Value()); break;
                    case "--repro": options.Repro = Value(); break;
                    case "--hang-seconds": options.HangSeconds = ParseNumber(Value(), "--hang-seconds"); break;
                    case "--list": options.List = true; break;
                    case "--help" or "-h": options.Help = true; break;
                    default: throw new FormatException($"unknown argument '{args[i]}'");
                }
            }

            return options;
        }

        private static double ParseNumber(string text, string name) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) && value >= 0
                ? value
                : throw new FormatException($"{name} needs a non-negative number, got '{text}'");
    }
}
