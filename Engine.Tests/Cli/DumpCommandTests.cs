using SlateFast.Cli;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Cli;

public sealed class DumpCommandTests : IDisposable
{
    private readonly TempFolder _folder = new("cli-dump");

    public void Dispose() => _folder.Dispose();

    private Task<(int Exit, string Out, string Err)> Run(params string[] args) => SlateFastCli.RunAsync(_folder.Path, args);

    [Fact]
    public async Task Sst_dump_shows_info_stats_index_rows_and_block_boundaries()
    {
        var store = new LocalObjectStore(_folder.Path);
        await using (var writer = await SstWriter.CreateAsync(store, "db/compacted/x.sst", new SstWriterOptions { BlockSize = 256 }))
        {
            for (var i = 0; i < 50; i++)
            {
                await writer.PutAsync(new byte[] { 0xAB, (byte)i }, new byte[] { 0xCD, (byte)i });
            }

            await writer.DeleteAsync(new byte[] { 0xAC });
            await writer.CloseAsync();
        }

        var (exit, output, _) = await Run("sst", "dump", "db/compacted/x.sst", "--limit", "3", "--blocks");

        Assert.Equal(0, exit);
        Assert.Contains("compacted, compression None", output, StringComparison.Ordinal);
        Assert.Contains("stats: 50 puts, 1 deletes, 0 merges", output, StringComparison.Ordinal);
        Assert.Contains("block 0: offset 0", output, StringComparison.Ordinal);
        Assert.Contains("-- block 1 at", output, StringComparison.Ordinal);
        Assert.Contains("ab00 seq 0 Value value cd00", output, StringComparison.Ordinal);
        Assert.Contains("  ...", output, StringComparison.Ordinal);

        // --limit bounds the block dump too.
        var (_, one, _) = await Run("sst", "dump", "db/compacted/x.sst", "--limit", "1", "--blocks");
        Assert.Contains("-- block 0 at", one, StringComparison.Ordinal);
        Assert.DoesNotContain("-- block 1 at", one, StringComparison.Ordinal);
        Assert.Contains("blocks (the first 1 of", one, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Manifest_dump_prints_the_latest_manifest_as_json()
    {
        var store = new LocalObjectStore(_folder.Path);
        await store.PutAsync(DbPaths.ManifestPath("db", 1), ManifestCodec.Encode(ManifestState.Initial));
        await store.PutAsync(DbPaths.ManifestPath("db", 2), ManifestCodec.Encode(ManifestState.Initial with { WriterEpoch = 7, ReplayAfterWalId = 3 }));

        var (exit, output, _) = await Run("manifest", "dump", "db");
        var json = System.Text.Json.JsonDocument.Parse(output).RootElement;

        Assert.Equal(0, exit);
        Assert.Equal(2, json.GetProperty("id").GetInt32());
        Assert.Equal(7, json.GetProperty("writer_epoch").GetInt32());
        Assert.Equal(3, json.GetProperty("replay_after_wal_id").GetInt32());
        Assert.Equal(0, json.GetProperty("l0").GetArrayLength());

        var (exitFirst, first, _) = await Run("manifest", "dump", "db", "--id", "1");
        Assert.Equal(0, exitFirst);
        Assert.Equal(0, System.Text.Json.JsonDocument.Parse(first).RootElement.GetProperty("writer_epoch").GetInt32());
    }

    [Fact]
    public async Task Dumping_a_missing_or_corrupt_object_reports_the_error_kind()
    {
        var store = new LocalObjectStore(_folder.Path);
        await store.PutAsync("garbage.sst", new byte[100]);

        var (missingExit, _, missing) = await Run("sst", "dump", "nothing.sst");
        var (corruptExit, _, corrupt) = await Run("sst", "dump", "garbage.sst");
        var (noDbExit, _, noDb) = await Run("manifest", "dump", "nodb");

        Assert.Equal(ExitCodes.For(ErrorKind.Data), missingExit);
        Assert.Contains("Data", missing, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.For(ErrorKind.Data), corruptExit);
        Assert.Contains("Data", corrupt, StringComparison.Ordinal);
        Assert.Equal(ExitCodes.For(ErrorKind.Invalid), noDbExit);
        Assert.Contains("no manifest", noDb, StringComparison.Ordinal);
    }
}
