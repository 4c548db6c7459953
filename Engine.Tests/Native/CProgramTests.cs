using SlateFast.Tests.Support;

namespace SlateFast.Tests.Native;

/// <summary>
/// The C test program (NativeAot/tests/c/test_slatefast.c) covers every export and misuse; here
/// it runs under valgrind memcheck, and the samples build and run. Leak policy: no definite
/// leaks (NativeAOT's runtime threads leave "possibly lost" thread blocks, not errors); the one
/// suppression is documented in NativeAot/tests/c/valgrind.supp, and the leak canary proves it
/// does not hide leaks of bytes the library hands out.
/// </summary>
[Collection(NativeCollection.Name)]
public sealed class CProgramTests
{
    private static readonly string Suppressions = Path.Combine(NativeToolchain.NativeAotDirectory, "tests", "c", "valgrind.supp");

    private static readonly string[] TestSources = ["tests/c/test_slatefast.c", "tests/c/test_transactions.c", "tests/c/test_checkpoints.c", "tests/c/test_wal_reader.c", "tests/c/test_status.c", "tests/c/test_admin.c", "tests/c/test_callbacks.c", "tests/c/test_segments.c", "tests/c/test_prefix_filters.c"];

    private static string[] Valgrind(string program, params string[] args) =>
        ["--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite", $"--suppressions={Suppressions}", program, .. args];

    [Fact]
    public async Task C_test_program_passes_under_valgrind_with_no_errors_and_no_definite_leaks()
    {
        using var tmp = new TempFolder("cabi-c");
        var program = await NativeToolchain.CompileAsync(tmp.Path, "test_slatefast", TestSources);

        var result = await NativeToolchain.RunAsync("valgrind", Valgrind(program, tmp.Path), environment: NativeToolchain.ValgrindEnvironment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains(", 0 failed", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("ERROR SUMMARY: 0 errors", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("definitely lost: 0 bytes", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Durable_puts_acknowledged_to_a_C_writer_survive_its_SIGKILL()
    {
        using var tmp = new TempFolder("cabi-crash");
        var program = await NativeToolchain.CompileAsync(tmp.Path, "test_slatefast", TestSources);

        // The verifying parent runs under valgrind; the killed child runs natively.
        var result = await NativeToolchain.RunAsync("valgrind", Valgrind(program, "crash", tmp.Path), environment: NativeToolchain.ValgrindEnvironment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("acknowledged puts survived SIGKILL", result.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Valgrind_still_reports_a_value_the_caller_leaks()
    {
        using var tmp = new TempFolder("cabi-canary");
        var program = await NativeToolchain.CompileAsync(tmp.Path, "test_slatefast", TestSources);

        var result = await NativeToolchain.RunAsync("valgrind", Valgrind(program, "leak-canary"), environment: NativeToolchain.ValgrindEnvironment);

        Assert.True(result.ExitCode == 99, result.ToString());
        Assert.Contains("MallocBufferWriter", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task C_and_Cpp_samples_build_and_run()
    {
        using var tmp = new TempFolder("cabi-samples");
        var c = await NativeToolchain.CompileAsync(tmp.Path, "sample_c", "samples/c/sample.c");
        var cpp = await NativeToolchain.CompileAsync(tmp.Path, "sample_cpp", "samples/cpp/sample.cpp");

        var fromC = await NativeToolchain.RunAsync(c, [tmp.Path]);
        var fromCpp = await NativeToolchain.RunAsync(cpp, []);

        Assert.True(fromC.ExitCode == 0, fromC.ToString());
        Assert.Contains("banana = yellow", fromC.Stdout, StringComparison.Ordinal);
        Assert.Contains("  cherry = dark red", fromC.Stdout, StringComparison.Ordinal);
        Assert.True(fromCpp.ExitCode == 0, fromCpp.ToString());
        Assert.Contains("apple at the snapshot: red", fromCpp.Stdout, StringComparison.Ordinal);
        Assert.Contains("banana: (none)", fromCpp.Stdout, StringComparison.Ordinal);
        Assert.Contains("invalid: ", fromCpp.Stdout, StringComparison.Ordinal);
        Assert.Contains("t2 conflict: ", fromCpp.Stdout, StringComparison.Ordinal);
        Assert.Contains("fig at the checkpoint: purple", fromCpp.Stdout, StringComparison.Ordinal);
    }
}

/// <summary>Native tests share the built library and a 2-core machine: run them one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NativeCollection
{
    public const string Name = "native";
}
