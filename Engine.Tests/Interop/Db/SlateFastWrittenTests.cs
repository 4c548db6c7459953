using SlateFast.Tests.Support;
using System.Globalization;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Crash;
using SlateFast.TestHost;
using Xunit.Abstractions;

namespace SlateFast.Tests.Interop.Db;

/// <summary>Databases written by SlateFast open in real SlateDB 0.12.1, which returns every row as SlateFast wrote it.</summary>
public sealed class SlateFastWrittenTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(11)]
    [InlineData(12)]
    public async Task A_wal_only_database_closed_cleanly_scans_in_slatedb_with_every_row_as_written(int seed)
    {
        output.WriteLine($"seed {seed}");
        using var tmp = new TempFolder();
        var store = new LocalObjectStore(tmp.Path);
        var model = new DbModel();
        await using (var db = await DbHandle.OpenAsync("db", store, new DbOptions { FlushInterval = TimeSpan.FromMilliseconds(5) }))
        {
            await MixedWrites.ApplyAsync(db, model, new Random(seed), 400);
        }

        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db");

        Assert.Empty(await store.ListAllAsync("db/compacted/"));
        Assert.Equal(model.Rows, rows);
    }

    [Theory]
    [InlineData(21, CompressionCodec.None)]
    [InlineData(22, CompressionCodec.Snappy)]
    [InlineData(23, CompressionCodec.Zstd)]
    public async Task A_database_with_l0_ssts_and_newer_wal_rows_scans_in_slatedb_with_every_row_as_written(int seed, CompressionCodec codec)
    {
        output.WriteLine($"seed {seed}, codec {codec}");
        using var tmp = new TempFolder();
        var store = new LocalObjectStore(tmp.Path);
        var model = new DbModel();
        var random = new Random(seed);
        // A small L0 size freezes memtables by size too, so several L0 SSTs exist, then WAL rows overwrite and delete their keys.
        // No compactor runs (the test reads L0 SSTs): L0MaxSsts is raised so memtable flushes never wait for one.
        var options = new DbOptions { L0SstSizeBytes = 8192, L0MaxSsts = 64, Compression = codec, BlockSize = 1024, FlushInterval = TimeSpan.FromMilliseconds(5), Compactor = new() { Enabled = false } };
        await using (var db = await DbHandle.OpenAsync("db", store, options))
        {
            await MixedWrites.ApplyAsync(db, model, random, 300);
            await db.FlushAsync(FlushType.MemTable);
            await MixedWrites.ApplyAsync(db, model, random, 150);
        }

        var (_, manifest) = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;
        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db");

        Assert.NotEmpty(manifest.L0);
        Assert.Contains(await store.ListAllAsync("db/wal/"), w => DbPaths.TryParseWalSstName(w.Path, out var id) && id > manifest.ReplayAfterWalId);
        Assert.Equal(model.Rows, rows);
    }

    [Fact]
    public async Task A_wal_left_unflushed_by_a_killed_slatefast_writer_scans_in_slatedb_with_every_acknowledged_key()
    {
        const int seed = 31;
        const int tasks = 3;
        using var tmp = new TempFolder();
        var acks = new List<CrashRecord>();
        using (var host = HostProcess.Start("db-writer", tmp.Path, "db", "durable", $"{tasks}", seed.ToString(CultureInfo.InvariantCulture)))
        {
            Assert.Equal("opening", await host.ExpectLineAsync());
            Assert.StartsWith("ready", await host.ExpectLineAsync(), StringComparison.Ordinal);
            while (acks.Count < 150)
            {
                acks.Add(CrashRecord.Parse(await host.ExpectLineAsync()));
            }

            host.Kill();
            acks.AddRange((await host.DrainAsync()).Select(CrashRecord.Parse));
        }

        var rows = await SlateDbNode.ScanAsync(tmp.Path, "db");

        output.WriteLine($"seed {seed}: {acks.Count} acknowledged keys, SlateDB scanned {rows.Count}");
        var scanned = rows.ToDictionary(r => Convert.ToHexString(r.Key), r => r.Value);
        foreach (var ack in acks)
        {
            Assert.True(scanned.TryGetValue(Convert.ToHexString(ack.Key), out var value), $"acknowledged {ack.KeyText} missing in SlateDB's scan");
            Assert.Equal(ack.Value, value);
        }

        // Beyond the acknowledged: only whole in-flight batches, at most one op (up to 4 keys) per task, with the workload's values.
        Assert.InRange(rows.Count - acks.Count, 0, tasks * 4);
        Assert.All(rows, r => Assert.Equal(CrashWorkload.Value(r.Key), r.Value));
        Assert.Empty(await new LocalObjectStore(tmp.Path).ListAllAsync("db/compacted/"));

        // And both engines agree on the recovered state.
        var store = new LocalObjectStore(tmp.Path);
        await using var reopened = await DbHandle.OpenAsync("db", store);
        await CrossEngine.AssertSlateFastReadsAsync(reopened, store, "db", rows, minimumDeleted: 0);
    }
}
