using SlateFast.Tests.Support;

namespace SlateFast.Tests.Native;

/// <summary>
/// The Python package as a user gets it: the wheel scripts/pack-python builds, installed with pip
/// (offline) into a fresh venv and used from a scratch folder with SLATEFAST_LIB and PYTHONPATH
/// unset, so both <c>import slatefast</c> and the library it loads can only come from the wheel.
/// The package's unittest suite (NativeAot/python/tests, crash test included) runs there.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class PythonBindingTests
{
    /// <summary>Variables that would let the package or the library come from outside the venv.</summary>
    private static readonly string[] Escapes = ["SLATEFAST_LIB", "PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE", "VIRTUAL_ENV"];

    [Fact]
    public async Task Python_unittest_suite_passes_against_the_wheel_installed_in_a_fresh_venv_including_the_SIGKILL_crash_test()
    {
        using var tmp = new TempFolder("py-wheel-suite");
        var python = await InstallWheelInFreshVenvAsync(tmp.Path);
        var tests = Path.Combine(NativeToolchain.NativeAotDirectory, "python", "tests");

        // SLATEFAST_TEST_INSTALLED=1: support.py keeps the source folder off sys.path and fails if
        // slatefast was imported from it anyway. -B: nothing is written beside the sources.
        var result = await NativeToolchain.RunAsync(
            python,
            ["-B", "-m", "unittest", "discover", "-v", "-s", tests, "-t", tests],
            environment: new Dictionary<string, string> { ["SLATEFAST_TEST_INSTALLED"] = "1" },
            unsetEnvironment: Escapes,
            workingDirectory: tmp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"test_acknowledged_durable_puts_survive_sigkill_of_the_writer\b.*\.\.\. ok", result.Stderr);
        Assert.Matches(@"test_an_installed_package_without_slatefast_lib_loads_the_library_bundled_inside_it\b.*\.\.\. ok", result.Stderr);
        Assert.Matches(@"Ran \d+ tests", result.Stderr);
    }

    [Fact]
    public async Task A_script_using_the_installed_wheel_writes_reads_closes_reopens_and_reads_again_with_the_bundled_library()
    {
        using var tmp = new TempFolder("py-wheel-sample");
        var python = await InstallWheelInFreshVenvAsync(tmp.Path);
        var script = Path.Combine(tmp.Path, "sample.py");
        await File.WriteAllTextAsync(script, """
            import pathlib, sys
            import slatefast, slatefast._native

            store = pathlib.Path(sys.argv[1])
            with slatefast.open("sample", store) as db:
                db.put(b"apple", b"red")
                db.put("banana", "yellow")
                print("read:", db.get(b"banana").decode())
            with slatefast.open("sample", store) as db:
                print("reopened:", db.get(b"apple").decode(), db.get(b"banana").decode())
            print("package:", slatefast.__file__)
            print("library:", slatefast._native.library_path())
            print("version:", slatefast.__version__, slatefast.version())
            """);

        var result = await NativeToolchain.RunAsync(python, ["-B", script, Path.Combine(tmp.Path, "store")], unsetEnvironment: Escapes, workingDirectory: tmp.Path);

        Assert.True(result.ExitCode == 0, result.ToString());
        var venv = Path.Combine(tmp.Path, "venv") + "/";
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 2)..]);
        Assert.Equal("yellow", lines["read"]);
        Assert.Equal("red yellow", lines["reopened"]);
        Assert.StartsWith(venv, lines["package"], StringComparison.Ordinal);
        Assert.Equal(Path.Combine(Path.GetDirectoryName(lines["package"])!, "_lib", "libslatefast.so"), lines["library"]);
        Assert.Equal($"{NativeToolchain.ReleaseVersion} {NativeToolchain.ReleaseVersion}", lines["version"]);
    }

    [Fact]
    public async Task The_wheel_is_named_for_the_release_version_and_the_glibc_its_library_needs_and_its_RECORD_hashes_every_file()
    {
        var wheel = await NativeToolchain.EnsureWheelAsync();
        var library = await NativeToolchain.EnsureLibraryAsync();
        var symbols = await NativeToolchain.RunAsync("objdump", ["-T", library]);
        var glibc = System.Text.RegularExpressions.Regex.Matches(symbols.Stdout, @"\(GLIBC_2\.(\d+)").Max(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));

        // What pip relies on: RECORD lists every other file with its urlsafe-base64 sha256 and size.
        var check = await NativeToolchain.RunAsync("python3", ["-B", "-c", """
            import base64, csv, hashlib, io, sys, zipfile
            with zipfile.ZipFile(sys.argv[1]) as z:
                record = next(n for n in z.namelist() if n.endswith(".dist-info/RECORD"))
                rows = {row[0]: row[1:] for row in csv.reader(io.StringIO(z.read(record).decode()))}
                for name in z.namelist():
                    data = z.read(name)
                    digest = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
                    expected = ["", ""] if name == record else [digest, str(len(data))]
                    print(name, "ok" if rows.pop(name, None) == expected else "MISMATCH")
                print("unlisted in the zip:", sorted(rows))
                print(z.read(record.replace("RECORD", "WHEEL")).decode())
            """, wheel]);

        Assert.Equal($"slatefast-{NativeToolchain.ReleaseVersion}-py3-none-manylinux_2_{glibc}_x86_64.whl", Path.GetFileName(wheel));
        Assert.True(check.ExitCode == 0, check.ToString());
        Assert.DoesNotContain("MISMATCH", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("unlisted in the zip: []", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("slatefast/_lib/libslatefast.so ok", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("slatefast/py.typed ok", check.Stdout, StringComparison.Ordinal);
        Assert.Contains("Root-Is-Purelib: false", check.Stdout, StringComparison.Ordinal);
    }

    /// <summary>
    /// python3 -m venv DIR/venv, then pip install --no-index of the wheel (no network: CI has no
    /// PyPI); returns the venv's python. python3 is whichever is on PATH (Debian's needs python3-venv).
    /// </summary>
    private static async Task<string> InstallWheelInFreshVenvAsync(string folder)
    {
        var wheel = await NativeToolchain.EnsureWheelAsync();
        var venv = Path.Combine(folder, "venv");
        var created = await NativeToolchain.RunAsync("python3", ["-m", "venv", venv], unsetEnvironment: Escapes, workingDirectory: folder);
        Assert.True(created.ExitCode == 0, $"python3 -m venv failed (Debian: scripts/install-deps installs python3-venv):\n{created}");
        var pipEnvironment = new Dictionary<string, string> { ["PIP_DISABLE_PIP_VERSION_CHECK"] = "1", ["PIP_NO_INPUT"] = "1" };
        var installed = await NativeToolchain.RunAsync(
            Path.Combine(venv, "bin", "pip"),
            ["install", "--no-index", wheel],
            environment: pipEnvironment,
            unsetEnvironment: Escapes,
            workingDirectory: folder);
        Assert.True(installed.ExitCode == 0, $"pip install {wheel} failed:\n{installed}");
        return Path.Combine(venv, "bin", "python");
    }
}
