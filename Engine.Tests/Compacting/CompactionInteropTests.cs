using System.Text;
using System.Text.Json;
using SlateFast.Compacting;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Interop;
using SlateFast.Tests.Support;
using static SlateFast.Tests.Interop.RowAssert;

namespace SlateFast.Tests.Compacting;

/// <summary>Compaction across engines: each reads what the other compacted, and their compactors fence each other.</summary>
public sealed class CompactionInteropTests
{
    private static readonly DbOptions s_writer = TestOptions.ManualTree with { BlockSize = 1024 };

    private static async Task<List<(string Key, string Value)>> SlateFastRows(IObjectStore store)
    {
        await using var db = await DbHandle.OpenReadOnlyAsync("db", store);
        var rows = new List<(string, string)>();
        await using var it = db.ScanAsync(KeyRange.All);
        await foreach (var kv in it)
        {
            rows.Add((Convert.ToHexString(kv.Key), Convert.ToHexString(kv.Value)));
        }

        return rows;
    }

    // Rows across several L0 SSTs: overwrites, deletes, values of varying size.
    private static async Task WriteHistoryAsync(IObjectStore store, int rounds, string prefix)
    {
        await using var db = await DbHandle.OpenAsync("db", store, s_writer);
        for (var r = 0; r < rounds; r++)
        {
            for (var i = 0; i < 150; i++)
            {
                var key = Utf8($"{prefix}{(i * 7 + r * 13) % 300:d4}");
                if ((i + r) % 11 == 0)
                {
                    await db.DeleteAsync(key, WriteOptions.NoWait);
                }
                else
                {
                    await db.PutAsync(key, Utf8($"r{r}-{new string('v', (i * r) % 90)}"), writeOptions: WriteOptions.NoWait);
                }
            }

            await db.FlushAsync(FlushType.MemTable);
        }
    }

    [Fact]
    public async Task SlateDB_reads_a_database_SlateFast_compacted_into_multi_SST_sorted_runs()
    {
        using var tmp = new TempFolder("compaction-interop");
        var store = new LocalObjectStore(tmp.Path);
        await WriteHistoryAsync(store, 6, "a");
        var options = s_writer with { Compactor = new CompactorOptions { MaxSstSize = 4096 } };
        await using (var compactor = await Compactor.OpenAsync(store, "db", options))
        {
            Assert.True(await compactor.RunUntilCaughtUpAsync() > 0);
        }

        await WriteHistoryAsync(store, 1, "a");
        var manifest = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value.State;
        Assert.Contains(manifest.Compacted, r => r.Ssts.Length > 1);

        var expected = await SlateFastRows(store);
        Assert.Equal(expected, KeyValues(await SlateDbNode.ScanAsync(tmp.Path, "db")));
    }

    [Fact]
    public async Task SlateFast_reads_a_database_SlateDB_compacted_and_compacts_it_further()
    {
        using var tmp = new TempFolder("compaction-interop");
        var store = new LocalObjectStore(tmp.Path);
        await WriteHistoryAsync(store, 6, "b");
        var before = await SlateFastRows(store);

        var result = await SlateDbNode.RunAsync(["compact", tmp.Path, "db", "--max-sst-size", "4096"]);
        using (var doc = JsonDocument.Parse(result.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("sorted_runs").GetInt32() >= 1, result.Stdout);
        }

        var compactedBySlateDb = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value.State;
        Assert.NotEmpty(compactedBySlateDb.Compacted);
        Assert.Equal(before, await SlateFastRows(store));

        await WriteHistoryAsync(store, 3, "b");
        var expected = await SlateFastRows(store);
        await using (var compactor = await Compactor.OpenAsync(store, "db", s_writer))
        {
            Assert.True(compactor.Epoch > compactedBySlateDb.CompactorEpoch);
            Assert.True(await compactor.CompactAllAsync());
        }

        var manifest = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value.State;
        Assert.Empty(manifest.L0);
        Assert.Single(manifest.Compacted);
        Assert.Equal(expected, await SlateFastRows(store));
        Assert.Equal(expected, KeyValues(await SlateDbNode.ScanAsync(tmp.Path, "db")));
    }

