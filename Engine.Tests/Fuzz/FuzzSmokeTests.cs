using SlateFast.Fuzz;
using SlateFast.Fuzz.Targets;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.Fuzz;

/// <summary>
/// Every fuzz target for a fixed number of mutated inputs: a decoder change that crashes, hangs or
/// breaks a round trip on inputs near its seeds fails CI here, long before a long fuzz run.
/// </summary>
public sealed class FuzzSmokeTests(ITestOutputHelper output)
{
    private const long Iterations = 2000;

    public static TheoryData<string> TargetNames => [.. FuzzTargets.All.Select(t => t.Name)];

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void Target_survives_2000_mutated_inputs_without_a_finding(string name)
    {
        IFuzzTarget target = FuzzTargets.Create().Single(t => t.Name == name);
        int seed = Program.DeriveSeed(FuzzSeed.For(output, name), name);
        using var folder = new TempFolder("fuzz-smoke");
        using var log = new StringWriter();
        var runner = new FuzzRunner(new FindingWriter(folder.Path), log, TimeSpan.FromMinutes(5));

        FuzzStats stats = runner.Run(target, seed, TimeSpan.MaxValue, Iterations);

        output.WriteLine(log.ToString());
        Assert.True(stats.Findings == 0, log + string.Concat(Directory.GetFiles(folder.Path, "*.txt").Select(File.ReadAllText)));
        Assert.True(stats.Runs >= Iterations, $"only {stats.Runs} runs");
    }

    [Theory]
    [MemberData(nameof(TargetNames))]
    public void Every_built_in_seed_is_accepted_by_its_target(string name)
    {
        IFuzzTarget target = FuzzTargets.Create().Single(t => t.Name == name);
        var seeds = target.Seeds().ToList();

        Assert.NotEmpty(seeds);
        for (int i = 0; i < seeds.Count; i++)
        {
            var failure = Record.Exception(() => target.Run(seeds[i]));
            Assert.True(failure is null, $"{name} seed {i} ({seeds[i].Length} bytes) was not accepted: {failure}");
        }
    }
}
