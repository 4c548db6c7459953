using System.Text.RegularExpressions;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Docs;

/// <summary>
/// docs/architecture.md maps the engine folder by folder, and each folder is one namespace: a
/// folder added without its row, a row left behind by a moved folder, or a file whose namespace
/// is neither its folder's nor the root (public API) namespace fails here.
/// </summary>
public sealed partial class ArchitectureDocTests
{
    private static string EngineRoot => Path.Combine(RepoPaths.Root, "Engine");

    [Fact]
    public void Every_engine_folder_has_a_row_and_every_row_names_a_folder_that_exists()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "architecture.md"));
        var documented = FolderRow().Matches(doc).Select(m => m.Groups["folder"].Value).ToHashSet(StringComparer.Ordinal);
        var folders = Directory.EnumerateDirectories(EngineRoot)
            .Select(Path.GetFileName)
            .Where(name => name is not ("bin" or "obj") && Directory.EnumerateFiles(Path.Combine(EngineRoot, name!), "*.cs", SearchOption.AllDirectories).Any())
            .Select(name => name!)
            .ToHashSet(StringComparer.Ordinal);

        Assert.Empty(folders.Except(documented).Order());
        Assert.Empty(documented.Except(folders).Order());
    }

    [Fact]
    public void The_root_namespace_holds_no_internal_type_the_doc_does_not_name()
    {
        var doc = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "architecture.md"));
        var unnamed = typeof(DbHandle).Assembly.GetTypes()
            .Where(t => t.Namespace == "SlateFast" && !t.IsPublic && !t.IsNested && !t.Name.Contains('<', StringComparison.Ordinal) && !t.Name.StartsWith("__", StringComparison.Ordinal))
            .Select(t => t.Name.Split('`')[0])
            .Where(name => !doc.Contains($"`{name}`", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
        Assert.Empty(unnamed);
    }

    // The command line is a user of the engine like any other: what it needs is public API
    // (DbAdmin, DbHandle.OpenReadOnlyAsync, Durations, the metrics), so the engine's internals
    // are open only to its tests, benchmarks, fuzzers, the crash-test child and the C ABI.
    [Fact]
    public void Only_tests_tools_that_test_and_the_C_ABI_see_the_engines_internals()
    {
        var friends = typeof(DbHandle).Assembly.GetCustomAttributes(typeof(System.Runtime.CompilerServices.InternalsVisibleToAttribute), false)
            .Cast<System.Runtime.CompilerServices.InternalsVisibleToAttribute>()
            .Select(a => a.AssemblyName)
            .Order(StringComparer.Ordinal);

        Assert.Equal(["Engine.Benchmarks", "Engine.Fuzz", "Engine.TestHost", "Engine.Tests", "SlateFast.Native"], friends);
    }

    [Fact]
    public void Every_engine_file_is_in_its_folders_namespace_or_the_root_one()
    {
        var misplaced = new List<string>();
        foreach (var file in Directory.EnumerateFiles(EngineRoot, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(EngineRoot, file).Replace('\\', '/');
            if (relative.StartsWith("bin/", StringComparison.Ordinal) || relative.StartsWith("obj/", StringComparison.Ordinal) || !relative.Contains('/'))
            {
                continue;
            }

            var folder = "SlateFast." + Path.GetDirectoryName(relative)!.Replace('\\', '/').Replace('/', '.');
            foreach (Match m in Namespace().Matches(File.ReadAllText(file)))
            {
                var ns = m.Groups["ns"].Value;
                if (ns != "SlateFast" && ns != folder)
                {
                    misplaced.Add($"Engine/{relative}: namespace {ns}, folder {folder}");
                }
            }
        }

        Assert.Empty(misplaced);
    }

    [GeneratedRegex(@"^\| `Engine/(?<folder>[A-Za-z]+)`", RegexOptions.Multiline)]
    private static partial Regex FolderRow();

    [GeneratedRegex(@"^namespace (?<ns>[\w.]+)", RegexOptions.Multiline)]
    private static partial Regex Namespace();
}
