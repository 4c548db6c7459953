using System.Text;
using SlateFast.Compacting;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Compacting;

public sealed class CompactorProtocolTests
{
    private static readonly DbOptions s_writer = TestOptions.ManualTree with { Seed = 3 };

    internal static async Task WriteL0sAsync(IObjectStore store, int count, string prefix = "k")
    {
        await using var db = await DbHandle.OpenAsync("db", store, s_writer);
        for (var i = 0; i < count; i++)
        {
            await db.PutAsync(B($"{prefix}{i:d3}"), B($"v{i}"));
            await db.DeleteAsync(B($"{prefix}{i:d3}-gone"));
            await db.FlushAsync(FlushType.MemTable);
        }
    }

    private static async Task<(ulong Id, CompactionsState State)> LatestCompactions(IObjectStore store) =>
        (await new CompactionsStore(store, "db").LoadLatestAsync(CancellationToken.None))!.Value;

    private static async Task<(ulong Id, ManifestState State)> LatestManifest(IObjectStore store) =>
        (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;

    [Fact]
    public async Task Opening_a_compactor_claims_the_next_epoch_in_the_manifest_and_the_compactions_file()
    {
        var store = new InMemoryObjectStore();
        await WriteL0sAsync(store, 1);

        await using var compactor = await Compactor.OpenAsync(store, "db", s_writer);

        Assert.Equal(1ul, compactor.Epoch);
        Assert.Equal(1ul, (await LatestManifest(store)).State.CompactorEpoch);
        var (id, compactions) = await LatestCompactions(store);
        Assert.Equal(2ul, id);
        Assert.Equal(1ul, compactions.CompactorEpoch);
        Assert.Equal(0ul, (await new CompactionsStore(store, "db").TryLoadAsync(1, CancellationToken.None))!.CompactorEpoch);
    }

    [Fact]
    public async Task A_committed_compaction_pins_the_pre_compaction_manifest_and_records_completion()
    {
        var store = new InMemoryObjectStore();
        await WriteL0sAsync(store, 4);
        await using var compactor = await Compactor.OpenAsync(store, "db", s_writer);
        var before = (await LatestManifest(store)).State.L0.Select(v => v.Sst.Id).ToHashSet();

        Assert.Equal(1, await compactor.RunPassAsync());

        var (id, manifest) = await LatestManifest(store);
        Assert.Empty(manifest.L0);
        var run = Assert.Single(manifest.Compacted);
        Assert.Equal(0u, run.Id);
        Assert.Contains(manifest.LastCompactedL0SstId!.Value, before);
        var checkpoint = Assert.Single(manifest.Checkpoints);
        Assert.Equal(id - 1, checkpoint.ManifestId);
        Assert.Equal(15 * 60u, checkpoint.ExpireTimeSeconds - checkpoint.CreateTimeSeconds);
        var pinned = await new ManifestStore(store, "db").LoadAsync(checkpoint.ManifestId);
        Assert.Equal(4, pinned.L0.Length);

        var done = Assert.Single((await LatestCompactions(store)).State.Recent);
        Assert.Equal(CompactionStatus.Completed, done.Status);
        Assert.Equal(4, done.Spec.L0ViewIds.Length);
        Assert.Equal(run.Ssts.Select(s => s.Sst.Id), done.OutputSsts.Select(s => s.Id));
    }

    [Fact]
    public async Task Of_two_compactors_the_older_is_fenced_and_commits_nothing()
    {
        var store = new InMemoryObjectStore();
        await WriteL0sAsync(store, 4);
        await using var older = await Compactor.OpenAsync(store, "db", s_writer);
        await using var newer = await Compactor.OpenAsync(store, "db", s_writer);
        var (manifestId, _) = await LatestManifest(store);

        var e = await Assert.ThrowsAsync<SlateFastException>(() => older.RunPassAsync());
        Assert.Equal(CloseReason.Fenced, e.CloseReason);
        Assert.True(older.IsFenced);
        Assert.Equal(manifestId, (await LatestManifest(store)).Id);

        Assert.Equal(1, await newer.RunPassAsync());
        Assert.Equal(2ul, (await LatestManifest(store)).State.CompactorEpoch);
        Assert.Equal(2ul, (await LatestCompactions(store)).State.CompactorEpoch);
    }

    [Fact]
    public async Task A_compactor_fenced_while_compacting_does_not_commit_its_result()
    {
        var inner = new InMemoryObjectStore();
        await WriteL0sAsync(inner, 4);
        var store = new PausingStore(inner, "/compacted/");
        await using var older = await Compactor.OpenAsync(store, "db", s_writer);
        store.Arm();
        var pass = older.RunPassAsync();
        await store.Paused;

        await using var newer = await Compactor.OpenAsync(inner, "db", s_writer);
        store.Resume();

        var e = await Assert.ThrowsAsync<SlateFastException>(() => pass);
        Assert.Equal(CloseReason.Fenced, e.CloseReason);
        var manifest = (await LatestManifest(inner)).State;
        Assert.Equal(4, manifest.L0.Length);
        Assert.Empty(manifest.Compacted);
        Assert.Empty(manifest.Checkpoints);
        Assert.Equal(1, await newer.RunPassAsync());
    }

    [Fact]
    public async Task The_writer_keeps_flushing_while_the_compactor_commits_and_both_changes_survive()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, s_writer);
        for (var i = 0; i < 4; i++)
        {
            await db.PutAsync(B($"a{i}"), B("x"));
            await db.FlushAsync(FlushType.MemTable);
        }

        await using var compactor = await Compactor.OpenAsync(store, "db", s_writer);
        var pass = compactor.RunPassAsync();
        for (var i = 0; i < 3; i++)
        {
            await db.PutAsync(B($"b{i}"), B("y"));
            await db.FlushAsync(FlushType.MemTable);
        }

        await pass;
        await db.PutAsync(B("c"), B("z"));
        await db.FlushAsync(FlushType.MemTable);

        var manifest = (await LatestManifest(store)).State;
        Assert.Equal(4, manifest.L0.Length);
        Assert.Single(manifest.Compacted);
        Assert.Equal(8, (await CompactionDbTests.ScanAll(db)).Count);
    }

    /// <summary>Holds the first put under a path part after <see cref="Arm"/> until <see cref="Resume"/>.</summary>
    private sealed class PausingStore(IObjectStore inner, string part) : ObjectStoreDecorator(inner)
    {
        private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _armed;

        public Task Paused => _paused.Task;

        public void Arm() => Volatile.Write(ref _armed, 1);

        public void Resume() => _resume.TrySetResult();

        protected override async ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken)
        {
            if (operation is "open-writer" or "put-if-absent" && path.Contains(part, StringComparison.Ordinal) && Interlocked.Exchange(ref _armed, 0) == 1)
            {
                _paused.TrySetResult();
                await _resume.Task.WaitAsync(cancellationToken);
            }

            return await call(cancellationToken);
        }
    }
}
