using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Text;
using SlateFast.Compacting;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Tests.Format;
using SlateFast.Tests.Support;
using Xunit.Abstractions;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Compatibility;

/// <summary>
/// Format levels (RFC 0014): each level writes exactly its SlateDB release's bytes, every level
/// reads what every other wrote, and a database laid out as SlateDB 0.15 lays it out works end to end.
/// </summary>
public sealed class FormatLevelTests(ITestOutputHelper output)
{
    private static readonly FormatLevel[] Levels = [FormatLevel.SlateDb012, FormatLevel.SlateDb013, FormatLevel.SlateDb014];

    private static DbOptions Options(FormatLevel level) => new()
    {
        FormatLevel = level,
        FlushInterval = TimeSpan.FromMilliseconds(5),
        MinFilterKeys = 1,
        L0SstSizeBytes = 4096,
        GarbageCollector = null,
        Compactor = new() { PollInterval = TimeSpan.FromHours(1) },
        MergeOperator = MergeOperators.Concat,
    };

    [Fact]
    public async Task Random_writes_at_every_level_read_back_at_every_level_and_the_objects_are_that_levels_bytes()
    {
        var seed = TestSeed.Next(output);
        var random = new Random(seed);
        var store = new InMemoryObjectStore();
        var model = new SortedDictionary<string, string>(StringComparer.Ordinal);

        // Each session writes at a random level; the one after it reads everything first.
        for (int session = 0; session < 6; session++)
        {
            var level = Levels[random.Next(Levels.Length)];
            var fencesBefore = await ZeroByteWalObjectsAsync(store);
            await using (var db = await DbHandle.OpenAsync("db", store, Options(level)))
            {
                Assert.Equal(level, db.FormatLevel);
                Assert.Equal(Render(model), await ScanAsync(db.ScanAsync(KeyRange.All)));
                for (int op = 0; op < 300; op++)
                {
                    var key = $"k{random.Next(120):D3}";
                    switch (random.Next(10))
                    {
                        case 0:
                            await db.DeleteAsync(B(key), WriteOptions.NoWait);
                            model.Remove(key);
                            break;
                        case 1:
                            await db.MergeAsync(B(key), B($"+{session}"), writeOptions: WriteOptions.NoWait);
                            model[key] = (model.TryGetValue(key, out var old) ? old : string.Empty) + $"+{session}";
                            break;
                        default:
                            var value = $"s{session}o{op}";
                            await db.PutAsync(B(key), B(value), writeOptions: WriteOptions.NoWait);
                            model[key] = value;
                            break;
                    }

                    if (op % 100 == 99)
                    {
                        await db.FlushAsync(FlushType.MemTable);
                    }
                }

                if (random.Next(2) == 0)
                {
                    await db.CompactAsync();
                }

                await db.FlushAsync();
                await AssertObjectsOfLevelAsync(store, level, output);
            }

            // The fence this session's writer wrote at open: zero bytes from the 0.14 level only.
            Assert.Equal(fencesBefore + (level >= FormatLevel.SlateDb014 ? 1 : 0), await ZeroByteWalObjectsAsync(store));

            foreach (var reader in Levels)
            {
                await using var db = await DbHandle.OpenAsync("db", store, Options(reader) with { Compactor = new() { Enabled = false } });
                foreach (var (key, value) in model)
                {
                    Assert.Equal(value, Encoding.UTF8.GetString((await db.GetAsync(B(key)))!));
                }
            }
        }

        await using var final = await DbReader.OpenAsync("db", store, new DbReaderOptions { MergeOperator = MergeOperators.Concat });
        Assert.Equal(Render(model), await ScanAsync(final.ScanAsync(KeyRange.All)));
    }

