using System.Reflection;
using System.Runtime.InteropServices;

namespace SlateFast.Benchmarks.Compare;

/// <summary>
/// Which librocksdb the comparison loads. By default the current RocksDB that the NuGet
/// <c>RocksDB</c> package carries (11.12, statically linked); <c>SLATEFAST_ROCKSDB=7.8</c> selects
/// Debian's librocksdb7.8 (the peer of the earlier recorded tables), and a path selects that file.
/// The choice goes to the child processes through the environment, so every run of one
/// comparison uses the same library.
/// </summary>
internal static class RocksDbLibrary
{
    /// <summary>The name the P/Invoke declarations use; the resolver maps it to the selected file.</summary>
    public const string Name = "rocksdb";

    /// <summary>The environment variable that selects the library.</summary>
    public const string Variable = "SLATEFAST_ROCKSDB";

    /// <summary>The version the NuGet package holds (Directory.Packages.props pins it).</summary>
    public const string PackageVersion = "11.12.0.7641";

    /// <summary>"11.12" (default), "7.8", or a path to a librocksdb.</summary>
    public static string Selection => Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } s ? s : "11.12";

    /// <summary>The peer as the results name it.</summary>
    public static string Describe => Selection switch
    {
        "11.12" => $"RocksDB 11.12 (the NuGet RocksDB {PackageVersion} package's librocksdb.so, C API via P/Invoke)",
        "7.8" => "RocksDB 7.8.3 (Debian librocksdb7.8, C API via P/Invoke)",
        var path => $"RocksDB from {path} (C API via P/Invoke)",
    };

    /// <summary>The file to load for <see cref="Selection"/>.</summary>
    public static string Path => Selection switch
    {
        "11.12" => System.IO.Path.Combine(AppContext.BaseDirectory, "runtimes", RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? "linux-arm64" : "linux-x64", "native", "librocksdb.so"),
        "7.8" => "librocksdb.so.7.8",
        var path => path,
    };

    private static int s_installed;

    /// <summary>Maps <see cref="Name"/> to <see cref="Path"/> for this assembly's P/Invokes; once.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(RocksDbLibrary).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string library, Assembly assembly, DllImportSearchPath? searchPath) =>
        library == Name ? NativeLibrary.Load(Path) : IntPtr.Zero;
}
