using System.Diagnostics;
using System.Text;
using System.Xml.Linq;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Native;

/// <summary>
/// The built C ABI library and the tools that exercise it from outside .NET: gcc/g++, valgrind,
/// python3, pkg-config. The library comes from scripts/build-native (run by the test command first;
/// run here once if it is missing); the packages made of it from scripts/pack-native and pack-python.
/// </summary>
internal static class NativeToolchain
{
    private static readonly SemaphoreSlim BuildGate = new(1, 1);
    private static readonly SemaphoreSlim PackGate = new(1, 1);

    public static string LibraryDirectory => Path.Combine(RepoPaths.Root, "artifacts", "native");

    public static string LibraryPath => Path.Combine(LibraryDirectory, "libslatefast.so");

    public static string IncludeDirectory => Path.Combine(RepoPaths.Root, "NativeAot", "include");

    public static string NativeAotDirectory => Path.Combine(RepoPaths.Root, "NativeAot");

    /// <summary>
    /// The GC reserves 256 GiB of address space up front, more than valgrind allows a process;
    /// a 4 GiB range (hex, no 0x: the runtime's format) lets the runtime start under it.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ValgrindEnvironment { get; } = new Dictionary<string, string> { ["DOTNET_GCRegionRange"] = "100000000" };

    /// <summary>The release version, Directory.Build.props' &lt;Version&gt; (the packages are named after it).</summary>
    public static string ReleaseVersion =>
        XDocument.Load(Path.Combine(RepoPaths.Root, "Directory.Build.props")).Descendants("Version").First().Value;

    private static string? s_releaseFolder;
    private static string? s_wheel;

    /// <summary>
    /// Runs scripts/pack-native once per test run (it lays out the C release folder and its .tar.gz
    /// from the built library); returns the folder. Later calls reuse it: the script is deterministic.
    /// </summary>
    public static async Task<string> EnsureReleaseFolderAsync()
    {
        await PackGate.WaitAsync();
        try
        {
            return s_releaseFolder ??= await PackAsync("pack-native");
        }
        finally
        {
            PackGate.Release();
        }
    }

    /// <summary>Runs scripts/pack-python once per test run; returns the wheel it built.</summary>
    public static async Task<string> EnsureWheelAsync()
    {
        await PackGate.WaitAsync();
        try
        {
            return s_wheel ??= await PackAsync("pack-python");
        }
        finally
        {
            PackGate.Release();
        }
    }

    /// <summary>Runs a packaging script; returns the first path it prints ("script: path", relative to the repository).</summary>
    private static async Task<string> PackAsync(string script)
    {
        await EnsureLibraryAsync();
        var result = await RunAsync(Path.Combine(RepoPaths.Root, "scripts", script), [], timeout: TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, $"scripts/{script} failed:\n{result}");
        var prefix = script + ": ";
        var line = result.Stdout.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal));
        Assert.True(line is not null, $"scripts/{script} printed no path:\n{result}");
        return Path.GetFullPath(Path.Combine(RepoPaths.Root, line[prefix.Length..].Trim()));
    }

    public static async Task<string> EnsureLibraryAsync()
    {
        await BuildGate.WaitAsync();
        try
        {
            if (!File.Exists(LibraryPath))
            {
                var result = await RunAsync(Path.Combine(RepoPaths.Root, "scripts", "build-native"), [], timeout: TimeSpan.FromMinutes(20));
                Assert.True(result.ExitCode == 0, $"scripts/build-native failed:\n{result.Stdout}\n{result.Stderr}");
            }

            return LibraryPath;
        }
        finally
        {
            BuildGate.Release();
        }
    }

    /// <summary>Compiles C (or C++ when a source ends in .cpp) against the library; returns the executable.</summary>
    public static async Task<string> CompileAsync(string outputDirectory, string name, params string[] sources)
    {
        await EnsureLibraryAsync();
        var cpp = sources.Any(s => s.EndsWith(".cpp", StringComparison.Ordinal));
        var output = Path.Combine(outputDirectory, name);
        List<string> args = [cpp ? "-std=c++17" : "-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", "-g", "-I", IncludeDirectory, "-o", output];
        args.AddRange(sources.Select(s => Path.Combine(NativeAotDirectory, s)));
        args.AddRange(["-L", LibraryDirectory, "-lslatefast", $"-Wl,-rpath,{LibraryDirectory}", "-lpthread"]);
        var result = await RunAsync(cpp ? "g++" : "gcc", args);
        Assert.True(result.ExitCode == 0, $"compiling {name} failed:\n{result.Stderr}");
        return output;
    }

    /// <summary>Runs a program to exit with captured output; killed (and the test failed) after <paramref name="timeout"/>.</summary>
    public static async Task<ToolResult> RunAsync(
        string program,
        IEnumerable<string> args,
        string? stdin = null,
        IReadOnlyDictionary<string, string>? environment = null,
        TimeSpan? timeout = null,
        IEnumerable<string>? unsetEnvironment = null,
        string? workingDirectory = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[key] = value;
        }

        foreach (var key in unsetEnvironment ?? [])
        {
            psi.Environment.Remove(key);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var limit = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {string.Join(' ', psi.ArgumentList)} did not finish in time.\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return new ToolResult(process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>Exit code and output of a finished tool.</summary>
internal sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}";
}
