using System.Text;
using SlateFast.ObjectStore;
using SlateFast.Tests.Crash;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.Compacting;

/// <summary>
/// A writer whose compactor runs without pause (Engine.TestHost <c>db-compact</c>) is killed with
/// SIGKILL at a random moment after a compaction started; the reopened database must hold exactly
/// the acknowledged operations, or those plus the one in flight.
/// </summary>
public sealed class CompactionCrashTests(ITestOutputHelper output)
{
    // Mirrors CompactionCommands.Op in Engine.TestHost.
    private static (string Key, string? Value) Op(long n) =>
        n % 5 == 4 ? (KeyOf(n - 3), null) : (KeyOf(n), $"value-{n}-{new string('x', (int)(n % 97))}");

    private static string KeyOf(long n) => $"key{n % 400:d4}";

    private static SortedDictionary<string, string> Model(long ops)
    {
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (long n = 0; n < ops; n++)
        {
            var (key, value) = Op(n);
            if (value is null)
            {
                model.Remove(key);
            }
            else
            {
                model[key] = value;
            }
        }

        return model;
    }

    [Fact]
    public async Task A_writer_killed_during_compaction_reopens_with_exactly_its_acknowledged_writes()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"kill seed {seed}");
        var random = new Random(seed);
        for (var round = 0; round < 3; round++)
        {
            using var folder = new TempFolder("compaction-crash");
            long acked = 0;
            var compactionsStarted = 0;
            var wantStarts = random.Next(2, 6);
            var extraLines = random.Next(0, 40);
            using (var host = HostProcess.Start("db-compact", folder.Path, "db"))
            {
                Assert.Equal("ready", await host.ExpectLineAsync());
                while (compactionsStarted < wantStarts || extraLines-- > 0)
                {
                    var line = await host.ExpectLineAsync();
                    if (line == "compact start")
                    {
                        compactionsStarted++;
                    }
                    else if (line.StartsWith("ack ", StringComparison.Ordinal))
                    {
                        acked = long.Parse(line[4..]) + 1;
                    }
                }

                host.Kill();
                foreach (var line in await host.DrainAsync())
                {
                    if (line.StartsWith("ack ", StringComparison.Ordinal))
                    {
                        acked = long.Parse(line[4..]) + 1;
                    }
                }
            }

            output.WriteLine($"round {round}: killed after {compactionsStarted} compactions started and {acked} acknowledged ops");
            await using var db = await DbHandle.OpenAsync("db", new LocalObjectStore(folder.Path), new DbOptions { Compactor = new CompactorOptions { Enabled = false } });
            var rows = new List<string>();
            await using (var it = db.ScanAsync(KeyRange.All))
            {
                await foreach (var kv in it)
                {
                    rows.Add($"{Encoding.UTF8.GetString(kv.Key)}={Encoding.UTF8.GetString(kv.Value)}");
                }
            }

            var exact = Model(acked).Select(kv => $"{kv.Key}={kv.Value}").ToList();
            var withNext = Model(acked + 1).Select(kv => $"{kv.Key}={kv.Value}").ToList();
            Assert.True(rows.SequenceEqual(exact) || rows.SequenceEqual(withNext), $"round {round}: {rows.Count} rows equal neither the {acked} acknowledged ops nor one more");
        }
    }
}
