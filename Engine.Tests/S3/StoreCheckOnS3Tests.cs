using SlateFast.Cli;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.S3;

/// <summary><c>slatefast store check</c> against radosgw says which URL option fixes what fails.</summary>
[Collection(S3ServerCollection.Name)]
public sealed class StoreCheckOnS3Tests(S3Server s3)
{
    [Fact]
    public async Task Without_quote_etag_false_the_swap_check_fails_and_names_the_option_that_fixes_it()
    {
        var quoted = s3.Url("store-check").Replace("&quote_etag=false", string.Empty, StringComparison.Ordinal);

        var (exit, output, _) = await RunAsync("store", "check", "--store", quoted);
        var (fixedExit, fixedOutput, _) = await RunAsync("store", "check", "--store", s3.Url("store-check-fixed"));

        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), exit);
        Assert.Contains("a swap with the current etag was refused; this server matches If-Match only with unquoted etags: add quote_etag=false to the store URL", output, StringComparison.Ordinal);
        Assert.True(fixedExit == 0, fixedOutput);
    }

    private static async Task<(int Exit, string Out, string Err)> RunAsync(params string[] args)
    {
        using var folder = new TempFolder("store-check");
        return await SlateFastCli.RunAsync(folder.Path, args);
    }
}
