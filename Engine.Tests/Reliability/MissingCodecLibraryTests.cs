using SlateFast.Tests.Crash;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// Every codec works on a machine without the system libraries (managed implementations, RFC
/// 0025), and a system library the user asked for (by name, or with <c>SLATEFAST_CODECS=native</c>)
/// that this machine cannot load is refused when the database opens, naming it; before RFC 0015
/// the open succeeded and the first durable put waited forever while the WAL writer died encoding
/// the object. Each case runs in a child process whose environment points the codec at a library
/// that does not exist, which is what a machine without the library looks like to the loader.
/// </summary>
public sealed class MissingCodecLibraryTests
{
    [Theory]
    [InlineData("zstd", "SLATEFAST_ZSTD_LIBRARY", "libzstd-missing.so.1")]
    [InlineData("lz4", "SLATEFAST_LZ4_LIBRARY", "liblz4-missing.so.1")]
    public async Task Opening_a_writer_whose_requested_codec_library_is_missing_fails_naming_the_library(string codec, string variable, string library)
    {
        using var root = new TempFolder();
        using var host = HostProcess.Start(new Dictionary<string, string> { [variable] = library }, "open-compressed", root.Path, codec);

        Assert.Equal("error Invalid", await host.ExpectLineAsync());
        var message = await host.ExpectLineAsync();
        Assert.Contains(library, message, StringComparison.Ordinal);
        Assert.Contains("could not be loaded", message, StringComparison.Ordinal);
        Assert.Equal(1, await host.WaitForExitAsync());
    }

    [Theory]
    [InlineData("zstd", "libzstd.so.1")]
    [InlineData("lz4", "liblz4.so.1")]
    public async Task With_the_library_present_the_same_open_stores_a_durable_write_through_it(string codec, string library)
    {
        using var root = new TempFolder();
        using var host = HostProcess.Start("open-compressed", root.Path, codec);

        Assert.Equal("stored", await host.ExpectLineAsync());
        Assert.Equal("read v", await host.ExpectLineAsync());
        Assert.Equal($"through {library}", await host.ExpectLineAsync());
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Theory]
    [InlineData("zstd", "SLATEFAST_ZSTD_LIBRARY", "libzstd-missing.so.1")]
    [InlineData("lz4", "SLATEFAST_LZ4_LIBRARY", "liblz4-missing.so.1")]
    public async Task With_managed_codecs_a_machine_without_the_library_writes_reopens_and_reads(string codec, string variable, string library)
    {
        using var root = new TempFolder();
        using var host = HostProcess.Start(
            new Dictionary<string, string> { [variable] = library, ["SLATEFAST_CODECS"] = "managed" }, "open-compressed", root.Path, codec);

        Assert.Equal("stored", await host.ExpectLineAsync());
        Assert.Equal("read v", await host.ExpectLineAsync());
        Assert.Equal("through managed", await host.ExpectLineAsync());
        Assert.Equal(0, await host.WaitForExitAsync());
    }

    [Theory]
    [InlineData("zstd")]
    [InlineData("lz4")]
    public async Task Requiring_native_codecs_where_they_load_uses_them(string codec)
    {
        using var root = new TempFolder();
        using var host = HostProcess.Start(new Dictionary<string, string> { ["SLATEFAST_CODECS"] = "native" }, "open-compressed", root.Path, codec);

        Assert.Equal("stored", await host.ExpectLineAsync());
        Assert.Equal("read v", await host.ExpectLineAsync());
        Assert.StartsWith("through lib", await host.ExpectLineAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await host.WaitForExitAsync());
    }
}
