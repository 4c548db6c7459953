using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary>
/// The README's way to put <c>slatefast</c> on the PATH works: the CLI packs as a .NET tool, the
/// package installs with <c>dotnet tool install</c>, and the installed command runs on its own.
/// </summary>
public sealed class ToolInstallTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task The_cli_packs_as_a_dotnet_tool_that_installs_and_writes_and_reads_a_database()
    {
        using var temp = new TempFolder("tool");
        var packages = Path.Combine(temp.Path, "packages");
        var tools = Path.Combine(temp.Path, "tools");
        var work = Directory.CreateDirectory(Path.Combine(temp.Path, "work")).FullName;

        // The build this test runs from (Debug or Release) is the one packed.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var pack = await SystemTools.RunToEndAsync(
            "dotnet", ["pack", Path.Combine(RepoPaths.Root, "Engine.Cli", "Engine.Cli.csproj"), "-c", configuration, "--no-build", "-o", packages, "-nologo"], work, Limit);
        Assert.True(pack.Exit == 0, $"pack: {pack.Out}{pack.Err}");
        var package = Assert.Single(Directory.GetFiles(packages, "SlateFast.Cli.*.nupkg"));

        // A package cache of its own: the machine's cache may hold an older build of the same version.
        var version = Path.GetFileNameWithoutExtension(package)["SlateFast.Cli.".Length..];
        var install = await SystemTools.RunToEndAsync(
            "dotnet", ["tool", "install", "SlateFast.Cli", "--tool-path", tools, "--add-source", packages, "--version", version],
            work, Limit, new Dictionary<string, string?> { ["NUGET_PACKAGES"] = Path.Combine(temp.Path, "nuget") });
        Assert.True(install.Exit == 0, $"install: {install.Out}{install.Err}");

        var slatefast = Path.Combine(tools, OperatingSystem.IsWindows() ? "slatefast.exe" : "slatefast");
        var store = new Uri(Path.Combine(temp.Path, "store")).AbsoluteUri;
        var versionOutput = await SystemTools.RunToEndAsync(slatefast, ["--version"], work, Limit);
        Assert.Equal(0, versionOutput.Exit);
        Assert.StartsWith($"slatefast {version}", versionOutput.Out, StringComparison.Ordinal);

        var put = await SystemTools.RunToEndAsync(slatefast, ["put", "orders", "k1", "paid", "--create", "--store", store], work, Limit);
        Assert.True(put.Exit == 0, $"put: {put.Out}{put.Err}");
        var get = await SystemTools.RunToEndAsync(slatefast, ["get", "orders", "k1", "--store", store], work, Limit);
        Assert.Equal((0, "paid"), (get.Exit, get.Out.Trim()));
        Assert.Empty(Directory.GetFileSystemEntries(work));
    }
}
