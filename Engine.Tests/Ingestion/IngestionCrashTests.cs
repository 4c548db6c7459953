using System.Text;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Crash;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.Ingestion;

/// <summary>A process killed (SIGKILL) in the middle of ingestions leaves each one wholly in or wholly out.</summary>
public sealed class IngestionCrashTests(ITestOutputHelper output)
{
    private const int Files = 12;
    private const int KeysPerFile = 3000;

    [Fact]
    public async Task Killing_the_writer_mid_ingestion_leaves_all_of_an_ingestion_or_none_of_it()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        using var folder = new TempFolder("ingest-crash");
        var store = new LocalObjectStore(folder.Path);

        // Every file holds the same keys with its own number as the value: after recovery all keys
        // must carry one number, the last ingestion that landed.
        for (var n = 0; n < Files; n++)
        {
            await using var writer = await SstWriter.CreateAsync(store, $"in/{n}.sst");
            for (var k = 0; k < KeysPerFile; k++)
            {
                await writer.PutAsync(Encoding.UTF8.GetBytes($"k{k:d5}"), Encoding.UTF8.GetBytes($"i{n}"));
            }

            await writer.CloseAsync();
        }

        for (var round = 0; round < 3; round++)
        {
            var acknowledged = -1;
            using (var child = HostProcess.Start("ingest-loop", folder.Path, "db", Files.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                Assert.Equal("ready", await child.ExpectLineAsync());
                for (var wait = random.Next(0, 4); wait > 0; wait--)
                {
                    var line = await child.ExpectLineAsync();
                    acknowledged = int.Parse(line.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                }

                child.Kill();
            }

            await using var db = await DbHandle.OpenAsync("db", store, new DbOptions { GarbageCollector = null });
            var values = new HashSet<string>();
            var count = 0;
            await foreach (var kv in db.ScanAsync(KeyRange.All))
            {
                values.Add(Encoding.UTF8.GetString(kv.Value));
                count++;
            }

            output.WriteLine($"round {round}: {acknowledged + 1} acknowledged, values after recovery {string.Join(",", values)} over {count} keys");
            Assert.True(count is 0 or KeysPerFile, $"a partial ingestion is visible: {count} keys");
            Assert.True(values.Count <= 1, $"keys from several ingestions mix: {string.Join(",", values)}");
            if (acknowledged >= 0)
            {
                var landed = int.Parse(values.Single()[1..], System.Globalization.CultureInfo.InvariantCulture);
                Assert.True(landed >= acknowledged, $"acknowledged ingestion {acknowledged} is lost (found {landed})");
            }
        }
    }
}
