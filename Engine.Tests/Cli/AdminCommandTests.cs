using System.Text.Json;
using SlateFast.Cli;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Compacting;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

/// <summary>
/// The admin commands print what <see cref="DbAdmin"/> reads, as JSON where SlateDB's CLI prints
/// JSON, and exit 1 when there is no answer (as for a missing key).
/// </summary>
public sealed class AdminCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-admin");

    public void Dispose() => _folder.Dispose();

    private Task<(int Exit, string Out, string Err)> Run(params string[] args) => SlateFastCli.RunAsync(_folder.Path, args);

    [Fact]
    public async Task Manifest_list_json_gives_every_version_with_size_and_time()
    {
        await CompactorProtocolTests.WriteL0sAsync(new LocalObjectStore(_folder.Path), 2);

        var (exit, output, err) = await Run("manifest", "list", "db", "--json");

        Assert.True(exit == 0, err);
        var versions = JsonDocument.Parse(output).RootElement;
        var files = Directory.GetFiles(Path.Combine(_folder.Path, "db", "manifest"), "*.manifest").Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(files.Length, versions.GetArrayLength());
        Assert.Equal(new FileInfo(files[^1]).Length, versions[files.Length - 1].GetProperty("size").GetInt64());
        Assert.Equal(new DateTimeOffset(new FileInfo(files[0]).LastWriteTimeUtc).ToUnixTimeSeconds(), versions[0].GetProperty("last_modified_s").GetInt64());
        Assert.True(versions[0].GetProperty("decodes").GetBoolean());

        var (textExit, text, _) = await Run("manifest", "list", "db");
        Assert.Equal(0, textExit);
        Assert.Matches(@"^1 ok \d+ bytes \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ, writer epoch", text);
    }

    [Fact]
    public async Task Compactions_dump_prints_the_compactors_state_file_and_exits_1_before_any_compactor_ran()
    {
        await CompactorProtocolTests.WriteL0sAsync(new LocalObjectStore(_folder.Path), 4);
        var (none, _, noneErr) = await Run("compactions", "dump", "db");
        Assert.Equal(ExitCodes.NotFound, none);
        Assert.Contains("no compactor has run", noneErr, StringComparison.Ordinal);

        Assert.Equal(0, (await Run("compact", "db")).Exit);
        var (exit, output, err) = await Run("compactions", "dump", "db");

        Assert.True(exit == 0, err);
        var json = JsonDocument.Parse(output).RootElement;
        Assert.Equal(1, json.GetProperty("compactor_epoch").GetInt32());
        Assert.Equal("completed", json.GetProperty("compactions")[0].GetProperty("status").GetString());
        Assert.Equal(0, JsonDocument.Parse((await Run("compactions", "dump", "db", "--id", "1")).Out).RootElement.GetProperty("compactor_epoch").GetInt32());
    }

    [Fact]
    public async Task Seq_to_ts_and_ts_to_seq_round_as_asked_and_exit_1_without_a_sample()
    {
        var store = new LocalObjectStore(_folder.Path);
        var tracker = new SequenceTracker([new SequenceSample(10, 1_700_000_000), new SequenceSample(500, 1_700_000_060)]);
        await store.PutAsync(DbPaths.ManifestPath("db", 1), ManifestCodec.Encode(ManifestState.Initial with { SequenceTracker = tracker }));

        Assert.Equal("2023-11-14T22:13:20Z", (await Run("seq-to-ts", "db", "10")).Out.Trim());
        Assert.Equal("2023-11-14T22:13:20Z", (await Run("seq-to-ts", "db", "100", "--round", "down")).Out.Trim());
        Assert.Equal("2023-11-14T22:14:20Z", (await Run("seq-to-ts", "db", "100", "--round", "up")).Out.Trim());
        Assert.Equal("10", (await Run("ts-to-seq", "db", "1700000030")).Out.Trim());
        Assert.Equal("500", (await Run("ts-to-seq", "db", "2023-11-14T22:13:50Z", "--round", "up")).Out.Trim());

        var (missing, _, missingErr) = await Run("seq-to-ts", "db", "501", "--round", "up");
        Assert.Equal(ExitCodes.NotFound, missing);
        Assert.Contains("not found", missingErr, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.Usage, (await Run("seq-to-ts", "db", "10", "--round", "sideways")).Exit);
        Assert.Equal(ExitCodes.Usage, (await Run("ts-to-seq", "db", "yesterday")).Exit);
        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), (await Run("seq-to-ts", "nodb", "1")).Exit);
    }

    [Fact]
    public async Task Delete_db_refuses_a_database_written_just_now_and_deletes_it_with_force_and_its_separate_WAL()
    {
        var walRoot = Path.Combine(_folder.Path, "wal-store");
        Directory.CreateDirectory(walRoot);
        var walUrl = "file://" + walRoot;
        Assert.Equal(0, (await Run("put", "db", "k", "v", "--create", "--wal-store", walUrl)).Exit);
        Assert.Equal(0, (await Run("put", "other", "k", "v", "--create")).Exit);
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(walRoot, "db", "wal")));

        var (refused, _, refusedErr) = await Run("delete-db", "db", "--wal-store", walUrl);
        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), refused);
        Assert.Contains("looks active", refusedErr, StringComparison.Ordinal);

        var (exit, output, err) = await Run("delete-db", "db", "--force", "--wal-store", walUrl);
        Assert.True(exit == 0, err);
        Assert.Contains("in the WAL store", output, StringComparison.Ordinal);
        Assert.Empty(await new LocalObjectStore(_folder.Path).ListAllAsync("db/"));
        Assert.Empty(await new LocalObjectStore(walRoot).ListAllAsync("db/"));
        Assert.Equal(0, (await Run("get", "other", "k")).Exit);

        var (again, againOut, _) = await Run("delete-db", "db", "--wal-store", walUrl);
        Assert.Equal(0, again);
        Assert.Contains("nothing to delete", againOut, StringComparison.Ordinal);
    }
}