    [Fact]
    public async Task A_SlateDB_compactor_fences_a_SlateFast_compactor_which_then_commits_nothing()
    {
        using var tmp = new TempFolder("compaction-interop");
        var store = new LocalObjectStore(tmp.Path);
        await WriteHistoryAsync(store, 5, "c");
        await using var slatefast = await Compactor.OpenAsync(store, "db", s_writer);

        await SlateDbNode.RunAsync(["compact", tmp.Path, "db", "--max-sst-size", "4096"]);
        var (idAfterSlateDb, state) = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;
        Assert.True(state.CompactorEpoch > slatefast.Epoch);

        var e = await Assert.ThrowsAsync<SlateFastException>(() => slatefast.RunPassAsync());
        Assert.Equal(CloseReason.Fenced, e.CloseReason);
        Assert.Equal(idAfterSlateDb, (await new ManifestStore(store, "db").LoadLatestAsync())!.Value.Id);
        Assert.Equal(await SlateFastRows(store), KeyValues(await SlateDbNode.ScanAsync(tmp.Path, "db")));
    }

    [Fact]
    public async Task A_SlateFast_compactor_fences_a_running_SlateDB_compactor_whose_epoch_never_commits_again()
    {
        using var tmp = new TempFolder("compaction-interop");
        var store = new LocalObjectStore(tmp.Path);
        await WriteHistoryAsync(store, 2, "d");
        var manifests = new ManifestStore(store, "db");
        await SlateDbNode.EnsureInstalledAsync();
        var psi = NodeProcess.StartInfo(
            Environment.GetEnvironmentVariable("SLATEFAST_NODE") ?? "node",
            SlateDbNode.ToolDirectory,
            [Path.Combine(SlateDbNode.ToolDirectory, "slatedb.mjs"), "hold-writer", tmp.Path, "db", "--set", "compactor_options.poll_interval=\"100ms\""]);
        await using var held = await SlateDbHeldWriter.StartAsync(psi, SlateDbNode.DefaultTimeout, CancellationToken.None);

        // Durable puts until SlateDB's compactor has claimed its epoch (it does so right after the open).
        for (var i = 0; (await manifests.LoadLatestAsync())!.Value.State.CompactorEpoch == 0; i++)
        {
            Assert.True(i < 200, $"SlateDB's compactor never claimed an epoch\n{held.Stderr}");
            Assert.True((await held.PutAsync(Utf8($"wait{i:d4}"), Utf8("w"))).Ok, held.Stderr);
        }

        var slateDbEpoch = (await manifests.LoadLatestAsync())!.Value.State.CompactorEpoch;
        await using var slatefast = await Compactor.OpenAsync(store, "db", s_writer);
        Assert.Equal(slateDbEpoch + 1, slatefast.Epoch);
        var (claimedAt, _) = (await manifests.LoadLatestAsync())!.Value;
        for (var i = 0; i < 20; i++)
        {
            await held.PutAsync(Utf8($"more{i:d4}"), Utf8("m"));
        }

        await held.DisposeAsync();
        await WriteHistoryAsync(store, 1, "e");
        Assert.True(await slatefast.CompactAllAsync());

        var (latest, _) = (await manifests.LoadLatestAsync())!.Value;
        for (var id = claimedAt; id <= latest; id++)
        {
            Assert.Equal(slatefast.Epoch, (await manifests.LoadAsync(id)).CompactorEpoch);
        }

        var compactions = (await new CompactionsStore(store, "db").LoadLatestAsync(CancellationToken.None))!.Value.State;
        Assert.Equal(slatefast.Epoch, compactions.CompactorEpoch);
        Assert.Equal(await SlateFastRows(store), KeyValues(await SlateDbNode.ScanAsync(tmp.Path, "db")));
    }
}
