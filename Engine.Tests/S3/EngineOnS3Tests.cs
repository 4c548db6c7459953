using System.Globalization;
using System.Text;
using SlateFast.Tests.Crash;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.S3;

/// <summary>
/// The engine end to end on the real S3-compatible server (radosgw) that scripts/test starts:
/// what the local-store suites prove, repeated where S3's semantics differ (conditional PUTs,
/// listings, ranged reads, no rename).
/// </summary>
[Collection(S3ServerCollection.Name)]
public sealed class EngineOnS3Tests(S3Server s3, ITestOutputHelper output)
{
    private static string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);

    private static DbOptions Options => new() { FlushInterval = TimeSpan.FromMilliseconds(20), L0SstSizeBytes = 16 * 1024, GarbageCollector = null, MergeOperator = MergeOperators.Concat };

    private static string Prefix(string test) => $"{test}-{Guid.NewGuid():N}";

    private static async Task<Dictionary<string, string>> Contents(IAsyncEnumerable<KeyValue> rows)
    {
        var result = new Dictionary<string, string>();
        await foreach (var kv in rows)
        {
            result[S(kv.Key)!] = S(kv.Value)!;
        }

        return result;
    }

    [Fact]
    public async Task Writes_flushes_merges_transactions_reopen_and_compaction_keep_every_row()
    {
        var store = s3.CreateStore(Prefix("rw"));
        var model = new Dictionary<string, string>();
        await using (var db = await DbHandle.OpenAsync("db", store, Options with { Compactor = new() { Enabled = false } }))
        {
            for (var i = 0; i < 600; i++)
            {
                var key = $"k{i % 250:d3}";
                var value = $"v{i}-{new string('x', 40)}";
                await db.PutAsync(B(key), B(value), writeOptions: WriteOptions.NoWait);
                model[key] = value;
                if (i % 200 == 199)
                {
                    await db.FlushAsync(FlushType.MemTable);
                }
            }

            await db.DeleteAsync(B("k007"), WriteOptions.NoWait);
            model.Remove("k007");
            await db.MergeAsync(B("k008"), B(";m"), writeOptions: WriteOptions.NoWait);
            model["k008"] += ";m";
            await using (var tx = db.BeginTransaction(IsolationLevel.SerializableSnapshot))
            {
                tx.Put(B("tx"), B("committed"));
                await tx.CommitAsync();
                model["tx"] = "committed";
            }

            Assert.True(db.CurrentManifest.L0.Length >= 3, "the test needs L0 SSTs on S3");
            Assert.Equal(model, await Contents(db.ScanAsync(KeyRange.All)));
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, Options);
        Assert.Equal(model, await Contents(reopened.ScanAsync(KeyRange.All)));
        Assert.Equal(model.OrderByDescending(p => p.Key, StringComparer.Ordinal).Select(p => p.Key), (await Contents(reopened.ScanAsync(KeyRange.All, new ScanOptions { Order = IterationOrder.Descending }))).Keys);
        Assert.Equal(model["k123"], S(await reopened.GetAsync(B("k123"))));

        await reopened.CompactAsync();
        Assert.Empty(reopened.CurrentManifest.L0);
        Assert.Equal(model, await Contents(reopened.ScanAsync(KeyRange.All)));
        await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { MergeOperator = MergeOperators.Concat });
        Assert.Equal(model, await Contents(reader.ScanAsync(KeyRange.All)));
    }

    [Fact]
    public async Task A_second_writer_fences_the_first_through_the_servers_conditional_writes()
    {
        var prefix = Prefix("fence");
        await using var first = await DbHandle.OpenAsync("db", s3.CreateStore(prefix), Options);
        await first.PutAsync(B("a"), B("first"));
        await using var second = await DbHandle.OpenAsync("db", s3.CreateStore(prefix), Options);

        var e = await Assert.ThrowsAsync<SlateFastException>(async () =>
        {
            await first.PutAsync(B("b"), B("first"));
            await first.FlushAsync(FlushType.MemTable);
        });

        Assert.Equal(ErrorKind.Closed, e.Kind);
        Assert.Equal(CloseReason.Fenced, e.CloseReason);
        Assert.Equal("first", S(await second.GetAsync(B("a"))));
        Assert.Null(await second.GetAsync(B("b")));
    }

    [Fact]
    public async Task Checkpoints_readers_ingestion_and_a_gc_pass_work_on_s3()
    {
        var prefix = Prefix("ckpt");
        var store = s3.CreateStore(prefix);
        Guid checkpoint;
        await using (var db = await DbHandle.OpenAsync("db", store, Options))
        {
            for (var i = 0; i < 100; i++)
            {
                await db.PutAsync(B($"k{i:d3}"), B("old"), writeOptions: WriteOptions.NoWait);
            }

            checkpoint = (await db.CreateCheckpointAsync()).Id;
            await using (var writer = await SlateFast.Sst.SstWriter.CreateAsync(store, "in/1.sst"))
            {
                for (var i = 0; i < 100; i += 2)
                {
                    await writer.PutAsync(B($"k{i:d3}"), B("ingested"));
                }

                await writer.CloseAsync();
            }

            await db.IngestAsync(["in/1.sst"]);
            await db.FlushAsync(FlushType.MemTable);
        }

        var admin = new DbAdmin("db", store);
        var collected = await admin.CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.Zero));
        output.WriteLine($"gc deleted {collected.ObjectCount} objects");

        await using var atCheckpoint = await DbReader.OpenAsync("db", store, new DbReaderOptions { CheckpointId = checkpoint });
        Assert.Equal("old", S(await atCheckpoint.GetAsync(B("k000"))));
        await using var latest = await DbHandle.OpenAsync("db", store, Options);
        Assert.Equal("ingested", S(await latest.GetAsync(B("k000"))));
        Assert.Equal("old", S(await latest.GetAsync(B("k001"))));
        Assert.Equal(100, (await Contents(latest.ScanAsync(KeyRange.All))).Count);
    }

    [Fact]
    public async Task Every_durably_acknowledged_write_survives_a_sigkill_of_a_writer_on_s3()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var prefix = Prefix("crash");
        var url = s3.Url(prefix);
        var acknowledged = new List<CrashRecord>();
        for (var round = 0; round < 3; round++)
        {
            using (var host = HostProcess.Start("db-writer", url, "db", "durable", "4", (seed + round).ToString(CultureInfo.InvariantCulture), "--l0", "8192"))
            {
                Assert.Equal("opening", await host.ExpectLineAsync());
                Assert.StartsWith("ready", await host.ExpectLineAsync(), StringComparison.Ordinal);
                var lines = random.Next(5, 60);
                for (var i = 0; i < lines; i++)
                {
                    acknowledged.Add(CrashRecord.Parse(await host.ExpectLineAsync()));
                }

                host.Kill();
                acknowledged.AddRange((await host.DrainAsync()).Select(CrashRecord.Parse));
            }

            await using var db = await DbHandle.OpenAsync("db", s3.CreateStore(prefix), Options);
            foreach (var record in acknowledged)
            {
                Assert.True(Convert.ToHexString(record.Value) == Convert.ToHexString(await db.GetAsync(record.Key) ?? []), $"seed {seed} round {round}: acknowledged key {record.KeyText} lost");
            }

            output.WriteLine($"round {round}: {acknowledged.Count} acknowledged keys present after the kill");
        }
    }
}
