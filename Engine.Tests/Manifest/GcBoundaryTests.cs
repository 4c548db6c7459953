using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Manifest;

/// <summary>
/// GC boundary files (SlateDB RFC-0026): the collector moves a namespace's boundary past the
/// versions it deletes, and a version created at or behind the boundary does not count.
/// </summary>
public sealed class GcBoundaryTests
{
    private readonly ManualClock _clock = new(Start);
    private readonly InMemoryObjectStore _store;

    public GcBoundaryTests() => _store = new InMemoryObjectStore(_clock);

    private DbOptions Options => new() { TimeProvider = _clock, GarbageCollector = null, Compactor = new() { Enabled = false } };

    [Fact]
    public async Task A_missing_boundary_reads_as_zero_and_advancing_writes_the_decimal_id_without_ever_moving_back()
    {
        var boundary = new GcBoundary(_store, "db", "manifest");
        Assert.Equal("db/gc/manifest.boundary", boundary.Path);
        Assert.Equal(0UL, await boundary.ReadAsync());

        await boundary.AdvanceAsync(12);
        Assert.Equal("12", Encoding.ASCII.GetString((await _store.GetAsync(boundary.Path))!.Data.Span));
        await boundary.AdvanceAsync(7);
        Assert.Equal(12UL, await boundary.ReadAsync());
        await boundary.AdvanceAsync(13);
        Assert.Equal(13UL, await boundary.ReadAsync());
    }

    [Fact]
    public async Task SlateDB_boundary_text_with_surrounding_whitespace_reads_and_garbage_is_Data()
    {
        var boundary = new GcBoundary(_store, "db", "compactions");
        await _store.PutAsync(boundary.Path, "  42\n"u8.ToArray());
        Assert.Equal(42UL, await boundary.ReadAsync());
        await _store.PutAsync(boundary.Path, "forty-two"u8.ToArray());
        var e = await Assert.ThrowsAsync<SlateFastException>(() => boundary.ReadAsync());
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains(boundary.Path, e.Message);
    }

    [Fact]
    public async Task Two_collectors_advancing_at_once_leave_the_higher_value()
    {
        var boundary = new GcBoundary(_store, "db", "manifest");
        await Task.WhenAll(Enumerable.Range(1, 20).Select(i => Task.Run(() => boundary.AdvanceAsync((ulong)i))));
        Assert.Equal(20UL, await boundary.ReadAsync());
    }

    [Fact]
    public async Task A_version_created_at_or_behind_the_boundary_is_not_a_successful_write()
    {
        var manifests = new ManifestStore(_store, "db");
        Assert.True(await manifests.TryWriteAsync(1, ManifestState.Initial));
        await manifests.Boundary.AdvanceAsync(2);

        // Version 2 was used and collected: creating it again succeeds at the store but must not count.
        Assert.False(await manifests.TryWriteAsync(2, ManifestState.Initial with { WriterEpoch = 9 }));
        Assert.True(await manifests.TryWriteAsync(3, ManifestState.Initial with { WriterEpoch = 9 }));
    }

    [Fact]
    public async Task A_stale_writer_whose_next_version_the_collector_deleted_is_fenced_instead_of_committing()
    {
        var store = new GatedManifestStore(_store);
        await using var stale = await DbHandle.OpenAsync("db", store, Options);
        await stale.PutAsync(B("a"), B("1"));

        // The stale writer computes its next manifest version, then stalls before creating it.
        store.HoldNextManifestWrite();
        var flush = stale.FlushAsync(FlushType.MemTable);
        var held = await store.HeldPath;

        // Meanwhile a new writer takes over, writes versions past it, and GC collects the old ones.
        await using (var fresh = await DbHandle.OpenAsync("db", _store, Options))
        {
            await fresh.PutAsync(B("b"), B("2"));
            await fresh.FlushAsync(FlushType.MemTable);
        }

        _clock.Advance(TimeSpan.FromMinutes(10));
        await new DbAdmin("db", _store, _clock).CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.FromMinutes(1)));
        Assert.Null(await _store.HeadAsync(held));
        Assert.True(await new ManifestStore(_store, "db").Boundary.ReadAsync() >= ulong.Parse(Path.GetFileNameWithoutExtension(held)));

        // The stale writer resumes: its create succeeds in the gap, but the boundary voids it.
        store.Release();
        var e = await Assert.ThrowsAsync<SlateFastException>(() => flush);
        Assert.Equal(ErrorKind.Closed, e.Kind);
        await using var reader = await DbReader.OpenAsync("db", _store);
        Assert.Equal(["a=1", "b=2"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
    }

    /// <summary>Holds the next manifest create until released, as a writer stalled between computing and writing its version.</summary>
    private sealed class GatedManifestStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        private TaskCompletionSource<string>? _held;
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<string> HeldPath => _held!.Task;

        public void HoldNextManifestWrite() => _held = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => _release.TrySetResult();

        protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (operation == "put-if-absent" && _held is { } held && path.Contains("/manifest/", StringComparison.Ordinal) && held.TrySetResult(path))
            {
                await _release.Task.WaitAsync(cancellationToken);
            }

            return await call(cancellationToken);
        }
    }
}
