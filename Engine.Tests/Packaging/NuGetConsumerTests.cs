using SlateFast.Tests.Support;

namespace SlateFast.Tests.Packaging;

/// <summary>
/// What a .NET user does first works: <c>dotnet add package SlateFast</c> (and
/// <c>SlateFast.Extensions.Hosting</c>) from the packed folder into a fresh console app, which
/// then writes, reads, reopens and reads again, with every codec managed
/// (<c>SLATEFAST_CODECS=managed</c>) as on a machine without liblz4 or libzstd, and finally opens
/// the same database through a generic host configured the way appsettings.json would.
/// </summary>
public sealed class NuGetConsumerTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    private const string Program = """
        using Microsoft.Extensions.DependencyInjection;
        using SlateFast;
        using SlateFast.ObjectStore;

        var store = ObjectStores.Local(args[0]);
        var options = new DbOptions { Compression = CompressionCodec.Zstd };
        await using (var db = await DbHandle.OpenAsync("orders", store, options))
        {
            await db.PutAsync("order-1"u8.ToArray(), "paid"u8.ToArray());
            await db.FlushAsync(FlushType.MemTable);
        }

        await using (var db = await DbHandle.OpenAsync("orders", store, options))
        {
            byte[]? value = await db.GetAsync("order-1"u8.ToArray());
            Console.WriteLine($"reopened: {System.Text.Encoding.UTF8.GetString(value ?? "missing"u8)}");
        }

        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Configuration["SlateFast:store_url"] = new Uri(args[0]).AbsoluteUri;
        builder.Configuration["SlateFast:path"] = "orders";
        builder.Configuration["SlateFast:compression_codec"] = "zstd";
        builder.Services.AddSlateFast();
        using (var host = builder.Build())
        {
            await host.StartAsync();
            var db = host.Services.GetRequiredService<DbHandle>();
            byte[]? value = await db.GetAsync("order-1"u8.ToArray());
            Console.WriteLine($"hosted: {System.Text.Encoding.UTF8.GetString(value ?? "missing"u8)}");
            await host.StopAsync();
        }
        """;

    [Fact]
    public async Task A_fresh_console_app_adds_the_package_and_writes_reads_and_reopens_a_database()
    {
        using var temp = new TempFolder("nuget");
        string packages = Path.Combine(temp.Path, "packages");
        string app = Directory.CreateDirectory(Path.Combine(temp.Path, "app")).FullName;
        // A package cache of its own: the machine's cache may hold an older build of the same version.
        var environment = new Dictionary<string, string?>
        {
            ["NUGET_PACKAGES"] = Path.Combine(temp.Path, "nuget"),
            ["SLATEFAST_CODECS"] = "managed",
            ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
            ["DOTNET_NOLOGO"] = "1",
        };

        string configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        foreach (string project in new[] { "Engine/Engine.csproj", "Extensions.Hosting/SlateFast.Extensions.Hosting.csproj" })
        {
            await Run("dotnet", ["pack", Path.Combine(RepoPaths.Root, project), "-c", configuration, "--no-build", "-o", packages, "-nologo"], app, environment);
        }

        string package = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(packages, "SlateFast.?.*.nupkg")));
        string version = package["SlateFast.".Length..];

        await Run("dotnet", ["new", "console", "--framework", "net10.0", "--name", "OrdersApp", "--output", app], app, environment);
        // The packed folder joins the machine's feeds, which serve the package's dependencies.
        await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="packed" value="{packages}" />
              </packageSources>
            </configuration>
            """);
        await Run("dotnet", ["add", "package", "SlateFast", "--version", version], app, environment);
        await Run("dotnet", ["add", "package", "SlateFast.Extensions.Hosting", "--version", version], app, environment);
        await Run("dotnet", ["add", "package", "Microsoft.Extensions.Hosting", "--version", "10.0.0"], app, environment);
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), Program);

        var run = await Run("dotnet", ["run", "--", Path.Combine(temp.Path, "store")], app, environment);
        // The host also logs to the console (the engine's "opened orders as writer" among them).
        string[] results = run.Out.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("reopened:") || line.StartsWith("hosted:")).ToArray();
        Assert.Equal(["reopened: paid", "hosted: paid"], results);
        Assert.Contains("opened orders as writer", run.Out, StringComparison.Ordinal);
    }

    private static async Task<(int Exit, string Out, string Err)> Run(string program, string[] args, string directory, Dictionary<string, string?> environment)
    {
        var result = await SystemTools.RunToEndAsync(program, args, directory, Limit, environment);
        Assert.True(result.Exit == 0, $"{program} {string.Join(' ', args)}: exit {result.Exit}\n{result.Out}{result.Err}");
        return result;
    }
}
