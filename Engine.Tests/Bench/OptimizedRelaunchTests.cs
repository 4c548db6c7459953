using SlateFast.Cli.Bench;

namespace SlateFast.Tests.Bench;

public sealed class OptimizedRelaunchTests
{
    [Fact]
    public void Under_the_dotnet_muxer_the_relaunch_names_the_dll_again()
    {
        var start = OptimizedRelaunch.Start("/usr/share/dotnet/dotnet", "/app/slatefast.dll", ["bench", "--scale", "tiny"]);

        Assert.Equal("/usr/share/dotnet/dotnet", start.FileName);
        Assert.Equal(["/app/slatefast.dll", "bench", "--scale", "tiny"], start.ArgumentList);
        Assert.Equal("0", start.Environment[OptimizedRelaunch.Variable]);
    }

    [Fact]
    public void Under_the_app_host_that_dotnet_run_starts_the_dll_is_not_passed_as_an_argument()
    {
        // The app host reports the dll as argument 0; passing it on made `dotnet run -- bench` fail
        // with "unknown command '.../slatefast.dll bench'".
        var start = OptimizedRelaunch.Start("/repo/Engine.Cli/bin/Release/net10.0/slatefast", "/repo/Engine.Cli/bin/Release/net10.0/slatefast.dll", ["bench"]);

        Assert.Equal(["bench"], start.ArgumentList);
    }
}
