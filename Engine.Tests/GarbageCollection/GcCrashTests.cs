using SlateFast.ObjectStore;
using SlateFast.Tests.Crash;
using SlateFast.Tests.Support;
using Xunit.Abstractions;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.GarbageCollection;

/// <summary>A collector killed (SIGKILL) in the middle of its deletes leaves a database and checkpoints that read exactly as before.</summary>
public sealed class GcCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Killing_the_collector_mid_pass_loses_nothing_the_database_or_its_checkpoints_need()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var folder = new TempFolder("gc-crash");
        var store = new LocalObjectStore(folder.Path);
        var options = new DbOptions { GarbageCollector = null, L0MaxSsts = 1000 };
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var checkpoints = new List<(Guid Id, List<string> Contents)>();

        for (var round = 0; round < 3; round++)
        {
            await using (var db = await DbHandle.OpenAsync("db", store, options))
            {
                Assert.Equal(Render(model), await ScanAsync(db.ScanAsync(KeyRange.All)));
                for (var batch = 0; batch < 6; batch++)
                {
                    for (var i = 0; i < 20; i++)
                    {
                        var key = $"k{random.Next(60):d2}";
                        var value = $"r{round}b{batch}i{i}";
                        await db.PutAsync(B(key), B(value), writeOptions: WriteOptions.NoWait);
                        model[key] = value;
                    }

                    await db.FlushAsync(FlushType.MemTable);
                    if (batch % 3 == 1)
                    {
                        checkpoints.Add(((await db.CreateCheckpointAsync()).Id, Render(model)));
                    }
                }

                await db.PutAsync(B("wal-only"), B($"{round}"));
                model["wal-only"] = $"{round}";
            }

            // Garbage for the compacted-SST task too: a compaction leaves the L0s unreferenced.
            await CompactAllAsync(store, "db", TimeProvider.System, random);
            using (var gc = HostProcess.Start("gc-loop", folder.Path, "db"))
            {
                Assert.Equal("ready", await gc.ExpectLineAsync());
                for (var passes = random.Next(2); passes > 0; passes--)
                {
                    output.WriteLine(await gc.ExpectLineAsync());
                }

                gc.Kill();
            }

            output.WriteLine($"round {round}: killed; {Directory.GetFiles(folder.Path, "*", SearchOption.AllDirectories).Length} objects left");
            foreach (var (id, contents) in checkpoints)
            {
                await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { CheckpointId = id });
                Assert.Equal(contents, await ScanAsync(reader.ScanAsync(KeyRange.All)));
            }
        }

        await using var last = await DbHandle.OpenAsync("db", store, options);
        Assert.Equal(Render(model), await ScanAsync(last.ScanAsync(KeyRange.All)));
    }
}
