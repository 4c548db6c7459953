using SlateFast.Tests.Support;
using SlateFast.ObjectStore;
using Xunit.Abstractions;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.GarbageCollection;

/// <summary>
/// Model-based: random histories of writes, flushes, compactions (the in-process compactor, on
/// its own and forced, and an offline one), checkpoints (with and
/// without lifetimes), checkpoint deletes, clock moves, garbage collection passes and reopens.
/// After every step the database equals the model, every live checkpoint reads exactly the state
/// it captured (through a reader opened once and kept open while the writer and the collector
/// run), and a managed reader follows the latest state.
/// </summary>
public sealed class GcModelTests(ITestOutputHelper output)
{
    private sealed record Pinned(Guid Id, List<string> Contents, DateTimeOffset? Expires, DbReader Reader);

    [Theory]
    [InlineData(40)]
    [InlineData(60)]
    public async Task Gc_never_deletes_what_the_latest_manifest_a_live_checkpoint_or_a_reader_needs(int steps)
    {
        var seed = Environment.GetEnvironmentVariable("SLATEFAST_TEST_SEED") is { } s ? int.Parse(s, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        output.WriteLine($"seed {seed} (set SLATEFAST_TEST_SEED={seed} to replay)");
        var random = new Random(seed);
        var clock = new ManualClock(Start);
        var store = new InMemoryObjectStore(clock);
        var options = new DbOptions { TimeProvider = clock, GarbageCollector = null, L0MaxSsts = 1000, L0SstSizeBytes = 4096 };
        var gc = GarbageCollectorOptions.All(TimeSpan.FromSeconds(30));
        var admin = new DbAdmin("db", store, clock);
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var pinned = new List<Pinned>();
        var db = await DbHandle.OpenAsync("db", store, options);
        var follower = await DbReader.OpenAsync("db", store, new DbReaderOptions { TimeProvider = clock, ManifestPollInterval = TimeSpan.FromHours(1), CheckpointLifetime = TimeSpan.FromHours(2) });
        long deleted = 0;
        try
        {
            for (var step = 0; step < steps; step++)
            {
                var op = random.Next(100);
                string what;
                if (op < 40)
                {
                    var n = random.Next(1, 12);
                    for (var i = 0; i < n; i++)
                    {
                        var key = $"k{random.Next(30):d2}";
                        if (random.Next(5) == 0)
                        {
                            await db.DeleteAsync(B(key));
                            model.Remove(key);
                        }
                        else
                        {
                            var value = $"v{step}.{i}{new string('x', random.Next(200))}";
                            await db.PutAsync(B(key), B(value));
                            model[key] = value;
                        }
                    }

                    what = $"write {n}";
                }
                else if (op < 52)
                {
                    await db.FlushAsync(FlushType.MemTable);
                    what = "flush memtable";
                }
                else if (op < 62)
                {
                    var lifetime = random.Next(2) == 0 ? (TimeSpan?)null : TimeSpan.FromSeconds(random.Next(10, 400));
                    var scope = random.Next(2) == 0 ? CheckpointScope.All : CheckpointScope.Durable;
                    var created = await db.CreateCheckpointAsync(scope, new CheckpointOptions { Lifetime = lifetime });
                    var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { CheckpointId = created.Id, TimeProvider = clock });
                    pinned.Add(new Pinned(created.Id, Render(model), clock.GetUtcNow() + lifetime, reader));
                    what = $"checkpoint {scope} {lifetime}";
                }
                else if (op < 67 && pinned.Count > 0)
                {
                    var victim = pinned[random.Next(pinned.Count)];
                    Assert.True(await admin.DeleteCheckpointAsync(victim.Id));
                    await victim.Reader.DisposeAsync();
                    pinned.Remove(victim);
                    what = "delete checkpoint";
                }
                else if (op < 77)
                {
                    var by = TimeSpan.FromSeconds(random.Next(1, 120));
                    clock.Advance(by);
                    what = $"advance {by}";
                }
                else if (op < 90)
                {
                    var result = await admin.CollectGarbageAsync(gc);
                    deleted += result.ObjectCount;
                    foreach (var gone in pinned.Where(p => result.ExpiredCheckpoints.Contains(p.Id)).ToList())
                    {
                        Assert.True(gone.Expires <= clock.GetUtcNow(), $"checkpoint {gone.Id} removed before it expired");
                        await gone.Reader.DisposeAsync();
                        pinned.Remove(gone);
                    }

                    what = $"gc: {result.ExpiredCheckpoints.Count} checkpoints, {result.Manifests.Count} manifests, {result.WalSsts.Count} WAL, {result.CompactedSsts.Count} SSTs";
                }
                else if (op < 91)
                {
                    // The real in-process compactor (it also runs on its own after flushes).
                    await db.CompactAsync();
                    what = "compact (compactor)";
                }
                else if (op < 95)
                {
                    await db.CloseAsync();
                    await CompactAllAsync(store, "db", clock, random);
                    db = await DbHandle.OpenAsync("db", store, options);
                    what = "compact (offline)";
                }
                else
                {
                    await db.CloseAsync();
                    db = await DbHandle.OpenAsync("db", store, options);
                    what = "reopen";
                }

                output.WriteLine($"{step}: {what}");
                Assert.Equal(Render(model), await ScanAsync(db.ScanAsync(KeyRange.All)));
                await follower.RefreshAsync();
                Assert.Equal(Render(model), await ScanAsync(follower.ScanAsync(KeyRange.All)));
                foreach (var p in pinned)
                {
                    Assert.Equal(p.Contents, await ScanAsync(p.Reader.ScanAsync(KeyRange.All)));
                }
            }

            // Everything still pinned reads right after a last pass far in the future, when every
            // unpinned object is old enough to go.
            clock.Advance(TimeSpan.FromHours(1));
            await follower.RefreshAsync();
            var last = await admin.CollectGarbageAsync(gc);
            deleted += last.ObjectCount;
            foreach (var p in pinned.Where(p => p.Expires is null))
            {
                Assert.Equal(p.Contents, await ScanAsync(p.Reader.ScanAsync(KeyRange.All)));
                await using var fresh = await DbReader.OpenAsync("db", store, new DbReaderOptions { CheckpointId = p.Id, TimeProvider = clock });
                Assert.Equal(p.Contents, await ScanAsync(fresh.ScanAsync(KeyRange.All)));
            }

            Assert.Equal(Render(model), await ScanAsync(follower.ScanAsync(KeyRange.All)));
            output.WriteLine($"deleted {deleted} objects in all");
        }
        finally
        {
            await db.DisposeAsync();
            await follower.DisposeAsync();
            foreach (var p in pinned)
            {
                await p.Reader.DisposeAsync();
            }
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, options);
        Assert.Equal(Render(model), await ScanAsync(reopened.ScanAsync(KeyRange.All)));
    }
}
