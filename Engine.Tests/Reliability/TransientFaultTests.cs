using SlateFast.Fuzz.Operations;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using Xunit.Abstractions;
using static SlateFast.Tests.Reliability.ReliabilityKit;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// The whole engine under transient store faults (503 SlowDown, 500, timeouts, connection resets,
/// truncated reads; a third of write faults strike after the store applied the request): every
/// operation still succeeds, and after the faults stop the database holds exactly what was written.
/// </summary>
public sealed class TransientFaultTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(5)]
    [InlineData(15)]
    [InlineData(30)]
    public async Task Every_operation_succeeds_under_transient_faults_on_every_request_and_nothing_is_lost(int percent)
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}, {percent} % of requests fail transiently");
        var random = new Random(seed);
        var clock = new Support.ManualClock();
        var objects = new InMemoryObjectStore(clock);
        var chaos = Chaos(objects, seed, percent / 100.0);
        var store = Retrying(chaos, seed);
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var checkpoints = new List<(Guid Id, SortedDictionary<string, string> State)>();

        for (var round = 0; round < 3; round++)
        {
            // Opening is recovery: manifest claim, fencing WAL and WAL replay, all under faults.
            await using var db = await DbHandle.OpenAsync("db", store, Options(seed + round));
            AssertSame(model, await ReadAllAsync(db.ScanAsync(KeyRange.All)), $"round {round} after open");
            for (var i = 0; i < 150; i++)
            {
                var key = $"k{random.Next(60):d2}";
                var value = $"r{round}i{i}-{new string('v', random.Next(200))}";
                switch (random.Next(6))
                {
                    case 0:
                        await db.MergeAsync(B(key), B(value), writeOptions: WriteOptions.NoWait);
                        model[key] = (model.TryGetValue(key, out var old) ? old : string.Empty) + value;
                        break;
                    case 1:
                        await db.DeleteAsync(B(key));
                        model.Remove(key);
                        break;
                    case 2:
                        var batch = new WriteBatch().Put(B(key), B(value)).Put(B(key + "b"), B(value));
                        await db.WriteAsync(batch, WriteOptions.NoWait);
                        model[key] = model[key + "b"] = value;
                        break;
                    default:
                        await db.PutAsync(B(key), B(value), writeOptions: random.Next(3) == 0 ? WriteOptions.Default : WriteOptions.NoWait);
                        model[key] = value;
                        break;
                }

                if (i % 25 == 0)
                {
                    var got = await db.GetAsync(B(key));
                    Assert.Equal(model.GetValueOrDefault(key), got is null ? null : S(got));
                }
            }

            await db.FlushAsync();
            await db.FlushAsync(FlushType.MemTable);

            // A checkpoint (a manifest update) and a reader at it.
            var checkpoint = await db.CreateCheckpointAsync();
            checkpoints.Add((checkpoint.Id, new SortedDictionary<string, string>(model, StringComparer.Ordinal)));

            // Ingestion: a file written outside the database, copied in.
            var source = $"incoming/r{round}.sst";
            // Written by another program, straight to the store: only the ingestion itself is under faults.
            await using (var writer = await SstWriter.CreateAsync(objects, source))
            {
                for (var k = 0; k < 20; k++)
                {
                    await writer.PutAsync(B($"ingested-r{round}-{k:d2}"), B($"i{k}"));
                    model[$"ingested-r{round}-{k:d2}"] = $"i{k}";
                }

                await writer.CloseAsync();
            }

            await db.IngestAsync([source]);

            // A collector pass of every kind beside the open writer.
            clock.Advance(TimeSpan.FromHours(1));
            await new DbAdmin("db", store, clock).CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.FromMinutes(5)));
            AssertSame(model, await ReadAllAsync(db.ScanAsync(KeyRange.All)), $"round {round} before close");
            AssertSame(model, await ReadAllAsync(db.ScanAsync(KeyRange.All, new ScanOptions { Order = IterationOrder.Descending })), $"round {round} descending");
        }

        foreach (var (id, state) in checkpoints)
        {
            await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { CheckpointId = id, MergeOperator = MergeOperators.Concat });
            AssertSame(state, await ReadAllAsync(reader.ScanAsync(KeyRange.All)), $"checkpoint {id}");
        }

        output.WriteLine($"{chaos.Injected} faults injected, {store.Retries} retries");
        Assert.True(chaos.Injected > 0);
        chaos.TransientRate = 0;
        await using var final = await DbHandle.OpenAsync("db", Retrying(objects, seed), Options(seed + 99));
        AssertSame(model, await ReadAllAsync(final.ScanAsync(KeyRange.All)), "after the faults stopped");
    }
}
