using System.Collections.Concurrent;
using SlateFast.ObjectStore;
using static SlateFast.Tests.Reliability.ReliabilityKit;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// Another process's manifest lands between the writer reading the newest manifest and writing the
/// next one: the writer re-reads and re-applies its change on top (a checkpoint from an admin), or
/// stops as fenced (a newer writer); it never overwrites a manifest version.
/// </summary>
public sealed class ManifestRaceTests
{
    // Runs a hook just before the first manifest write after arming, and records every manifest write.
    private sealed class RacingStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        public Func<Task>? Before { get; set; }

        public ConcurrentQueue<(string Operation, string Path, bool Stored)> ManifestWrites { get; } = new();

        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
            call(cancellationToken);

        public override async ValueTask<PutResult> PutIfAbsentAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            if (path.Contains("/manifest/", StringComparison.Ordinal) && Interlocked.Exchange(ref _before, null) is { } hook)
            {
                await hook();
            }

            var result = await Inner.PutIfAbsentAsync(path, data, cancellationToken);
            if (path.Contains("/manifest/", StringComparison.Ordinal))
            {
                ManifestWrites.Enqueue(("put-if-absent", path, result.Stored));
            }

            return result;
        }

        public override ValueTask<ObjectMeta> PutAsync(string path, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
        {
            if (path.Contains("/manifest/", StringComparison.Ordinal))
            {
                ManifestWrites.Enqueue(("put", path, true));
            }

            return Inner.PutAsync(path, data, cancellationToken);
        }

        public void Arm(Func<Task> hook) => Volatile.Write(ref _before, hook);

        private Func<Task>? _before;
    }

    private static void AssertNothingOverwritten(RacingStore store)
    {
        Assert.DoesNotContain(store.ManifestWrites, w => w.Operation == "put");
        var stored = store.ManifestWrites.Where(w => w.Stored).Select(w => w.Path).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
    }

    [Fact]
    public async Task A_checkpoint_written_by_an_admin_between_read_and_write_is_kept_and_the_flush_lands_on_top()
    {
        var objects = new InMemoryObjectStore();
        var store = new RacingStore(objects);
        await using var db = await DbHandle.OpenAsync("db", Retrying(store, 1), Options(1));
        await db.PutAsync(B("key"), B("value"));
        Guid? checkpoint = null;
        store.Arm(async () => checkpoint = (await new DbAdmin("db", objects).CreateCheckpointAsync()).Id);

        await db.FlushAsync(FlushType.MemTable);

        Assert.NotNull(checkpoint);
        Assert.Contains(store.ManifestWrites, w => !w.Stored);
        var checkpoints = await new DbAdmin("db", objects).ListCheckpointsAsync();
        Assert.Contains(checkpoints, c => c.Id == checkpoint);
        Assert.Equal(1, db.L0Count);
        AssertNothingOverwritten(store);
        await using var reader = await DbReader.OpenAsync("db", objects, new DbReaderOptions { SkipWalReplay = true });
        Assert.Equal("value", S(await reader.GetAsync(B("key"))));
    }

    [Fact]
    public async Task A_newer_writer_claiming_the_epoch_between_read_and_write_fences_the_old_one_without_losing_its_manifest()
    {
        var objects = new InMemoryObjectStore();
        var store = new RacingStore(objects);
        var db = await DbHandle.OpenAsync("db", Retrying(store, 1), Options(1));
        await db.PutAsync(B("acked"), B("1"));
        DbHandle? newer = null;
        store.Arm(async () => newer = await DbHandle.OpenAsync("db", objects, Options(2)));

        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => db.FlushAsync(FlushType.MemTable));

        Assert.Equal((ErrorKind.Closed, CloseReason.Fenced), (e.Kind, e.CloseReason));
        AssertNothingOverwritten(store);
        await using (newer!)
        {
            Assert.True(newer!.WriterEpoch > db.WriterEpoch);
            Assert.Equal("1", S(await newer.GetAsync(B("acked"))));
            await newer.PutAsync(B("after"), B("2"));
        }

        await db.DisposeAsync();
        await using var last = await DbHandle.OpenAsync("db", objects, Options(3));
        Assert.Equal("2", S(await last.GetAsync(B("after"))));
    }
}
