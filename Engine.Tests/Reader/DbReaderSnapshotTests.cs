using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Reader;

/// <summary>
/// <see cref="DbReader.SnapshotAsync"/> (SlateDB #1383): a snapshot reads the same state however
/// the reader moves on, and its checkpoint keeps garbage collection away from the SSTs it reads
/// until it is disposed.
/// </summary>
public sealed class DbReaderSnapshotTests
{
    private static DbOptions WriterOptions => TestOptions.NoCollector();

    private static DbReaderOptions ReaderOptions => new() { ManifestPollInterval = TimeSpan.FromHours(1), CheckpointLifetime = TimeSpan.FromHours(2) };

    [Fact]
    public async Task A_snapshot_reads_the_state_it_was_taken_at_after_the_reader_moved_to_newer_WAL_and_SSTs()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, WriterOptions);
        await db.PutAsync(B("a"), B("1"));
        await using var reader = await DbReader.OpenAsync("db", store, ReaderOptions);
        await using var snapshot = await reader.SnapshotAsync();

        await db.PutAsync(B("a"), B("2"));
        await db.PutAsync(B("b"), B("2"));
        await reader.RefreshAsync();
        await db.FlushAsync(FlushType.MemTable);
        await db.DeleteAsync(B("a"));
        await reader.RefreshAsync();

        Assert.Null(await reader.GetAsync(B("a")));
        Assert.Equal(B("2"), await reader.GetAsync(B("b")));
        Assert.Equal(B("1"), await snapshot.GetAsync(B("a")));
        Assert.Null(await snapshot.GetAsync(B("b")));
        var rows = new List<string>();
        await foreach (var row in snapshot.ScanAsync(KeyRange.All))
        {
            rows.Add($"{System.Text.Encoding.UTF8.GetString(row.Key)}={System.Text.Encoding.UTF8.GetString(row.Value)}");
        }

        Assert.Equal(["a=1"], rows);
        Assert.True(snapshot.Seq < reader.LastSeq);
    }

    [Fact]
    public async Task Garbage_collection_keeps_the_SSTs_a_snapshot_reads_until_it_is_disposed_and_the_reader_then_drops_its_checkpoint()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, WriterOptions);
        for (var i = 0; i < 3; i++)
        {
            await db.PutAsync(B($"k{i}"), B("old"));
            await db.FlushAsync(FlushType.MemTable);
        }

        await using var reader = await DbReader.OpenAsync("db", store, ReaderOptions);
        var snapshot = await reader.SnapshotAsync();
        var pinnedCheckpoint = reader.CheckpointId!.Value;

        // The writer compacts the L0s away; the reader moves to a new checkpoint of the new state.
        await db.PutAsync(B("k0"), B("new"));
        await db.FlushAsync(FlushType.MemTable);
        await db.CompactAsync();
        await reader.RefreshAsync();
        Assert.NotEqual(pinnedCheckpoint, reader.CheckpointId);

        var admin = new DbAdmin("db", store);
        Assert.Contains(await admin.ListCheckpointsAsync(), c => c.Id == pinnedCheckpoint);
        await admin.CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.Zero));
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(B("old"), await snapshot.GetAsync(B($"k{i}"), new ReadOptions { CacheBlocks = false }));
        }

        Assert.Equal(B("new"), await reader.GetAsync(B("k0")));

        await snapshot.DisposeAsync();
        await reader.RefreshAsync();
        Assert.DoesNotContain(await admin.ListCheckpointsAsync(), c => c.Id == pinnedCheckpoint);
        await Assert.ThrowsAsync<SlateFastException>(async () => await snapshot.GetAsync(B("k0")));
    }

    [Fact]
    public async Task A_reader_closing_with_a_snapshot_open_removes_every_checkpoint_it_made()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, WriterOptions);
        await db.PutAsync(B("a"), B("1"));
        await db.FlushAsync(FlushType.MemTable);
        var reader = await DbReader.OpenAsync("db", store, ReaderOptions);
        using var snapshot = await reader.SnapshotAsync();
        await db.PutAsync(B("a"), B("2"));
        await db.FlushAsync(FlushType.MemTable);
        await reader.RefreshAsync();
        Assert.Equal(2, (await new DbAdmin("db", store).ListCheckpointsAsync()).Count);

        await reader.DisposeAsync();

        Assert.Empty(await new DbAdmin("db", store).ListCheckpointsAsync());
    }
}
