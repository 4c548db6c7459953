using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using Xunit.Abstractions;

namespace SlateFast.Tests.ObjectStore;

/// <summary>
/// What the disk cache in front of an object store promises, run against every store it fronts:
/// reads return the store's bytes, a cached part costs no request (also after a restart), the
/// folder stays under its budget, and a damaged, deleted or replaced object is never served.
/// </summary>
public abstract class DiskCacheContract(ITestOutputHelper output) : IDisposable
{
    private const int PartSize = 4096;
    private readonly TempFolder _cacheRoot = new("diskcache");

    /// <summary>A fresh, empty store for one test.</summary>
    protected abstract IObjectStore CreateStore();

    public void Dispose()
    {
        _cacheRoot.Dispose();
        GC.SuppressFinalize(this);
    }

    private ObjectStoreCacheOptions Options(long budget = 1L << 30, bool cachePuts = false) =>
        new() { RootFolder = _cacheRoot.Path, PartSizeBytes = PartSize, MaxCacheSizeBytes = budget, CachePuts = cachePuts };

    private static string SstPath() => DbPaths.CompactedSstPath("db", Ulid.NewUlid(TimeProvider.System, Random.Shared));

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string[] CacheFiles() => Directory.GetFiles(_cacheRoot.Path, "sf-*", SearchOption.AllDirectories);

    private long CacheFileBytes() => CacheFiles().Sum(f => new FileInfo(f).Length);

    [Fact]
    public async Task Reads_at_any_offset_and_length_return_the_stores_bytes()
    {
        var seed = Random.Shared.Next();
        output.WriteLine($"seed {seed}");
        var random = new Random(seed);
        var inner = CreateStore();
        var cache = new DiskCachedObjectStore(inner, Options());
        var objects = new List<(string Path, byte[] Data)>();
        foreach (var length in new[] { 1, PartSize - 1, PartSize, PartSize + 1, (3 * PartSize) + 17, 20_000 })
        {
            var path = SstPath();
            var data = Bytes(length, random.Next());
            await inner.PutAsync(path, data);
            objects.Add((path, data));
        }

        for (var i = 0; i < 300; i++)
        {
            var (path, data) = objects[random.Next(objects.Count)];
            var offset = random.Next(data.Length + 10);
            var length = random.Next(2 * PartSize);
            var expected = data.AsSpan(Math.Min(offset, data.Length), Math.Clamp(data.Length - offset, 0, length)).ToArray();

            Assert.Equal(expected, (await cache.GetRangeAsync(path, offset, length)).ToArray());
            var destination = new byte[length];
            var read = await cache.ReadRangeAsync(path, offset, destination);
            Assert.Equal(expected, destination.AsSpan(0, read).ToArray());
        }

        Assert.True(cache.Stats.PartHits > 0);
        var misuse = await Assert.ThrowsAsync<SlateFastException>(async () => await cache.GetRangeAsync(objects[0].Path, -1, 1));
        Assert.Equal(ErrorKind.Invalid, misuse.Kind);
    }

    [Fact]
    public async Task A_cached_part_is_read_without_a_request()
    {
        var counter = new CountingStore(CreateStore());
        var cache = new DiskCachedObjectStore(counter, Options());
        var path = SstPath();
        var data = Bytes(3 * PartSize, 1);
        await counter.PutAsync(path, data);

        Assert.Equal(data[100..200], (await cache.GetRangeAsync(path, 100, 100)).ToArray());
        var (heads, gets) = (counter.Heads, counter.Gets);
        Assert.Equal(data[150..4000], (await cache.GetRangeAsync(path, 150, 3850)).ToArray());

        Assert.Equal((heads, gets), (counter.Heads, counter.Gets));
        Assert.Equal(new DiskCacheStats(2, 1, PartSize, 0, CacheFileBytes(), CacheFiles().Length), cache.Stats);
    }

    [Fact]
    public async Task Concurrent_misses_on_one_part_make_one_request()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var counter = new CountingStore(CreateStore()) { Gate = gate.Task };
        var cache = new DiskCachedObjectStore(counter, Options());
        var path = SstPath();
        var data = Bytes(PartSize, 2);
        await counter.PutAsync(path, data);
        await cache.HeadAsync(path);

