using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Interop;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.GarbageCollection;

/// <summary>Checkpoints made by either engine are honoured by the other engine's garbage collector (real SlateDB 0.12.1 via Node).</summary>
public sealed class GcInteropTests
{
    private static readonly DbOptions Options = new() { GarbageCollector = null, L0MaxSsts = 1000 };

    private static async Task WriteRoundAsync(IObjectStore store, string tag)
    {
        await using var db = await DbHandle.OpenAsync("db", store, Options);
        for (var i = 0; i < 40; i++)
        {
            await db.PutAsync(B($"k{i:d2}"), B($"{tag}{i}"), writeOptions: WriteOptions.NoWait);
        }

        await db.FlushAsync(FlushType.MemTable);
        await db.DeleteAsync(B($"k{tag.Length:d2}"));
    }

    [Fact]
    public async Task Slatefast_gc_keeps_what_a_slatedb_reader_checkpoint_pins()
    {
        using var folder = new TempFolder("gc-sdb-checkpoint");
        var store = new LocalObjectStore(folder.Path);
        await WriteRoundAsync(store, "a");
        var pinned = await SlateDbNode.PinCheckpointAsync(folder.Path, "db", TimeSpan.FromHours(1));
        var expected = await SlateDbNode.ScanAsync(folder.Path, "db", checkpointId: pinned.Id);
        Assert.NotEmpty(expected);
        await WriteRoundAsync(store, "bb");
        await WriteRoundAsync(store, "ccc");

        var result = await new DbAdmin("db", store).CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.Zero));

        Assert.NotEmpty(result.Manifests);
        Assert.NotEmpty(result.WalSsts);
        Assert.Equal(expected, await SlateDbNode.ScanAsync(folder.Path, "db", checkpointId: pinned.Id));
        await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { CheckpointId = Guid.Parse(pinned.Id) });
        Assert.Equal(expected.Select(r => $"{System.Text.Encoding.UTF8.GetString(r.Key)}={System.Text.Encoding.UTF8.GetString(r.Value)}"), await ScanAsync(reader.ScanAsync(KeyRange.All)));
    }

    [Fact]
    public async Task Slatedb_gc_keeps_what_a_slatefast_checkpoint_pins()
    {
        using var folder = new TempFolder("gc-sf-checkpoint");
        var store = new LocalObjectStore(folder.Path);
        await WriteRoundAsync(store, "a");
        Guid checkpoint;
        await using (var db = await DbHandle.OpenAsync("db", store, Options))
        {
            await db.PutAsync(B("wal-only"), B("in the checkpoint"));
            checkpoint = (await db.CreateCheckpointAsync(CheckpointScope.Durable)).Id;
        }

        List<string> expected;
        await using (var atCheckpoint = await DbReader.OpenAsync("db", store, new DbReaderOptions { CheckpointId = checkpoint }))
        {
            expected = await ScanAsync(atCheckpoint.ScanAsync(KeyRange.All));
        }

        Assert.Contains("wal-only=in the checkpoint", expected);
        await WriteRoundAsync(store, "bb");
        await WriteRoundAsync(store, "ccc");
        var pinnedManifest = (await new DbAdmin("db", store).ListCheckpointsAsync()).Single().ManifestId;
        var pinnedState = await new ManifestStore(store, "db").LoadAsync(pinnedManifest);
        var unpinnedWal = DbPaths.WalSstPath("db", 1);
        Assert.False(WalGcNeeds(pinnedState, 1));

        // SlateDB's collector deletes an unpinned old manifest and WAL object; what the checkpoint pins stays.
        await SlateDbNode.RunAsync(["gc", folder.Path, "db", "--until-gone", $"{DbPaths.ManifestPath("db", 1)},{unpinnedWal}"]);

        Assert.True(File.Exists(Path.Combine(folder.Path, DbPaths.ManifestPath("db", pinnedManifest))));
        await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { CheckpointId = checkpoint });
        Assert.Equal(expected, await ScanAsync(reader.ScanAsync(KeyRange.All)));
        var slatedb = await SlateDbNode.ScanAsync(folder.Path, "db", checkpointId: checkpoint.ToString("D"));
        Assert.Equal(expected, slatedb.Select(r => $"{System.Text.Encoding.UTF8.GetString(r.Key)}={System.Text.Encoding.UTF8.GetString(r.Value)}"));

        static bool WalGcNeeds(ManifestState m, ulong id) => id > m.ReplayAfterWalId && id <= m.WalIdLastSeen;
    }
}
