using SlateFast.Fuzz;
using SlateFast.Fuzz.Targets;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Fuzz;

/// <summary>
/// Replays every reproducer committed under <c>Engine.Fuzz/Regressions/&lt;target&gt;/</c>: each must
/// now return normally or be rejected as <see cref="ErrorKind.Data"/>, like any other input.
/// </summary>
public sealed class FuzzRegressionTests
{
    private static string Folder => Path.Combine(RepoPaths.Root, "Engine.Fuzz", "Regressions");

    [Fact]
    public void Every_committed_reproducer_is_decoded_or_rejected_as_data()
    {
        var failures = new List<string>();
        int replayed = 0;
        foreach (string targetFolder in Directory.GetDirectories(Folder))
        {
            string name = Path.GetFileName(targetFolder);
            IFuzzTarget target = FuzzTargets.Create().Single(t => t.Name == name);
            var runner = new FuzzRunner(new FindingWriter(Path.GetTempPath()), TextWriter.Null, TimeSpan.FromMinutes(5));
            foreach (string file in Directory.GetFiles(targetFolder, "*.bin").Order(StringComparer.Ordinal))
            {
                replayed++;
                if (runner.Execute(target, File.ReadAllBytes(file), seed: 0, iteration: 0, out _) is { } failure)
                {
                    failures.Add($"{Path.GetRelativePath(Folder, file)}: {failure}");
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {replayed} reproducers still fail:\n" + string.Join("\n\n", failures));
    }

    [Fact]
    public void Regression_folders_are_named_after_fuzz_targets()
    {
        var known = FuzzTargets.All.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);

        Assert.True(Directory.Exists(Folder), $"{Folder} is missing");
        Assert.All(Directory.GetDirectories(Folder), d => Assert.Contains(Path.GetFileName(d), known));
    }
}
