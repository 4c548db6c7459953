using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary>
/// <c>segments list</c> shows a segmented database's segments from its manifest; <c>segments drop</c>
/// drops one with the database's extractor; writes take <c>--segment-extractor</c>.
/// </summary>
public sealed class SegmentCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-segments");

    public void Dispose() => _folder.Dispose();

    private Task<(int Exit, string Out, string Err)> Run(params string[] args) => SlateFastCli.RunAsync(_folder.Path, args);

    [Fact]
    public async Task Writes_list_and_drop_segments_of_a_segmented_database()
    {
        Assert.Equal(0, (await Run("put", "db", "t1/a", "1", "--create", "--segment-extractor", "delimiter:/")).Exit);
        Assert.Equal(0, (await Run("put", "db", "t2/a", "2", "--segment-extractor", "delimiter:/")).Exit);

        var (exit, list, _) = await Run("segments", "list", "db");
        Assert.Equal(0, exit);
        Assert.Contains("segment extractor 'first-delim-/', 2 segment(s)", list);
        Assert.Contains("t1/\tl0=1\truns=0", list);

        // Without the extractor a write is refused (exit 2 is a usage error; Invalid is 10).
        var (refused, _, err) = await Run("put", "db", "t3/a", "3");
        Assert.NotEqual(0, refused);
        Assert.Contains("segmented by extractor 'first-delim-/'", err);

        Assert.Equal(0, (await Run("segments", "drop", "db", "t1/", "--segment-extractor", "delimiter:/")).Exit);
        Assert.Equal(1, (await Run("segments", "drop", "db", "t1/", "--segment-extractor", "delimiter:/")).Exit);
        Assert.Equal(1, (await Run("get", "db", "t1/a")).Exit);
        var (_, get, _) = await Run("get", "db", "t2/a");
        Assert.Equal("2", get.Trim());
        Assert.DoesNotContain("t1/", (await Run("segments", "list", "db")).Out);
    }

    [Fact]
    public async Task A_database_without_segments_says_so()
    {
        Assert.Equal(0, (await Run("put", "db", "k", "v", "--create")).Exit);
        var (exit, list, _) = await Run("segments", "list", "db");
        Assert.Equal(0, exit);
        Assert.Contains("has no segments", list);
    }
}
