using SlateFast.Cli;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.GarbageCollection;
using SlateFast.Tests.Support;
using static SlateFast.Tests.GarbageCollection.GcTestKit;

namespace SlateFast.Tests.Checkpoints;

public sealed class CheckpointTests
{
    private readonly ManualClock _clock = new(Start);
    private readonly InMemoryObjectStore _store;

    public CheckpointTests() => _store = new InMemoryObjectStore(_clock);

    private DbOptions Options => new() { TimeProvider = _clock, GarbageCollector = null };

    [Fact]
    public async Task A_checkpoint_of_scope_all_holds_every_write_before_it_and_none_after()
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options);
        await db.PutAsync(B("a"), B("1"), writeOptions: WriteOptions.NoWait);
        await db.PutAsync(B("b"), B("2"), writeOptions: WriteOptions.NoWait);
        var created = await db.CreateCheckpointAsync(CheckpointScope.All, new CheckpointOptions { Name = "nightly" });
        await db.PutAsync(B("a"), B("changed"));
        await db.DeleteAsync(B("b"));

        var (latestId, latest) = (await new ManifestStore(_store, "db").LoadLatestAsync())!.Value;
        var listed = (await db.ListCheckpointsAsync()).Single();
        Assert.Equal((created.Id, created.ManifestId, "nightly", (DateTimeOffset?)null), (listed.Id, listed.ManifestId, listed.Name, listed.ExpireTime));
        Assert.True(created.ManifestId <= latestId);
        Assert.Contains(latest.Checkpoints, c => c.ManifestId == created.ManifestId);

        await using var reader = await DbReader.OpenAsync("db", _store, new DbReaderOptions { CheckpointId = created.Id, TimeProvider = _clock });
        Assert.Equal(["a=1", "b=2"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
        Assert.Equal("1"u8.ToArray(), await reader.GetAsync(B("a")));
        Assert.Equal(DbReaderMode.FixedCheckpoint, reader.Mode);
    }

    [Fact]
    public async Task A_durable_checkpoint_holds_durable_wal_rows_that_are_not_yet_in_l0()
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options);
        await db.PutAsync(B("a"), B("1"));
        await db.FlushAsync(FlushType.MemTable);
        await db.PutAsync(B("b"), B("2"));
        var created = await db.CreateCheckpointAsync(CheckpointScope.Durable);
        await db.PutAsync(B("c"), B("3"));

        await using var reader = await DbReader.OpenAsync("db", _store, new DbReaderOptions { CheckpointId = created.Id, TimeProvider = _clock });
        Assert.Equal(["a=1", "b=2"], await ScanAsync(reader.ScanAsync(KeyRange.All)));
    }

    [Fact]
    public async Task Admin_checkpoints_refresh_copy_and_delete_without_fencing_the_writer()
    {
        await using var db = await DbHandle.OpenAsync("db", _store, Options);
        await db.PutAsync(B("a"), B("1"));
        await db.FlushAsync(FlushType.MemTable);
        var admin = new DbAdmin("db", _store, _clock);

        var first = await admin.CreateCheckpointAsync(new CheckpointOptions { Lifetime = TimeSpan.FromHours(1) });
        var copy = await admin.CreateCheckpointAsync(new CheckpointOptions { Source = first.Id, Name = "copy" });
        Assert.Equal(first.ManifestId, copy.ManifestId);
        Assert.InRange((await admin.ListCheckpointsAsync()).Single(c => c.Id == first.Id).ExpireTime!.Value, Start.AddHours(1), Start.AddHours(1).AddSeconds(2));

        _clock.Advance(TimeSpan.FromMinutes(30));
        var refreshed = await admin.RefreshCheckpointAsync(first.Id, TimeSpan.FromHours(2));
        Assert.InRange(refreshed.ExpireTime!.Value, Start.AddMinutes(150), Start.AddMinutes(150).AddSeconds(2));
        Assert.Null((await admin.RefreshCheckpointAsync(copy.Id, null)).ExpireTime);

        var missing = await Assert.ThrowsAsync<SlateFastException>(() => admin.CreateCheckpointAsync(new CheckpointOptions { Source = Guid.NewGuid() }));
        Assert.Equal(ErrorKind.Invalid, missing.Kind);
        Assert.True(await admin.DeleteCheckpointAsync(first.Id));
        Assert.False(await admin.DeleteCheckpointAsync(first.Id));

        // The writer re-applies its own updates on top of the admin's versions and keeps going.
        await db.PutAsync(B("b"), B("2"));
        await db.FlushAsync(FlushType.MemTable);
        Assert.Equal(CloseReason.None, db.CloseReason);
        Assert.Equal(["copy"], (await db.ListCheckpointsAsync()).Select(c => c.Name));
    }

    [Fact]
    public void Checkpoint_ids_keep_their_text_form_between_guid_and_the_manifest_uuid()
    {
        var uuid = Uuid.Parse("01234567-89ab-4cde-8f01-23456789abcd");
        var guid = SlateFast.Db.Checkpoints.CheckpointIds.ToGuid(uuid);
        Assert.Equal(uuid.ToString(), guid.ToString("D"));
        Assert.Equal(uuid, SlateFast.Db.Checkpoints.CheckpointIds.FromGuid(guid));
    }

    [Fact]
    public async Task Read_only_handles_cannot_create_checkpoints()
    {
        await using (var db = await DbHandle.OpenAsync("db", _store, Options))
        {
            await db.PutAsync(B("a"), B("1"));
        }

        await using var readOnly = await DbHandle.OpenReadOnlyAsync("db", _store);
        var e = await Assert.ThrowsAsync<SlateFastException>(() => readOnly.CreateCheckpointAsync());
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public async Task Cli_checkpoint_create_list_delete_and_gc_dry_run()
    {
        using var folder = new TempFolder("cli-checkpoint");
        await using (var db = await DbHandle.OpenAsync("db", new LocalObjectStore(folder.Path), new DbOptions { GarbageCollector = null }))
        {
            await db.PutAsync(B("a"), B("1"));
            await db.FlushAsync(FlushType.MemTable);
        }

        var (exit, created, _) = await SlateFastCli.RunAsync(folder.Path, "checkpoint", "create", "db", "--lifetime", "1h", "--name", "n1");
        Assert.Equal(0, exit);
        var id = created.Split(' ')[0];
        Assert.True(Guid.TryParse(id, out _), created);
        var (_, listed, _) = await SlateFastCli.RunAsync(folder.Path, "checkpoint", "list", "db");
        Assert.Contains(id, listed, StringComparison.Ordinal);
        Assert.Contains("name n1", listed, StringComparison.Ordinal);

        var (cloneExit, cloned, _) = await SlateFastCli.RunAsync(folder.Path, "clone", "db", "copy");
        var (_, again, _) = await SlateFastCli.RunAsync(folder.Path, "clone", "db", "copy");
        Assert.Equal(0, cloneExit);
        Assert.Contains("cloned db into copy", cloned, StringComparison.Ordinal);
        Assert.Contains("copy is already a clone of db; nothing to do", again, StringComparison.Ordinal);

        var (gcExit, dry, _) = await SlateFastCli.RunAsync(folder.Path, "gc", "db", "--dry-run", "--min-age", "0s");
        Assert.Equal(0, gcExit);
        Assert.Contains("would delete db/manifest/", dry, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder.Path, "db", "manifest", "00000000000000000001.manifest")));
        var (_, real, _) = await SlateFastCli.RunAsync(folder.Path, "gc", "db", "--min-age", "0s");
        Assert.Contains("deleted db/manifest/00000000000000000001.manifest", real, StringComparison.Ordinal);

        Assert.Equal(0, (await SlateFastCli.RunAsync(folder.Path, "checkpoint", "delete", "db", id)).Exit);
        Assert.Equal(1, (await SlateFastCli.RunAsync(folder.Path, "checkpoint", "delete", "db", id)).Exit);
        Assert.Equal(2, (await SlateFastCli.RunAsync(folder.Path, "checkpoint", "delete", "db", "not-a-uuid")).Exit);
    }
}