    /// <summary>The newest objects a handle at <paramref name="level"/> wrote carry that level's format.</summary>
    private static async Task AssertObjectsOfLevelAsync(IObjectStore store, FormatLevel level, ITestOutputHelper output)
    {
        var expected = level >= FormatLevel.SlateDb013 ? FilterFormat.Composite : FilterFormat.Legacy;
        var wal = (await store.ListAllAsync("db/wal/")).OrderBy(m => m.Path, StringComparer.Ordinal).ToList();
        var newest = wal[^1];
        if (newest.Size > 0)
        {
            Assert.Equal(expected, (await SstFile.OpenAsync(store, newest.Path)).Info.FilterFormat);
        }

        var (_, manifest) = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;
        if (!manifest.L0.IsEmpty)
        {
            Assert.Equal(expected, manifest.L0[0].Sst.Info.FilterFormat);
        }

        var compactions = new CompactionsStore(store, "db");
        if (await compactions.LatestIdAsync() is var cid and > 0)
        {
            // Written by this session's compactor when it compacted; an earlier session's otherwise.
            var bytes = (await store.GetAsync(compactions.PathOf(cid)))!.Data;
            output.WriteLine($"{level}: compactions {cid} format {BinaryPrimitives.ReadUInt16BigEndian(bytes.Span)}");
        }
    }

    private static async Task<int> ZeroByteWalObjectsAsync(IObjectStore store) =>
        (await store.ListAllAsync("db/wal/")).Count(m => m.Size == 0);

