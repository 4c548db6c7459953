namespace SlateFast.Tests.Native;

/// <summary>Runs the Python package's unittest suite (NativeAot/python/tests), crash test included.</summary>
[Collection(NativeCollection.Name)]
public sealed class PythonBindingTests
{
    [Fact]
    public async Task Python_unittest_suite_passes_including_the_SIGKILL_crash_test()
    {
        var library = await NativeToolchain.EnsureLibraryAsync();
        var tests = Path.Combine(NativeToolchain.NativeAotDirectory, "python", "tests");

        var result = await NativeToolchain.RunAsync(
            "python3",
            ["-B", "-m", "unittest", "discover", "-v", "-s", tests, "-t", tests],
            environment: new Dictionary<string, string> { ["SLATEFAST_LIB"] = library });

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"test_acknowledged_durable_puts_survive_sigkill_of_the_writer\b.*\.\.\. ok", result.Stderr);
        Assert.Matches(@"Ran \d+ tests", result.Stderr);
    }
}
