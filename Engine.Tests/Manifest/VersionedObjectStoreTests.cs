using SlateFast.Manifest;
using SlateFast.ObjectStore;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Manifest;

/// <summary>
/// The versioned-object protocol's one subtle case: a create that landed but does not count,
/// because a newer version was listed right after it. The change is then applied again to the
/// newest version, which may already hold it, so every change must be idempotent.
/// </summary>
public sealed class VersionedObjectStoreTests
{
    private static readonly DbOptions s_options = new() { GarbageCollector = null, Compactor = new() { Enabled = false }, FlushInterval = TimeSpan.FromMilliseconds(5) };

    [Fact]
    public async Task A_flush_whose_landed_manifest_another_process_built_on_adds_its_L0_once()
    {
        var inner = new InMemoryObjectStore();
        var store = new BuildOnTopStore(inner);
        await using (var db = await DbHandle.OpenAsync("db", store, s_options))
        {
            await db.PutAsync(B("a"), B("1"));
            store.Armed = true;
            await db.FlushAsync(FlushType.MemTable);
            store.Armed = true;
            await db.CreateCheckpointAsync();
            Assert.Equal(2, store.Fired);
        }

        var (_, latest) = (await new ManifestStore(inner, "db").LoadLatestAsync())!.Value;
        Assert.Single(latest.L0);
        Assert.Single(latest.Checkpoints);
        await using var reader = await DbReader.OpenAsync("db", inner);
        Assert.Equal(["a=1"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
    }

    [Fact]
    public async Task A_listed_newest_version_collected_before_it_is_read_is_followed_to_the_newer_one()
    {
        var inner = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", inner, s_options))
        {
            await db.PutAsync(B("a"), B("1"));
            await db.FlushAsync(FlushType.MemTable);
        }

        var manifests = new ManifestStore(inner, "db");
        var listed = await manifests.LatestIdAsync();
        var racing = new CollectAfterListing(inner, manifests.PathOf(listed), manifests.PathOf(listed + 1));

        // Between the listing and the read, a newer version lands and the collector removes the
        // listed one: loading must not fail with "object not found".
        var (id, state) = (await new ManifestStore(racing, "db").LoadLatestAsync())!.Value;

        Assert.Equal(listed + 1, id);
        Assert.Single(state.L0);
        Assert.True(racing.Fired);
    }

    /// <summary>After the first listing, copies <c>listed</c> to <c>next</c> and deletes <c>listed</c>.</summary>
    private sealed class CollectAfterListing(IObjectStore inner, string listed, string next) : ObjectStoreDecorator(inner)
    {
        public bool Fired { get; private set; }

        public override async ValueTask<ListPage> ListPageAsync(string prefix, string? continuationToken = null, int pageSize = ListPage.MaxPageSize, CancellationToken cancellationToken = default)
        {
            var page = await Inner.ListPageAsync(prefix, continuationToken, pageSize, cancellationToken);
            if (!Fired && page.Objects.Any(o => o.Path == listed))
            {
                Fired = true;
                var bytes = (await Inner.GetAsync(listed, cancellationToken))!.Data;
                await Inner.PutIfAbsentAsync(next, bytes, cancellationToken);
                await Inner.DeleteAsync(listed, cancellationToken);
            }

            return page;
        }

        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
            call(cancellationToken);
    }

    /// <summary>
    /// Once armed, right after a manifest version lands, writes the next version on top of it (as
    /// a compactor that read it at once would, with a compactor-epoch change), so the writer's
    /// listing sees a newer version than the one it wrote.
    /// </summary>
    private sealed class BuildOnTopStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        public bool Armed { get; set; }

        public int Fired { get; private set; }

        protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            var result = await call(cancellationToken);
            if (Armed && operation == "put-if-absent" && result is PutResult { Stored: true }
                && DbPaths.TryParseManifestName(path, out var id))
            {
                Armed = false;
                var mine = ManifestCodec.Decode((await Inner.GetAsync(path, cancellationToken))!.Data.Span);
                var next = ManifestCodec.Encode(mine with { CompactorEpoch = mine.CompactorEpoch + 1 });
                if ((await Inner.PutIfAbsentAsync(DbPaths.ManifestPath("db", id + 1), next, cancellationToken)).Stored)
                {
                    Fired++;
                }
            }

            return result;
        }
    }
}