        // Each read runs up to its wait on the fetch before GetRangeAsync returns (the object is
        // known, so nothing before it awaits): all 16 miss while the first fetch is held.
        var reads = Enumerable.Range(0, 16).Select(i => cache.GetRangeAsync(path, i * 10, 10).AsTask()).ToList();
        gate.SetResult();
        var results = await Task.WhenAll(reads);

        Assert.Equal(1, counter.Gets);
        Assert.All(Enumerable.Range(0, 16), i => Assert.Equal(data[(i * 10)..((i * 10) + 10)], results[i].ToArray()));
    }

    [Fact]
    public async Task The_cache_survives_a_restart_and_serves_without_fetching()
    {
        var counter = new CountingStore(CreateStore());
        var path = SstPath();
        var data = Bytes(5 * PartSize, 3);
        await counter.PutAsync(path, data);
        using (var first = new DiskCachedObjectStore(counter, Options()))
        {
            await first.GetRangeAsync(path, 0, data.Length);
            Assert.Equal(0, first.Stats.PartHits);
        }

        var stray = Path.Combine(Path.GetDirectoryName(CacheFiles()[0])!, "sf-part-4k-000099.tmp-dead");
        await File.WriteAllBytesAsync(stray, [1, 2, 3]);
        var gets = counter.Gets;

        // A new cache over the folder no store uses any more, as a restarted process makes: it rebuilds its index
        // from the files, removes what a dead writer left, and serves every part from disk.
        var restarted = new DiskCachedObjectStore(counter, Options());
        Assert.Equal(data, (await restarted.GetRangeAsync(path, 0, data.Length)).ToArray());
        await restarted.IndexReady;

        Assert.Equal(gets, counter.Gets);
        Assert.Equal(5, restarted.Stats.PartHits);
        Assert.False(File.Exists(stray));
        Assert.Equal(CacheFileBytes(), restarted.Stats.CachedBytes);
    }

    [Fact]
    public async Task The_folder_stays_under_its_budget_evicting_the_least_recently_read()
    {
        var budget = 10L * PartFileBytes;
        var cache = new DiskCachedObjectStore(CreateStore(), Options(budget));
        var inner = cache.Inner;
        var hot = SstPath();
        var cold = SstPath();
        var hotData = Bytes(2 * PartSize, 4);
        var coldData = Bytes(40 * PartSize, 5);
        await inner.PutAsync(hot, hotData);
        await inner.PutAsync(cold, coldData);

        for (var i = 0; i < coldData.Length; i += PartSize)
        {
            Assert.Equal(hotData, (await cache.GetRangeAsync(hot, 0, hotData.Length)).ToArray());
            Assert.Equal(coldData[i..(i + PartSize)], (await cache.GetRangeAsync(cold, i, PartSize)).ToArray());
            Assert.InRange(CacheFileBytes(), 1, budget);
            Assert.InRange(cache.Stats.CachedBytes, 1, budget);
        }

        // The hot parts, read before every cold one, were never the least recently read.
        var hits = cache.Stats.PartHits;
        await cache.GetRangeAsync(hot, 0, hotData.Length);
        Assert.Equal(hits + 2, cache.Stats.PartHits);
        Assert.Equal(CacheFileBytes(), cache.Stats.CachedBytes);
    }

    // A 4 KiB part's file: the 20-byte header, one chunk checksum and the data.
    private const long PartFileBytes = 20 + 4 + PartSize;

    [Theory]
    [InlineData("flipped data byte")]
    [InlineData("flipped checksum")]
    [InlineData("cut short")]
    [InlineData("zeroed")]
    [InlineData("garbage head")]
    public async Task A_damaged_cache_file_is_detected_and_fetched_again_never_served(string damage)
    {
        var counter = new CountingStore(CreateStore());
        var cache = new DiskCachedObjectStore(counter, Options());
        var path = SstPath();
        var data = Bytes(2 * PartSize, 6);
        await counter.PutAsync(path, data);
        await cache.GetRangeAsync(path, 0, data.Length);
        var part = CacheFiles().Where(f => Path.GetFileName(f).StartsWith("sf-part-", StringComparison.Ordinal)).Order().First();
        var head = CacheFiles().Single(f => Path.GetFileName(f) == "sf-head");
        var bytes = await File.ReadAllBytesAsync(part);
        switch (damage)
        {
            case "flipped data byte": bytes[^100] ^= 0x40; break;
            case "flipped checksum": bytes[21] ^= 1; break;
            case "cut short": bytes = bytes[..^10]; break;
            case "zeroed": Array.Clear(bytes); break;
        }

        if (damage == "garbage head")
        {
            await File.WriteAllBytesAsync(head, [9, 9, 9]);
            var reopened = new DiskCachedObjectStore(counter, Options());
            var gets = counter.Gets;
            Assert.Equal(data, (await reopened.GetRangeAsync(path, 0, data.Length)).ToArray());
            Assert.Equal(gets + 2, counter.Gets); // a head it cannot read disowns the parts
            return;
        }

        await File.WriteAllBytesAsync(part, bytes);
        var before = counter.Gets;

        Assert.Equal(data, (await cache.GetRangeAsync(path, 0, data.Length)).ToArray());
        Assert.Equal(before + 1, counter.Gets);
        Assert.Equal(1, cache.Stats.CorruptParts);
        Assert.Equal(data, (await cache.GetRangeAsync(path, 0, data.Length)).ToArray());
        Assert.Equal(before + 1, counter.Gets); // the part was written again, whole
    }

    [Fact]
    public async Task An_object_deleted_behind_the_caches_back_is_not_served_after_its_next_head()
    {
        var cache = new DiskCachedObjectStore(CreateStore(), Options());
        var path = SstPath();
        await cache.Inner.PutAsync(path, Bytes(PartSize, 7));
        await cache.GetRangeAsync(path, 0, 10);

        await cache.Inner.DeleteAsync(path);

        Assert.Null(await cache.HeadAsync(path));
        Assert.Empty(CacheFiles());
        await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await cache.GetRangeAsync(path, 0, 10));
        // A restarted cache has no memory of the object: its first read asks the store.
        var restarted = new DiskCachedObjectStore(cache.Inner, Options());
        await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await restarted.GetRangeAsync(path, 0, 10));
    }

    [Fact]
    public async Task A_replaced_object_is_read_anew_after_its_next_head()
    {
        var cache = new DiskCachedObjectStore(CreateStore(), Options());
        var path = SstPath();
        var (before, after) = (Bytes(2 * PartSize, 8), Bytes((2 * PartSize) + 5, 9));
        await cache.Inner.PutAsync(path, before);
        Assert.Equal(before, (await cache.GetRangeAsync(path, 0, before.Length)).ToArray());

        await cache.Inner.PutAsync(path, after);

        Assert.Equal(after.Length, (await cache.HeadAsync(path))!.Value.Size);
        Assert.Equal(after, (await cache.GetRangeAsync(path, 0, after.Length)).ToArray());
        var restarted = new DiskCachedObjectStore(cache.Inner, Options());
        Assert.Equal(after, (await restarted.GetRangeAsync(path, 0, after.Length)).ToArray());
    }

    [Fact]
    public async Task Deletes_and_writes_through_the_cache_drop_the_cached_parts()
    {
        var cache = new DiskCachedObjectStore(CreateStore(), Options());
        var path = SstPath();
        await cache.PutAsync(path, Bytes(PartSize, 10));
        await cache.GetRangeAsync(path, 0, PartSize);
        Assert.NotEmpty(CacheFiles());

        await cache.PutAsync(path, Bytes(PartSize, 11));
        Assert.Empty(CacheFiles());
        Assert.Equal(Bytes(PartSize, 11), (await cache.GetRangeAsync(path, 0, PartSize)).ToArray());

        await using (var writer = await cache.OpenWriterAsync(path))
        {
            await writer.WriteAsync(Bytes(PartSize, 12));
            await writer.CompleteAsync();
        }

        Assert.Equal(Bytes(PartSize, 12), (await cache.GetRangeAsync(path, 0, PartSize)).ToArray());
        await cache.DeleteAsync(path);
        Assert.Empty(CacheFiles());
    }

    [Fact]
    public async Task With_cache_puts_what_this_process_writes_is_read_without_a_request()
    {
        var counter = new CountingStore(CreateStore());
        var cache = new DiskCachedObjectStore(counter, Options(cachePuts: true));
        var (put, streamed) = (SstPath(), SstPath());
        var (putData, streamedData) = (Bytes((2 * PartSize) + 3, 13), Bytes((3 * PartSize) + 100, 14));
        await cache.PutAsync(put, putData);
        await using (var writer = await cache.OpenWriterAsync(streamed))
        {
            for (var i = 0; i < streamedData.Length; i += 1000)
            {
                await writer.WriteAsync(streamedData.AsMemory(i, Math.Min(1000, streamedData.Length - i)));
            }

            await writer.CompleteAsync();
        }

        var requests = (counter.Heads, counter.Gets);
        Assert.Equal(putData, (await cache.GetRangeAsync(put, 0, putData.Length)).ToArray());
        Assert.Equal(streamedData, (await cache.GetRangeAsync(streamed, 0, streamedData.Length)).ToArray());

        Assert.Equal(requests, (counter.Heads, counter.Gets));
        Assert.Equal(7, cache.Stats.PartHits);
    }

    [Fact]
    public async Task With_cache_puts_an_abandoned_streamed_write_leaves_nothing_in_the_cache()
    {
        var cache = new DiskCachedObjectStore(CreateStore(), Options(cachePuts: true));
        var path = SstPath();
        await using (var writer = await cache.OpenWriterAsync(path))
        {
            await writer.WriteAsync(Bytes(3 * PartSize, 16)); // three full parts, cached as they fill
        }

        Assert.Empty(CacheFiles());
        Assert.Null(await cache.HeadAsync(path));
        await using (var writer = await cache.OpenWriterAsync(path))
        {
            await writer.WriteAsync(Bytes(2 * PartSize, 17));
            await writer.AbortAsync();
        }

        Assert.Empty(CacheFiles());
    }

    [Fact]
    public async Task Objects_other_than_compacted_ssts_pass_through()
    {
        var counter = new CountingStore(CreateStore());
        var cache = new DiskCachedObjectStore(counter, Options());
        foreach (var path in new[] { "db/wal/00000000000000000001.sst", "db/manifest/00000000000000000001.manifest", "db/compacted/not-a-ulid.sst" })
        {
            await counter.PutAsync(path, Bytes(100, 15));
            await cache.GetRangeAsync(path, 0, 100);
            await cache.GetRangeAsync(path, 0, 100);
        }

        Assert.Equal(6, counter.Gets);
        Assert.Empty(CacheFiles());
        Assert.False(DiskCachedObjectStore.IsCached("db/wal/00000000000000000001.sst"));
        Assert.True(DiskCachedObjectStore.IsCached(SstPath()));
    }

    [Fact]
    public async Task Preload_fills_the_cache_up_to_nine_tenths_of_its_budget()
    {
        var cache = new DiskCachedObjectStore(CreateStore(), Options(budget: 20 * PartFileBytes));
        var paths = Enumerable.Range(0, 5).Select(_ => SstPath()).ToList();
        foreach (var path in paths)
        {
            await cache.Inner.PutAsync(path, Bytes(6 * PartSize, path.Length));
        }

        var loaded = await cache.PreloadAsync(paths.Append(SstPath()));

        Assert.Equal(3 * 6 * PartSize, loaded); // 18 parts fit under 90% of 20; a fourth object would not
        Assert.Equal(18, CacheFiles().Count(f => Path.GetFileName(f).StartsWith("sf-part-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_database_preloads_its_ssts_and_reads_them_from_disk_after_a_restart()
    {
        var counter = new CountingStore(CreateStore());
        var options = new DbOptions
        {
            ObjectStoreCache = Options(),
            L0SstSizeBytes = 32 * 1024,
            GarbageCollector = null,
            Compactor = new() { Enabled = false },
        };
        static byte[] Key(int i) => System.Text.Encoding.UTF8.GetBytes($"key{i:d5}");
        static byte[] Value(int i) => System.Text.Encoding.UTF8.GetBytes($"value-{i}-{new string('v', 30)}");
        await using (var db = await DbHandle.OpenAsync("db", counter, options))
        {
            for (var i = 0; i < 1500; i++)
            {
                await db.PutAsync(Key(i), Value(i), writeOptions: WriteOptions.NoWait);
            }

            await db.FlushAsync(FlushType.MemTable);
        }

        async Task ReadEveryRow(DbHandle db)
        {
            for (var i = 0; i < 1500; i++)
            {
                Assert.Equal(Value(i), await db.GetAsync(Key(i)));
            }
        }

        // Opened with a preload: the L0 SSTs are fetched in the background, and reads then hit.
        int sstGets;
        await using (var db = await DbHandle.OpenAsync("db", counter, options with { ObjectStoreCache = Options() with { PreloadDiskCacheOnStartup = PreloadLevel.L0Sst } }))
        {
            await db.DiskCachePreload;
            sstGets = counter.SstGets;
            Assert.True(sstGets > 0);
            await ReadEveryRow(db);
            Assert.Equal(sstGets, counter.SstGets);
            Assert.Equal(db.DiskCacheStats!.Value.PartAccesses, db.DiskCacheStats!.Value.PartHits);
        }

        // Restarted without a preload, the SSTs' parts are still on disk: no SST byte is fetched again.
        await using (var db = await DbHandle.OpenAsync("db", counter, options))
        {
            await ReadEveryRow(db);
            Assert.Equal(sstGets, counter.SstGets);
            Assert.True(db.DiskCacheStats!.Value.PartHits > 0);
        }

        await using (var reader = await DbReader.OpenAsync("db", counter, new DbReaderOptions { ObjectStoreCache = Options() }))
        {
            Assert.Equal(Value(7), await reader.GetAsync(Key(7)));
            Assert.Equal(sstGets, counter.SstGets);
            Assert.Equal(reader.DiskCacheStats!.Value.PartAccesses, reader.DiskCacheStats!.Value.PartHits);
        }
    }

    /// <summary>Counts the reads that reach the store.</summary>
    private sealed class CountingStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        private int _heads;
        private int _gets;
        private int _sstGets;

        public int Heads => Volatile.Read(ref _heads);

        public int Gets => Volatile.Read(ref _gets);

        /// <summary>Reads of compacted SSTs, the objects the disk cache keeps.</summary>
        public int SstGets => Volatile.Read(ref _sstGets);

        /// <summary>Reads wait for it before they reach the store.</summary>
        public Task Gate { get; init; } = Task.CompletedTask;

        protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (operation == "head")
            {
                Interlocked.Increment(ref _heads);
            }
            else if (operation is "get" or "get-range")
            {
                Interlocked.Increment(ref _gets);
                if (DiskCachedObjectStore.IsCached(path))
                {
                    Interlocked.Increment(ref _sstGets);
                }

                await Gate;
            }

            return await call(cancellationToken);
        }
    }
}

public sealed class DiskCacheOnLocalStoreTests(ITestOutputHelper output) : DiskCacheContract(output), IDisposable
{
    private readonly TempFolder _root = new("diskcache-store");

    protected override IObjectStore CreateStore() => new LocalObjectStore(Path.Combine(_root.Path, Guid.NewGuid().ToString("N")));

    void IDisposable.Dispose()
    {
        Dispose();
        _root.Dispose();
    }
}

[Collection(S3ServerCollection.Name)]
public sealed class DiskCacheOnS3Tests(S3Server s3, ITestOutputHelper output) : DiskCacheContract(output)
{
    protected override IObjectStore CreateStore() => s3.CreateStore($"diskcache-{Guid.NewGuid():N}");
}
