using System.Text;
using SlateFast.Cache;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Sst;

namespace SlateFast.Tests.Cache;

public sealed class SstTableCacheTests
{
    private readonly InMemoryObjectStore _store = new();
    private readonly Dictionary<Ulid, int> _opens = [];

    private static Ulid Id(int n) => new(0, (ulong)n);

    private static string PathOf(Ulid id) => $"sst/{id.Low}.sst";

    // Equal-sized SSTs, so budgets can be stated in "how many fit".
    private async Task<long> WriteSsts(int count)
    {
        for (var n = 1; n <= count; n++)
        {
            await using var writer = await SstWriter.CreateAsync(_store, PathOf(Id(n)), new SstWriterOptions { MinFilterKeys = 1 });
            for (var k = 0; k < 200; k++)
            {
                await writer.PutAsync(Encoding.UTF8.GetBytes($"key-{k:D5}"), new byte[40]);
            }

            await writer.CloseAsync();
        }

        return (await SstFile.OpenAsync(_store, PathOf(Id(1)))).MetadataBytes;
    }

    private ValueTask<SstFile> Get(SstTableCache cache, int n) =>
        cache.GetOrOpenAsync(
            Id(n),
            (id, self) =>
            {
                lock (self._opens)
                {
                    self._opens[id] = self._opens.GetValueOrDefault(id) + 1;
                }

                return SstFile.OpenAsync(self._store, PathOf(id)).AsTask();
            },
            this,
            CancellationToken.None);

    private int Opens(int n) => _opens.GetValueOrDefault(Id(n));

    [Fact]
    public async Task An_opened_sst_is_charged_its_index_and_filter_and_served_again_without_reopening()
    {
        var each = await WriteSsts(1);
        var cache = new SstTableCache(1L << 20);

        var first = await Get(cache, 1);
        var second = await Get(cache, 1);

        Assert.Same(first, second);
        Assert.Equal(1, Opens(1));
        Assert.Equal(each, cache.Bytes);
        Assert.True(first.Filter is not null, "the SST was written with a bloom filter");
        Assert.True(each > first.Index.BlockCount * 8, $"charge {each} should cover the index and filter");
    }

    [Fact]
    public async Task The_metadata_budget_bounds_what_stays_open()
    {
        var each = await WriteSsts(10);
        var cache = new SstTableCache((each * 3) + (each / 2));

        for (var n = 1; n <= 10; n++)
        {
            await Get(cache, n);
            Assert.True(cache.Bytes <= (each * 3) + (each / 2), $"after {n} SSTs the cache holds {cache.Bytes} bytes");
        }

        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public async Task An_sst_used_since_the_last_sweep_survives_the_next_eviction()
    {
        var each = await WriteSsts(4);
        var cache = new SstTableCache((each * 2) + (each / 2));
        await Get(cache, 1);
        await Get(cache, 2);
        await Get(cache, 3); // over budget: one sweep clears every bit and one SST leaves
        var resident = new[] { 1, 2, 3 }.Where(n => cache.TryGetOpened(Id(n)) is not null).ToArray();
        Assert.Equal(2, resident.Length);
        var (used, idle) = (resident[0], resident[1]);

        await Get(cache, used);
        await Get(cache, 4);

        Assert.NotNull(cache.TryGetOpened(Id(used)));
        Assert.Null(cache.TryGetOpened(Id(idle)));
        Assert.Equal(1, Opens(used));
    }

    [Fact]
    public async Task A_budget_of_zero_keeps_nothing_but_every_lookup_still_works()
    {
        await WriteSsts(1);
        var cache = new SstTableCache(0);

        var a = await Get(cache, 1);
        var b = await Get(cache, 1);

        Assert.NotSame(a, b);
        Assert.Equal(2, Opens(1));
        Assert.Equal(0, cache.Bytes);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task A_failed_open_is_forgotten_so_the_next_lookup_tries_again()
    {
        var cache = new SstTableCache(1L << 20);
        await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await Get(cache, 1));
        Assert.Equal(0, cache.Count);

        await WriteSsts(1);
        var file = await Get(cache, 1);

        Assert.NotNull(file.Filter);
        Assert.Equal(2, Opens(1));
    }

    [Fact]
    public async Task Concurrent_misses_of_one_sst_share_one_open()
    {
        await WriteSsts(1);
        var cache = new SstTableCache(1L << 20);

        var files = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => Task.Run(async () => await Get(cache, 1))));

        Assert.All(files, f => Assert.Same(files[0], f));
        Assert.Equal(1, Opens(1));
    }

    [Fact]
    public async Task Forgetting_an_sst_returns_its_charge()
    {
        await WriteSsts(2);
        var cache = new SstTableCache(1L << 20);
        await Get(cache, 1);
        var two = await Get(cache, 2);

        cache.Forget(Id(1));

        Assert.Equal(two.MetadataBytes, cache.Bytes);
        Assert.Null(cache.TryGetOpened(Id(1)));
    }
}
