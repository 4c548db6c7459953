using System.Text;
using System.Text.Json;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Compacting;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Admin;

/// <summary>
/// What <see cref="DbAdmin"/> reads without opening a writer: manifest versions (listed with size
/// and time, read whole), the compactions file, and sequence number / time lookups.
/// </summary>
public sealed class DbAdminReadTests
{
    private static readonly DbOptions s_writer = TestOptions.ManualTree;

    [Fact]
    public async Task A_database_exists_once_it_has_a_manifest_and_a_path_beside_it_does_not()
    {
        var store = new InMemoryObjectStore();
        Assert.False(await new DbAdmin("db", store).ExistsAsync());
        await using (await DbHandle.OpenAsync("db", store, s_writer))
        {
        }

        Assert.True(await new DbAdmin("db", store).ExistsAsync());
        Assert.False(await new DbAdmin("db2", store).ExistsAsync());
        Assert.False(await new DbAdmin("d", store).ExistsAsync());
    }

    [Fact]
    public async Task Listed_manifests_carry_id_size_and_the_time_the_store_wrote_them()
    {
        var clock = new ManualClock();
        var store = new InMemoryObjectStore(clock);
        await CompactorProtocolTests.WriteL0sAsync(store, 2);

        var versions = await new DbAdmin("db", store).ListManifestsAsync();

        Assert.Equal(Enumerable.Range(1, versions.Count).Select(i => (ulong)i), versions.Select(v => v.Id));
        Assert.All(versions, v => Assert.Equal(clock.GetUtcNow(), v.LastModified));
        Assert.All(versions, v => Assert.True(v.SizeBytes > 0));
        var json = JsonDocument.Parse(DbAdminJson.Manifests(versions)).RootElement;
        Assert.Equal(versions.Count, json.GetArrayLength());
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds(), json[0].GetProperty("last_modified_s").GetInt64());
        Assert.Equal(versions[^1].SizeBytes, json[versions.Count - 1].GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task Reading_a_manifest_gives_its_tables_and_the_json_holds_the_same()
    {
        var store = new InMemoryObjectStore();
        await CompactorProtocolTests.WriteL0sAsync(store, 3);
        var admin = new DbAdmin("db", store);
        await admin.CreateCheckpointAsync(new CheckpointOptions { Name = "keep" });

        var latest = await admin.ReadManifestAsync();
        var state = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;

        Assert.Equal(state.Id, latest.Id);
        Assert.Equal(DbPaths.ManifestPath("db", state.Id), latest.Path);
        Assert.Equal(1, latest.FormatVersion);
        Assert.Equal(state.State.L0.Select(v => v.Sst.Id.ToString()), latest.L0.Select(s => s.Id));
        Assert.Equal(state.State.LastL0Seq, latest.LastL0Seq);
        Assert.Equal("keep", Assert.Single(latest.Checkpoints).Name);
        Assert.Equal("k002"u8.ToArray(), latest.L0[0].FirstKey![..4]);

        var json = JsonDocument.Parse(DbAdminJson.Manifest(latest)).RootElement;
        Assert.Equal((long)latest.Id, json.GetProperty("id").GetInt64());
        Assert.Equal(3, json.GetProperty("l0").GetArrayLength());
        Assert.Equal(latest.L0[0].Id, json.GetProperty("l0")[0].GetProperty("id").GetString());
        Assert.Equal(Convert.ToHexStringLower(latest.L0[0].FirstKey!), json.GetProperty("l0")[0].GetProperty("first_key").GetString());
        Assert.Equal("keep", json.GetProperty("checkpoints")[0].GetProperty("name").GetString());

        var first = await admin.ReadManifestAsync(1);
        Assert.Equal(1ul, first.Id);
        Assert.Empty(first.L0);
    }

    [Fact]
    public async Task A_missing_version_or_database_is_Invalid_and_a_damaged_one_is_Data()
    {
        var store = new InMemoryObjectStore();
        await CompactorProtocolTests.WriteL0sAsync(store, 1);
        var admin = new DbAdmin("db", store);
        var latest = await admin.ReadManifestAsync();
        await store.PutAsync(DbPaths.ManifestPath("db", latest.Id), new byte[] { 0, 1, 2, 3, 4, 5 });

        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => admin.ReadManifestAsync(latest.Id + 5))).Kind);
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => new DbAdmin("none", store).ReadManifestAsync())).Kind);
        var damaged = await Assert.ThrowsAsync<SlateFastException>(() => admin.ReadManifestAsync());
        Assert.Equal(ErrorKind.Data, damaged.Kind);
        Assert.Contains($"manifest {latest.Id}", damaged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_compactions_file_is_absent_until_a_compactor_ran_and_then_shows_its_epoch_and_completed_compaction()
    {
        var store = new InMemoryObjectStore();
        await CompactorProtocolTests.WriteL0sAsync(store, 4);
        var admin = new DbAdmin("db", store);
        Assert.Null(await admin.ReadCompactionsAsync());

        var compacted = await admin.CompactAsync(s_writer);
        Assert.Equal(1, compacted.Compactions);
        Assert.Equal(0, compacted.L0Ssts);

        var file = (await admin.ReadCompactionsAsync())!;
        Assert.Equal(1ul, file.CompactorEpoch);
        var compaction = Assert.Single(file.Compactions);
        Assert.Equal("completed", compaction.Status);
        Assert.Equal(4, compaction.L0Sources.Count);
        Assert.Equal(compacted.SortedRuns[0].Id, compaction.Destination);
        Assert.Equal(compacted.SortedRuns[0].Ssts.Select(s => s.Id), compaction.OutputSsts);
        Assert.Equal(0ul, (await admin.ReadCompactionsAsync(1))!.CompactorEpoch);
        Assert.Null(await admin.ReadCompactionsAsync(99));

        var json = JsonDocument.Parse(DbAdminJson.Compactions(file)).RootElement;
        Assert.Equal("completed", json.GetProperty("compactions")[0].GetProperty("status").GetString());
        Assert.Equal(4, json.GetProperty("compactions")[0].GetProperty("l0_sources").GetArrayLength());
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => new DbAdmin("none", store).ReadCompactionsAsync())).Kind);
    }

    [Fact]
    public async Task Sequence_and_time_lookups_search_the_latest_manifests_tracker()
    {
        var store = new InMemoryObjectStore();
        var tracker = new SequenceTracker([new SequenceSample(10, 1_700_000_000), new SequenceSample(500, 1_700_000_060)]);
        await store.PutAsync(DbPaths.ManifestPath("db", 1), ManifestCodec.Encode(ManifestState.Initial with { SequenceTracker = tracker }));
        var admin = new DbAdmin("db", store);
        var first = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);
        var second = DateTimeOffset.FromUnixTimeSeconds(1_700_000_060);

        Assert.Equal(first, await admin.GetTimestampForSequenceAsync(10));
        Assert.Equal(first, await admin.GetTimestampForSequenceAsync(200));
        Assert.Equal(second, await admin.GetTimestampForSequenceAsync(200, roundUp: true));
        Assert.Null(await admin.GetTimestampForSequenceAsync(501, roundUp: true));
        Assert.Equal(10ul, await admin.GetSequenceForTimestampAsync(first.AddSeconds(30.9)));
        Assert.Equal(500ul, await admin.GetSequenceForTimestampAsync(first.AddSeconds(30), roundUp: true));
        Assert.Null(await admin.GetSequenceForTimestampAsync(first.AddSeconds(-1)));
        Assert.Equal([10ul, 500ul], (await admin.ReadManifestAsync()).SequenceSamples.Select(s => s.Seq));
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => new DbAdmin("none", store).GetTimestampForSequenceAsync(1))).Kind);
    }

    [Fact]
    public async Task A_SlateFast_writer_keeps_the_tracker_samples_it_found()
    {
        var store = new InMemoryObjectStore();
        var tracker = new SequenceTracker([new SequenceSample(0, 1_700_000_000)]);
        await store.PutAsync(DbPaths.ManifestPath("db", 1), ManifestCodec.Encode(ManifestState.Initial with { SequenceTracker = tracker }));
        await using (var db = await DbHandle.OpenAsync("db", store, s_writer))
        {
            await db.PutAsync(Encoding.UTF8.GetBytes("k"), Encoding.UTF8.GetBytes("v"));
            await db.FlushAsync(FlushType.MemTable);
        }

        // The sample it found stays; its own first commit is sampled after it.
        var admin = new DbAdmin("db", store);
        Assert.Equal(0ul, await admin.GetSequenceForTimestampAsync(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000)));
        Assert.Equal(1ul, await admin.GetSequenceForTimestampAsync(DateTimeOffset.UtcNow.AddMinutes(1)));
    }
}
