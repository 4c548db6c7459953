using System.Collections.Immutable;
using SlateFast.Cli;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary><c>slatefast info</c>, <c>--format-level</c> and what the dumps show of SlateDB 0.13+ features.</summary>
public sealed class InfoCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-info");

    public void Dispose() => _folder.Dispose();

    private Task<(int Exit, string Out, string Err)> Run(params string[] args) => SlateFastCli.RunAsync(_folder.Path, args);

    [Fact]
    public async Task Info_of_a_new_database_shows_the_0_12_level_and_that_SlateFast_can_write_it()
    {
        Assert.Equal(0, (await Run("put", "db", "k", "v", "--create")).Exit);

        var (exit, output, _) = await Run("info", "db");

        Assert.Equal(0, exit);
        Assert.Contains("format level      SlateDB 0.12", output, StringComparison.Ordinal);
        Assert.Contains("writer epoch 1", output, StringComparison.Ordinal);
        Assert.Contains("0 zero-byte fences", output, StringComparison.Ordinal);
        Assert.Contains("write, compact    yes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Format_level_0_14_writes_zero_byte_fences_that_info_then_reports()
    {
        Assert.Equal(0, (await Run("put", "db", "k", "v", "--format-level", "0.14", "--create")).Exit);

        var (_, output, _) = await Run("info", "db");
        Assert.Contains("format level      SlateDB 0.14", output, StringComparison.Ordinal);
        Assert.Contains("(1 zero-byte fences)", output, StringComparison.Ordinal);

        // Detect keeps the level the store shows.
        Assert.Equal(0, (await Run("put", "db", "k2", "v2")).Exit);
        Assert.Contains("(2 zero-byte fences)", (await Run("info", "db")).Out, StringComparison.Ordinal);
        Assert.Equal("v", (await Run("get", "db", "k")).Out.Trim());
    }

    [Fact]
    public async Task An_unknown_format_level_is_a_usage_error_naming_the_choices()
    {
        var (exit, _, error) = await Run("put", "db", "k", "v", "--format-level", "1.0", "--create");
        Assert.Equal(2, exit);
        Assert.Contains("--format-level takes detect, 0.12, 0.13, 0.14 or 0.15", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Info_and_manifest_dump_show_segments_and_that_SlateFast_will_not_write_a_segmented_database()
    {
        var store = new LocalObjectStore(_folder.Path);
        var segmented = ManifestState.Initial with
        {
            Segments = [new Segment("t1/"u8.ToArray(), null, ImmutableArray<SstView>.Empty, ImmutableArray<SortedRun>.Empty)],
            SegmentExtractorName = "fixed:3",
        };
        await store.PutAsync(DbPaths.ManifestPath("db", 1), ManifestCodec.Encode(segmented));

        var (exit, output, _) = await Run("info", "db");
        Assert.Equal(0, exit);
        Assert.Contains("format level      SlateDB 0.13", output, StringComparison.Ordinal);
        Assert.Contains("format version 2", output, StringComparison.Ordinal);
        Assert.Contains("segments          1 (extractor 'fixed:3')", output, StringComparison.Ordinal);
        Assert.Contains("write, compact    no: segmented", output, StringComparison.Ordinal);

        var json = System.Text.Json.JsonDocument.Parse((await Run("manifest", "dump", "db")).Out).RootElement;
        Assert.Equal(2, json.GetProperty("version").GetInt32());
        Assert.Equal("0.13", json.GetProperty("format_level").GetString());
        Assert.Equal("fixed:3", json.GetProperty("segment_extractor_name").GetString());
        Assert.Equal("74312f", json.GetProperty("segments")[0].GetProperty("prefix").GetString());

        Assert.Equal(0, (await Run("scan", "db")).Exit);
        var (putExit, _, putError) = await Run("put", "db", "t1/a", "v");
        Assert.NotEqual(0, putExit);
        Assert.Contains("segmented", putError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sst_dump_shows_the_filter_format_and_names_and_recognises_a_zero_byte_fence()
    {
        Assert.Equal(0, (await Run("load", "db", "--input", await InputAsync(1500), "--format-level", "0.14", "--create")).Exit);
        var store = new LocalObjectStore(_folder.Path);
        var wal = await store.ListAllAsync("db/wal/");
        var fence = wal.First(m => m.Size == 0).Path;
        var data = wal.Last(m => m.Size > 0).Path;

        var (exit, output, _) = await Run("sst", "dump", fence);
        Assert.Equal(0, exit);
        Assert.Contains("a WAL fence as SlateDB 0.14+ writes it", output, StringComparison.Ordinal);

        output = (await Run("sst", "dump", data, "--limit", "0")).Out;
        Assert.Contains("filter format composite (SlateDB 0.13+)", output, StringComparison.Ordinal);

        // The CLI leaves its writes in the WAL; a flush puts them in an L0 with a filter.
        await using (var db = await DbHandle.OpenAsync("db", store, new DbOptions { GarbageCollector = null, Compactor = new() { Enabled = false } }))
        {
            await db.FlushAsync(FlushType.MemTable);
        }

        var sst = (await store.ListAllAsync("db/compacted/")).First().Path;
        output = (await Run("sst", "dump", sst, "--limit", "0")).Out;
        Assert.Contains("filter composite [_bf]", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sst_dump_reports_a_torn_WAL_object_of_a_few_bytes_as_damaged_not_as_a_fence()
    {
        var store = new LocalObjectStore(_folder.Path);
        await store.PutAsync("db/wal/00000000000000000009.sst", new byte[] { 1, 2, 3, 4, 5 });

        var (exit, output, error) = await Run("sst", "dump", "db/wal/00000000000000000009.sst");

        Assert.Equal(ExitCodes.For(ErrorKind.Data), exit);
        Assert.DoesNotContain("fence", output, StringComparison.Ordinal);
        Assert.Contains("db/wal/00000000000000000009.sst", error, StringComparison.Ordinal);
    }

    private async Task<string> InputAsync(int rows)
    {
        var path = System.IO.Path.Combine(_folder.Path, "input.jsonl");
        await File.WriteAllLinesAsync(path, Enumerable.Range(0, rows).Select(i =>
            $$"""{"key":"{{Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes($"k{i:D5}"))}}","value":"{{Convert.ToHexString(System.Text.Encoding.ASCII.GetBytes($"v{i}"))}}"}"""));
        return path;
    }
}
