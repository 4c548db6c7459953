using System.Text.RegularExpressions;

namespace SlateFast.Tests.Native;

/// <summary>slatefast.h and the library's exported symbols name the same functions.</summary>
[Collection(NativeCollection.Name)]
public sealed partial class HeaderSymbolsTests
{
    [Fact]
    public async Task Every_function_in_the_header_is_exported_and_every_export_is_in_the_header()
    {
        var library = await NativeToolchain.EnsureLibraryAsync();
        var header = await File.ReadAllTextAsync(Path.Combine(NativeToolchain.IncludeDirectory, "slatefast.h"));
        var declared = Declarations().Matches(StripComments(header)).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        var nm = await NativeToolchain.RunAsync("nm", ["-D", "--defined-only", library]);
        Assert.True(nm.ExitCode == 0, nm.ToString());
        var exported = nm.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 3 && parts[1] == "T")
            .Select(parts => parts[2].Split('@')[0])
            .Where(name => name.StartsWith("sf_", StringComparison.Ordinal))
            .ToHashSet(StringComparer.Ordinal);

        Assert.True(declared.Count >= 30, $"only {declared.Count} declarations parsed");
        Assert.Empty(declared.Except(exported).Order());
        Assert.Empty(exported.Except(declared).Order());
    }

    [Fact]
    public async Task The_library_exports_nothing_but_sf_functions_and_the_runtime_debug_header()
    {
        var library = await NativeToolchain.EnsureLibraryAsync();

        var nm = await NativeToolchain.RunAsync("nm", ["-D", "--defined-only", library]);

        var names = nm.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(parts => parts.Length == 3 && parts[1] != "A")
            .Select(parts => parts[2].Split('@')[0]);
        Assert.All(names, name => Assert.True(name.StartsWith("sf_", StringComparison.Ordinal) || name == "DotNetRuntimeDebugHeader", name));
    }

    private static string StripComments(string c) => Comments().Replace(c, " ");

    [GeneratedRegex(@"\b(sf_[a-z0-9_]+)\s*\(", RegexOptions.CultureInvariant)]
    private static partial Regex Declarations();

    [GeneratedRegex(@"/\*.*?\*/|//[^\n]*", RegexOptions.Singleline | RegexOptions.CultureInvariant)]
    private static partial Regex Comments();
}
