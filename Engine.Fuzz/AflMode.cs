using SlateFast.Fuzz.Targets;

namespace SlateFast.Fuzz;

/// <summary>
/// Coverage-guided fuzzing with AFL++ through SharpFuzz (docs/fuzzing.md, scripts/fuzz-afl):
/// <c>--afl TARGET</c> is the program afl-fuzz starts, running one target's decoder on each input
/// under <see cref="FuzzContract"/>; a finding escapes as an exception, which SharpFuzz reports to
/// AFL as a crash. <c>--export-seeds TARGET DIR</c> writes the target's built-in seeds as AFL's
/// starting corpus, and <c>--afl-repro TARGET FILE</c> replays one input outside AFL.
/// </summary>
internal static class AflMode
{
    public static int Run(string[] args)
    {
        if (args.Length != 2)
        {
            return Usage();
        }

        // The instrumented engine writes coverage into AFL's shared memory, which exists only
        // inside Fuzzer.Run: no engine code (a target's constructor included) may run before it.
        // scripts/fuzz-afl checks the name with --export-seeds, uninstrumented, beforehand.
        string name = args[1];
        IFuzzTarget? target = null;
        SharpFuzz.Fuzzer.OutOfProcess.Run(stream =>
        {
            target ??= FuzzTargets.Create().Single(t => t.Name == name);
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            FuzzContract.Run(target, buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    }

    public static int ExportSeeds(string[] args)
    {
        if (args.Length != 3 || Find(args[1]) is not { } target)
        {
            return Usage();
        }

        Directory.CreateDirectory(args[2]);
        int count = 0;
        foreach (byte[] seed in target.Seeds().DistinctBy(Convert.ToHexString))
        {
            // AFL slows down on large seeds and gains little from them; SSTs of a few KiB suffice.
            if (seed.Length <= 64 * 1024)
            {
                File.WriteAllBytes(Path.Combine(args[2], $"seed-{count++:D4}"), seed);
            }
        }

        Console.WriteLine($"export-seeds: {count} seeds for {target.Name} in {args[2]}");
        return count > 0 ? 0 : 1;
    }

    public static int Repro(string[] args)
    {
        if (args.Length != 3 || Find(args[1]) is not { } target)
        {
            return Usage();
        }

        bool accepted = FuzzContract.Run(target, File.ReadAllBytes(args[2])); // a finding throws
        Console.WriteLine(accepted ? "accepted" : "refused as corrupt (Data)");
        return 0;
    }

    private static IFuzzTarget? Find(string name) => FuzzTargets.All.FirstOrDefault(t => t.Name == name);

    private static int Usage()
    {
        Console.Error.WriteLine("usage: Engine.Fuzz --afl TARGET | --export-seeds TARGET DIR | --afl-repro TARGET FILE (targets: --list)");
        return 2;
    }
}
