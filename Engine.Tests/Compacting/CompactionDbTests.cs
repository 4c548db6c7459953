using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Format.Blocks;

namespace SlateFast.Tests.Compacting;

public sealed class CompactionDbTests
{
    private static DbOptions Options(CompactorOptions? compactor = null) => new()
    {
        FlushInterval = TimeSpan.FromMilliseconds(5),
        L0SstSizeBytes = 4096,
        MinFilterKeys = 10,
        Seed = 7,
        Compactor = compactor ?? new CompactorOptions { PollInterval = TimeSpan.FromHours(1) },
    };

    internal static async Task<List<(string Key, string Value)>> ScanAll(DbHandle db)
    {
        var rows = new List<(string, string)>();
        await using var it = db.ScanAsync(KeyRange.All);
        await foreach (var kv in it)
        {
            rows.Add((Encoding.UTF8.GetString(kv.Key), Encoding.UTF8.GetString(kv.Value)));
        }

        return rows;
    }

    [Fact]
    public async Task Writing_twenty_L0_SSTs_finishes_because_the_compactor_drains_L0()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, Options());
        for (var i = 0; i < 20; i++)
        {
            await db.PutAsync(B($"k{i:d3}"), B($"v{i}"));
            await db.FlushAsync(FlushType.MemTable);
        }

        Assert.InRange(db.L0Count, 0, db.Options.L0MaxSsts);
        var manifest = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value.State;
        Assert.NotEmpty(manifest.Compacted);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => ($"k{i:d3}", $"v{i}")), await ScanAll(db));
    }

    [Fact]
    public async Task CompactAsync_merges_every_L0_and_run_into_one_run_without_tombstones()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, Options());
        for (var i = 0; i < 5; i++)
        {
            await db.PutAsync(B($"k{i}"), B($"v{i}"));
            await db.FlushAsync(FlushType.MemTable);
        }

        await db.DeleteAsync(B("k1"));
        await db.PutAsync(B("k2"), B("new"));
        await db.FlushAsync(FlushType.MemTable);

        await db.CompactAsync();

        var manifest = db.CurrentManifest;
        Assert.Empty(manifest.L0);
        var run = Assert.Single(manifest.Compacted);
        Assert.Equal(0u, run.Id);
        Assert.Equal([("k0", "v0"), ("k2", "new"), ("k3", "v3"), ("k4", "v4")], await ScanAll(db));
        var sst = await SlateFast.Sst.SstFile.OpenAsync(store, DbPaths.CompactedSstPath("db", run.Ssts[0].Sst.Id));
        Assert.Equal(4, sst.BlockCount > 0 ? await CountRows(sst) : 0);
    }

    [Fact]
    public async Task A_compacted_database_reopens_with_the_same_contents_and_keeps_compacting()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, Options()))
        {
            for (var i = 0; i < 6; i++)
            {
                await db.PutAsync(B($"k{i}"), B($"v{i}"));
                await db.FlushAsync(FlushType.MemTable);
            }

            await db.CompactAsync();
        }

        await using (var db = await DbHandle.OpenAsync("db", store, Options()))
        {
            Assert.Equal(Enumerable.Range(0, 6).Select(i => ($"k{i}", $"v{i}")), await ScanAll(db));
            await db.PutAsync(B("k9"), B("v9"));
            await db.FlushAsync(FlushType.MemTable);
            await db.CompactAsync();
            Assert.Single(db.CurrentManifest.Compacted);
            Assert.Equal(7, (await ScanAll(db)).Count);
        }
    }

    private static async Task<int> CountRows(SlateFast.Sst.SstFile sst)
    {
        var rows = 0;
        var it = new SlateFast.Format.Blocks.BlockIterator();
        for (var b = 0; b < sst.BlockCount; b++)
        {
            it.Reset(await sst.ReadBlockAsync(b), sst.Format);
            for (var ok = it.SeekToFirst(); ok; ok = it.MoveNext())
            {
                rows++;
            }
        }

        return rows;
    }
}
