using System.Text.RegularExpressions;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Docs;

/// <summary>
/// Comments and documents cite sections as "spec §N" (the format specification,
/// docs/spec/slatedb-format.md) or "name.md §N" (another page under docs/). Every such reference
/// must name a heading that exists, so a clone can follow it; a renumbered section fails here.
/// </summary>
public sealed partial class SpecReferenceTests
{
    private static readonly string[] SourceFolders = ["Engine", "Engine.Benchmarks", "Engine.Cli", "Engine.Fuzz", "Engine.Native", "Engine.TestHost", "Engine.Testing", "Engine.Tests", "Extensions.Hosting", "NativeAot", "samples", "docs"];

    [Fact]
    public void Every_section_reference_names_a_heading_of_the_document_it_cites()
    {
        var headings = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var broken = new List<string>();
        var checkedCount = 0;
        foreach (var file in SourceFiles())
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                foreach (Match m in Reference().Matches(lines[i]))
                {
                    var document = m.Groups["doc"].Success ? m.Groups["doc"].Value : "spec/slatedb-format.md";
                    var sections = HeadingsOf(document, headings);
                    checkedCount++;
                    if (sections is null || !sections.Contains(m.Groups["section"].Value))
                    {
                        broken.Add($"{Path.GetRelativePath(RepoPaths.Root, file)}:{i + 1}: §{m.Groups["section"].Value} of docs/{document}");
                    }
                }
            }
        }

        Assert.True(checkedCount > 40, $"only {checkedCount} references found: the scan lost its way");
        Assert.Empty(broken);
    }

    private static IEnumerable<string> SourceFiles()
    {
        string[] extensions = [".cs", ".md", ".c", ".h", ".hpp", ".py"];
        foreach (var folder in SourceFolders)
        {
            var root = Path.Combine(RepoPaths.Root, folder);
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories))
            {
                var relative = Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/');
                if (extensions.Contains(Path.GetExtension(file)) && !relative.Contains("/bin/", StringComparison.Ordinal) && !relative.Contains("/obj/", StringComparison.Ordinal)
                    && !relative.StartsWith("docs/spec/", StringComparison.Ordinal))
                {
                    yield return file;
                }
            }
        }

        yield return Path.Combine(RepoPaths.Root, "README.md");
    }

    private static HashSet<string>? HeadingsOf(string document, Dictionary<string, HashSet<string>> cache)
    {
        if (!cache.TryGetValue(document, out var sections))
        {
            var path = Path.Combine(RepoPaths.Root, "docs", document);
            sections = File.Exists(path)
                ? File.ReadLines(path).Select(l => Heading().Match(l)).Where(m => m.Success).Select(m => m.Groups["section"].Value).ToHashSet(StringComparer.Ordinal)
                : null!;
            cache[document] = sections;
        }

        return sections;
    }

    // "§5.8", "docs/reliability.md §9", "(spec §10.1, §10.3)": a bare § is the format spec's.
    [GeneratedRegex(@"(?:(?:docs/)?(?<doc>[\w-]+\.md) )?§(?<section>\d+(?:\.\d+)*)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^#{2,4} (?<section>\d+(?:\.\d+)*)\.? ")]
    private static partial Regex Heading();
}
