using SlateFast.Tests.Support;

namespace SlateFast.Tests.Native;

/// <summary>
/// The C/C++ release folder scripts/pack-native makes, used as a user would: its .tar.gz unpacked
/// somewhere else under another name, programs built with nothing but
/// <c>pkg-config --cflags --libs slatefast</c>, run with no LD_LIBRARY_PATH.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class CReleaseFolderTests
{
    [Fact]
    public async Task Samples_build_with_pkg_config_from_the_unpacked_archive_in_another_place_and_the_C_sample_reopens_its_database()
    {
        using var tmp = new TempFolder("c-release");
        var moved = await UnpackElsewhereAsync(tmp.Path);
        var pkgConfig = new Dictionary<string, string> { ["PKG_CONFIG_PATH"] = Path.Combine(moved, "lib", "pkgconfig") };
        string[] unset = ["LD_LIBRARY_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR"];

        var flags = await NativeToolchain.RunAsync("pkg-config", ["--cflags", "--libs", "slatefast"], environment: pkgConfig, unsetEnvironment: unset);
        // The documented command lines (README.txt), word splitting of $(pkg-config ...) included.
        var c = Path.Combine(tmp.Path, "sample");
        var builtC = await NativeToolchain.RunAsync(
            "bash",
            ["-c", "cc -o \"$1\" \"$2\" $(pkg-config --cflags --libs slatefast)", "build", c, Path.Combine(moved, "share", "slatefast", "samples", "c", "sample.c")],
            environment: pkgConfig,
            unsetEnvironment: unset);
        var cpp = Path.Combine(tmp.Path, "sample_cpp");
        var builtCpp = await NativeToolchain.RunAsync(
            "bash",
            ["-c", "c++ -std=c++17 -o \"$1\" \"$2\" $(pkg-config --cflags --libs slatefast)", "build", cpp, Path.Combine(moved, "share", "slatefast", "samples", "cpp", "sample.cpp")],
            environment: pkgConfig,
            unsetEnvironment: unset);
        var store = Path.Combine(tmp.Path, "store");
        var firstRun = await NativeToolchain.RunAsync(c, [store], unsetEnvironment: unset, workingDirectory: tmp.Path);
        var secondRun = await NativeToolchain.RunAsync(c, [store], unsetEnvironment: unset, workingDirectory: tmp.Path);
        var fromCpp = await NativeToolchain.RunAsync(cpp, [], unsetEnvironment: unset, workingDirectory: tmp.Path);

        Assert.True(flags.ExitCode == 0, flags.ToString());
        Assert.Contains($"-I{moved}/", flags.Stdout, StringComparison.Ordinal);
        Assert.Contains($"-Wl,-rpath,{moved}/", flags.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(RepoPaths.Root, flags.Stdout, StringComparison.Ordinal);
        Assert.True(builtC.ExitCode == 0, builtC.ToString());
        Assert.True(builtCpp.ExitCode == 0, builtCpp.ToString());
        // Written, read, scanned, closed and reopened in one process...
        Assert.True(firstRun.ExitCode == 0, firstRun.ToString());
        Assert.Contains("put apple at seq 1\n", firstRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("banana = yellow\n", firstRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("reopened: cherry = dark red\n", firstRun.Stdout, StringComparison.Ordinal);
        Assert.Contains($"slatefast {NativeToolchain.ReleaseVersion}", firstRun.Stdout, StringComparison.Ordinal);
        // ...and the next process continues the same database on disk.
        Assert.True(secondRun.ExitCode == 0, secondRun.ToString());
        Assert.Contains("put apple at seq 4\n", secondRun.Stdout, StringComparison.Ordinal);
        Assert.True(fromCpp.ExitCode == 0, fromCpp.ToString());
        Assert.Contains("fig at the checkpoint: purple", fromCpp.Stdout, StringComparison.Ordinal);
        Assert.Contains("recency: apple = green\nrecency: apple = red\n", fromCpp.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_archive_holds_the_library_headers_pkg_config_file_samples_and_readme_under_the_versioned_folder()
    {
        var folder = await NativeToolchain.EnsureReleaseFolderAsync();
        var name = $"slatefast-{NativeToolchain.ReleaseVersion}-linux-x64";

        var listing = await NativeToolchain.RunAsync("tar", ["-tzf", folder + ".tar.gz"]);
        var version = await NativeToolchain.RunAsync(
            "pkg-config",
            ["--modversion", "slatefast"],
            environment: new Dictionary<string, string> { ["PKG_CONFIG_PATH"] = Path.Combine(folder, "lib", "pkgconfig") });

        Assert.Equal(name, Path.GetFileName(folder));
        Assert.True(listing.ExitCode == 0, listing.ToString());
        var entries = listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToHashSet();
        List<string> expected =
        [
            "lib/libslatefast.so", "lib/pkgconfig/slatefast.pc", "include/slatefast.h", "include/slatefast.hpp",
            "share/slatefast/samples/c/sample.c", "share/slatefast/samples/cpp/sample.cpp", "README.txt",
        ];
        if (File.Exists(NativeToolchain.LibraryPath + ".sym"))
        {
            expected.Add("lib/libslatefast.so.sym"); // the symbol file the library's debug link names, when the build made one
        }

        Assert.All(expected, e => Assert.Contains($"{name}/{e}", entries));
        Assert.All(entries, e => Assert.StartsWith(name + "/", e, StringComparison.Ordinal));
        Assert.Equal(NativeToolchain.ReleaseVersion, version.Stdout.Trim());
    }

    /// <summary>Unpacks the release archive into folder/unpacked and renames the folder: nothing may depend on where it was made.</summary>
    private static async Task<string> UnpackElsewhereAsync(string folder)
    {
        var release = await NativeToolchain.EnsureReleaseFolderAsync();
        var unpacked = Path.Combine(folder, "unpacked");
        Directory.CreateDirectory(unpacked);
        var untar = await NativeToolchain.RunAsync("tar", ["-xzf", release + ".tar.gz", "-C", unpacked]);
        Assert.True(untar.ExitCode == 0, untar.ToString());
        var moved = Path.Combine(unpacked, "slatefast-moved");
        Directory.Move(Path.Combine(unpacked, Path.GetFileName(release)), moved);
        return moved;
    }
}