    [Fact]
    public async Task The_compactor_writes_compactions_format_1_at_the_0_12_level_and_format_2_with_destinations_from_0_13()
    {
        foreach (var level in Levels)
        {
            var store = new InMemoryObjectStore();
            await using (var db = await DbHandle.OpenAsync("db", store, Options(level)))
            {
                for (int round = 0; round < 3; round++)
                {
                    await db.PutAsync(B($"k{round}"), B("v"), writeOptions: WriteOptions.NoWait);
                    await db.FlushAsync(FlushType.MemTable);
                }

                await db.CompactAsync();
            }

            var compactions = new CompactionsStore(store, "db");
            var (id, state) = (await compactions.LoadLatestAsync())!.Value;
            Assert.Equal(level >= FormatLevel.SlateDb013 ? 2 : 1, state.FormatVersion);
            if (level >= FormatLevel.SlateDb013)
            {
                Assert.All(state.Recent, c => Assert.NotNull(c.Spec.ExplicitDestination));
            }

            await using var reader = await DbReader.OpenAsync("db", store);
            Assert.Equal(["k0=v", "k1=v", "k2=v"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
        }
    }

    [Fact]
    public async Task A_lower_level_keeps_a_format_2_compactions_file_at_format_2_and_still_compacts()
    {
        var store = new InMemoryObjectStore();
        foreach (var level in new[] { FormatLevel.SlateDb013, FormatLevel.SlateDb012 })
        {
            await using var db = await DbHandle.OpenAsync("db", store, Options(level));
            for (int round = 0; round < 2; round++)
            {
                await db.PutAsync(B($"{level}-{round}"), B("v"), writeOptions: WriteOptions.NoWait);
                await db.FlushAsync(FlushType.MemTable);
            }

            await db.CompactAsync();
        }

        var (_, state) = (await new CompactionsStore(store, "db").LoadLatestAsync())!.Value;
        Assert.Equal(2, state.FormatVersion);
        await using var reader = await DbReader.OpenAsync("db", store);
        Assert.Equal(4, (await ScanAsync(reader.ScanAsync(KeyRange.All))).Count);
    }

    /// <summary>
    /// A database as SlateDB 0.15 leaves it: composite filters on every SST, a compactions file of
    /// format 2 with a distributed compaction a worker had scheduled and one it had finished but
    /// not committed, zero-byte fences, and GC boundary files. SlateFast reads it, continues it at
    /// the 0.14 level (detected), compacts it and collects its garbage, and loses nothing.
    /// </summary>
    [Fact]
    public async Task A_database_laid_out_by_SlateDB_0_15_reads_writes_compacts_and_collects()
    {
        var clock = new ManualClock(Start);
        var store = new InMemoryObjectStore(clock);
        var options = Options(FormatLevel.SlateDb013) with { TimeProvider = clock, Compactor = new() { Enabled = false } };
        await using (var db = await DbHandle.OpenAsync("db", store, options))
        {
            for (int i = 0; i < 300; i++)
            {
                await db.PutAsync(B($"k{i:D3}"), B($"v{i}"), writeOptions: WriteOptions.NoWait);
                if (i % 100 == 99)
                {
                    await db.FlushAsync(FlushType.MemTable);
                }
            }

            await db.PutAsync(B("in-wal"), B("1"));
        }

        // What 0.15 adds around that: a zero-byte fence, boundary files, and a format-2 compactions
        // file whose jobs a distributed worker held (Scheduled, and Compacted with outputs).
        var walIds = (await store.ListAllAsync("db/wal/")).Select(m => DbPaths.TryParseWalSstName(m.Path, out var id) ? id : 0).ToList();
        await store.PutAsync(DbPaths.WalSstPath("db", walIds.Max() + 1), ReadOnlyMemory<byte>.Empty);
        await new ManifestStore(store, "db").Boundary.AdvanceAsync(1);
        var (_, manifest) = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;
        var l0 = manifest.L0.Select(v => v.Id).ToImmutableArray();
        var r = new Random(15);
        var scheduled = new SlateFast.Manifest.Compaction(Ulid.NewUlid(clock, r), CompactionSpec.Tiered([l0[^1]], [], 0), CompactionStatus.Scheduled, [])
        {
            Worker = new CompactionWorker("worker-7", 123),
        };
        var compacted = new SlateFast.Manifest.Compaction(Ulid.NewUlid(clock, r), CompactionSpec.Tiered([l0[^2]], [], 1), CompactionStatus.Compacted, [manifest.L0[0].Sst])
        {
            Worker = new CompactionWorker("worker-8", 456),
        };
        var compactions = new CompactionsStore(store, "db") { WriteVersion = CompactionsCodec.V2 };
        Assert.True(await compactions.TryWriteAsync(1, new CompactionsState(manifest.CompactorEpoch, [scheduled, compacted])));

        var report = await new DbAdmin("db", store, clock).InspectFormatAsync();
        Assert.Equal(FormatLevel.SlateDb014, report.Level);
        Assert.Equal(2, report.CompactionsFormat);
        Assert.Equal(report.Ssts, report.CompositeFilterSsts);
        Assert.Equal(1UL, report.ManifestBoundary);

        await using (var db = await DbHandle.OpenAsync("db", store, Options(FormatLevel.Detect) with { TimeProvider = clock }))
        {
            Assert.Equal(FormatLevel.SlateDb014, db.FormatLevel);
            Assert.Equal("v7", Encoding.UTF8.GetString((await db.GetAsync(B("k007")))!));
            Assert.Equal("1", Encoding.UTF8.GetString((await db.GetAsync(B("in-wal")))!));
            Assert.Null(await db.GetAsync(B("k999")));
            await db.PutAsync(B("k999"), B("new"));
            await db.FlushAsync(FlushType.MemTable);
            await db.CompactAsync();
        }

        var (_, after) = (await compactions.LoadLatestAsync())!.Value;
        Assert.Equal(2, after.FormatVersion);
        Assert.DoesNotContain(after.Recent, c => c.Status is CompactionStatus.Scheduled or CompactionStatus.Compacted);
        Assert.Equal(2, (await store.ListAllAsync("db/wal/")).Count(m => m.Size == 0));

        clock.Advance(TimeSpan.FromHours(1));
        await new DbAdmin("db", store, clock).CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.FromMinutes(1)));
        Assert.Equal(2, (await store.ListAllAsync("db/wal/")).Count(m => m.Size == 0));
        Assert.True(await new ManifestStore(store, "db").Boundary.ReadAsync() > 1);

        await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { TimeProvider = clock });
        var rows = await ScanAsync(reader.ScanAsync(KeyRange.All));
        Assert.Equal(302, rows.Count);
        Assert.Contains("k999=new", rows);
        Assert.Contains("in-wal=1", rows);
    }
}
