using SlateFast.Fuzz.Operations;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// The operation fuzzer in CI: every committed reproducer replays cleanly, and a short run of
/// fresh sequences (seed printed) finds nothing.
/// </summary>
public sealed class OperationFuzzerTests(ITestOutputHelper output)
{
    private static string Folder => Path.Combine(RepoPaths.Root, "Engine.Tests", "Reliability", "Reproducers");

    public static TheoryData<string> Reproducers =>
        [.. Directory.GetFiles(Folder, "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Theory]
    [MemberData(nameof(Reproducers))]
    public async Task Committed_reproducer_replays_without_a_failure(string name)
    {
        var sequence = OperationFuzzer.Load(Path.Combine(Folder, name));
        output.WriteLine($"{name}: {sequence.Ops.Count} ops; found as: {sequence.Failure}");

        // Timing-dependent findings get several chances to show up again.
        for (var run = 0; run < 5; run++)
        {
            var failure = await OpRunner.RunAsync(sequence);
            Assert.True(failure is null, $"run {run}: {failure}");
        }
    }

    [Fact]
    public async Task Fresh_random_operation_sequences_agree_with_the_model()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("SLATEFAST_TEST_SEED"), out var pinned) ? pinned : Random.Shared.Next();
        output.WriteLine($"seed {seed} (replay: Engine.Fuzz --ops --seed {seed} --length 150)");
        using var findings = new TempFolder("ops-fuzz");
        using var log = new StringWriter();
        var result = await OperationFuzzer.RunAsync(seed, 150, TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(30), findings.Path, log, maxSequences: 40);
        output.WriteLine(log.ToString());
        Assert.True(result.Failures == 0, log.ToString());
        Assert.True(result.Ops > 0);
    }

    [Fact]
    public void Reproducer_files_name_only_known_operations()
    {
        foreach (var file in Directory.GetFiles(Folder, "*.json"))
        {
            foreach (var op in OperationFuzzer.Load(file).Ops)
            {
                OpCatalog.Find(op.Kind);
            }
        }
    }
}
