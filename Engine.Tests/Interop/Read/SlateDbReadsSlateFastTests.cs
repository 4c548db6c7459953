using SlateFast.Tests.Support;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Interop.Db;
using Xunit.Abstractions;
using static SlateFast.Tests.Interop.Read.ReadComparison;

namespace SlateFast.Tests.Interop.Read;

/// <summary>A database SlateFast wrote reads the same in real SlateDB 0.12.1 as in SlateFast: scans in both orders, ranges and gets.</summary>
public sealed class SlateDbReadsSlateFastTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(51, CompressionCodec.None)]
    [InlineData(52, CompressionCodec.Lz4)]
    public async Task Slatedb_scans_and_gets_equal_slatefast_reads_of_l0_ssts_overwrites_deletes_and_an_unflushed_wal(int seed, CompressionCodec codec)
    {
        output.WriteLine($"seed {seed}, codec {codec}");
        using var tmp = new TempFolder();
        var store = new LocalObjectStore(tmp.Path);
        var model = new DbModel();
        var random = new Random(seed);

        // No compactor runs (this test reads L0 SSTs), so L0 must not stall; every memtable flush leaves one more L0 SST.
        var options = new DbOptions { L0SstSizeBytes = 1 << 20, L0MaxSsts = 64, Compression = codec, BlockSize = 1024, FlushInterval = TimeSpan.FromMilliseconds(5), Compactor = new CompactorOptions { Enabled = false } };
        await using (var writer = await DbHandle.OpenAsync("db", store, options))
        {
            for (var round = 0; round < 4; round++)
            {
                await MixedWrites.ApplyAsync(writer, model, random, 120);
                await writer.FlushAsync(FlushType.MemTable);
            }

            // Closing writes these to the WAL only: they reach readers by WAL replay.
            await MixedWrites.ApplyAsync(writer, model, random, 80);
        }

        var (_, manifest) = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;
        Assert.True(manifest.L0.Length >= 4, $"expected at least 4 L0 SSTs, manifest has {manifest.L0.Length}");
        Assert.Contains(await store.ListAllAsync("db/wal/"), w => DbPaths.TryParseWalSstName(w.Path, out var id) && id > manifest.ReplayAfterWalId);

        await using var db = await DbHandle.OpenReadOnlyAsync("db", store);
        var scan = await ScanAsync(db.ScanAsync(KeyRange.All));
        Assert.Equal(model.Rows, scan);

        Assert.Equal(scan, await SlateDbNode.ScanAsync(tmp.Path, "db"));
        Assert.Equal(scan.AsEnumerable().Reverse(), await SlateDbNode.ScanAsync(tmp.Path, "db", reverse: true));
        Assert.Equal(scan.AsEnumerable().Reverse(), await ScanAsync(db.ScanAsync(KeyRange.All, Descending)));

        foreach (var (from, to) in RandomRanges(random, scan, 3))
        {
            output.WriteLine($"range [{Convert.ToHexString(from)}, {Convert.ToHexString(to)})");
            var ours = await ScanAsync(db.ScanAsync(Range(from, to)));
            Assert.Equal(ours, await SlateDbNode.ScanAsync(tmp.Path, "db", from: from, to: to));
            Assert.Equal(ours.AsEnumerable().Reverse(), await SlateDbNode.ScanAsync(tmp.Path, "db", reverse: true, from: from, to: to));
        }

        var deleted = model.DeletedKeys;
        Assert.NotEmpty(deleted);
        List<byte[]> keys = [.. scan.Take(60).Select(r => r.Key), .. deleted.Take(60), [0x00], [0xFF, 0xFF, 0xFF], "never-written"u8.ToArray()];
        var theirs = await SlateDbNode.GetAsync(tmp.Path, "db", keys);
        for (var i = 0; i < keys.Count; i++)
        {
            var ours = await db.GetAsync(keys[i]);
            Assert.True(
                (ours is null && theirs[i] is null) || (ours is not null && theirs[i] is not null && ours.AsSpan().SequenceEqual(theirs[i])),
                $"key {Convert.ToHexString(keys[i])}: SlateFast has {(ours is null ? "nothing" : Convert.ToHexString(ours))}, SlateDB {(theirs[i] is null ? "nothing" : Convert.ToHexString(theirs[i]!))}");
        }

        await AssertPointReadsAgreeAsync(db, store, "db", scan, random);
    }
}
