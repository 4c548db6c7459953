using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Recovery;
using SlateFast.Wal;
using SlateFast.Format.Rows;

namespace SlateFast.Tests.Recovery;

/// <summary>
/// Opening without a database around it (spec §10.1): the epoch claim, the fence at the next WAL
/// id, the replay up to it, and what a newer writer does to an open in progress.
/// </summary>
public sealed class DbRecoveryTests
{
    private static readonly DbOptions Options = new();

    [Fact]
    public async Task A_first_open_creates_the_manifest_claims_epoch_one_and_fences_at_WAL_one()
    {
        var store = new InMemoryObjectStore();

        var recovered = await OpenWriterAsync(store);

        Assert.Equal((1UL, 1UL), (recovered.Manifest.WriterEpoch, recovered.FenceWalId));
        Assert.NotNull(await store.HeadAsync(DbPaths.WalSstPath("db", 1)));
        Assert.Equal(0L, recovered.Replayed.Rows);
        Assert.NotEqual(FormatLevel.Detect, recovered.Options.FormatLevel);
        Release(recovered);
    }

    [Fact]
    public async Task A_reopen_claims_the_next_epoch_replays_the_WAL_after_the_old_fence_and_fences_after_it()
    {
        var store = new InMemoryObjectStore();
        Release(await OpenWriterAsync(store));
        await WriteWalAsync(store, 2, ("a", 1), ("b", 2));
        await WriteWalAsync(store, 3, ("c", 3));

        var recovered = await OpenWriterAsync(store);

        Assert.Equal((2UL, 4UL), (recovered.Manifest.WriterEpoch, recovered.FenceWalId));
        Assert.Equal((3L, 3UL), (recovered.Replayed.Rows, recovered.MaxSeq));
        Assert.Null(recovered.WalCutBefore);
        Release(recovered);
    }

    [Fact]
    public async Task A_fence_id_taken_meanwhile_moves_the_fence_to_the_next_id()
    {
        var store = new InMemoryObjectStore();
        Release(await OpenWriterAsync(store));
        var racing = new BeforeFirstWalCreate(store, async inner => await inner.PutAsync(DbPaths.WalSstPath("db", 2), ReadOnlyMemory<byte>.Empty));

        var recovered = await OpenWriterAsync(racing);

        Assert.Equal(3UL, recovered.FenceWalId);
        Release(recovered);
    }

    [Fact]
    public async Task A_newer_writer_that_claimed_its_epoch_meanwhile_fences_the_open()
    {
        var store = new InMemoryObjectStore();
        Release(await OpenWriterAsync(store));

        // While this open fences, another writer claims the next epoch and takes the fence id.
        var racing = new BeforeFirstWalCreate(store, async inner =>
        {
            var manifests = new ManifestStore(inner, "db");
            var latest = (await manifests.LoadLatestAsync())!.Value;
            await manifests.UpdateAsync(latest, (_, s) => s with { WriterEpoch = s.WriterEpoch + 1 }, reconcile: null, TimeProvider.System, TimeSpan.FromSeconds(30), CancellationToken.None);
            await inner.PutAsync(DbPaths.WalSstPath("db", 2), ReadOnlyMemory<byte>.Empty);
        });

        var e = await Assert.ThrowsAsync<SlateFastException>(() => OpenWriterAsync(racing));

        Assert.Equal((ErrorKind.Closed, CloseReason.Fenced), (e.Kind, e.CloseReason));
    }

    [Fact]
    public async Task A_read_only_open_replays_what_follows_the_manifest_and_writes_nothing()
    {
        var store = new InMemoryObjectStore();
        Release(await OpenWriterAsync(store));
        await WriteWalAsync(store, 2, ("a", 1));
        var before = await CountAsync(store);

        var recovered = await DbRecovery.OpenReadOnlyAsync(store, store, new ManifestStore(store, "db"), "db", Options, checkpoint: null, NewMemtable, NullLogger.Instance, CancellationToken.None);

        Assert.Equal((1L, 1UL, 1UL), (recovered.Replayed.Rows, recovered.MaxSeq, recovered.Manifest.WriterEpoch));
        Assert.Equal(before, await CountAsync(store));
        Release(recovered);
    }

    private static Task<Recovered> OpenWriterAsync(IObjectStore store) =>
        DbRecovery.OpenWriterAsync(store, store, new ManifestStore(store, "db"), "db", Options, NewMemtable, NullLogger.Instance, CancellationToken.None);

    private static SlateFast.Memtables.Memtable NewMemtable(long need) => new(Math.Max(1L << 20, need * 2));

    private static async Task WriteWalAsync(IObjectStore store, ulong id, params (string Key, ulong Seq)[] rows)
    {
        using var wal = new WalBuffer(CompressionCodec.None, 4096);
        foreach (var (key, seq) in rows)
        {
            wal.Append(new RowEntry(Encoding.ASCII.GetBytes(key), "v"u8, seq, RowKind.Value));
        }

        await store.PutAsync(DbPaths.WalSstPath("db", id), wal.Finish().ToArray());
    }

    private static async Task<int> CountAsync(IObjectStore store)
    {
        var count = 0;
        await foreach (var _ in store.ListAsync("db/"))
        {
            count++;
        }

        return count;
    }

    private static void Release(Recovered recovered)
    {
        foreach (var memtable in recovered.Replayed.NewestFirst)
        {
            memtable.Release();
        }
    }

    // Runs `race` on the inner store once, just before the first create-only WAL write.
    private sealed class BeforeFirstWalCreate(IObjectStore inner, Func<IObjectStore, Task> race) : ObjectStoreDecorator(inner)
    {
        private int _raced;

        protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (operation == "put-if-absent" && path.Contains("/wal/", StringComparison.Ordinal) && Interlocked.Exchange(ref _raced, 1) == 0)
            {
                await race(Inner);
            }

            return await call(cancellationToken);
        }
    }
}
