using System.Text;
using SlateFast.ObjectStore;
using Xunit.Abstractions;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Db;

/// <summary>
/// Where SlateFast's public API once differed from SlateDB's documented and coded behaviour in
/// ways that could mix or lose data: reads see a consistent prefix of the commit order as of
/// their start, a close without a WAL keeps unflushed writes, dirty never lifts the durability
/// bound, seeks stay inside the scan's range, a supplied sequence number is consumed even by a
/// failed commit, and a WAL flush without a WAL is an error.
/// </summary>
public sealed class SlateDbSemanticsTests(ITestOutputHelper output)
{
    private static DbOptions Options => TestOptions.NoCollector(flushMilliseconds: 5);

    private static async Task<List<KeyValue>> Rows(DbIterator iterator)
    {
        var rows = new List<KeyValue>();
        await using (iterator)
        {
            while (await iterator.NextAsync() is { } row)
            {
                rows.Add(row);
            }
        }

        return rows;
    }

    [Fact]
    public async Task An_iterator_does_not_return_rows_committed_after_it_was_created()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options);
        await db.PutAsync(B("a"), B("old"));
        var iterator = db.ScanAsync(KeyRange.All);

        await db.PutAsync(B("a"), B("new"));
        await db.PutAsync(B("b"), B("later"));

        var rows = await Rows(iterator);
        Assert.Equal(["a=old"], rows.Select(r => $"{S(r.Key)}={S(r.Value)}"));
    }

    [Fact]
    public async Task An_iterator_created_before_a_flush_still_reads_the_versions_as_of_its_creation()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options with { Compactor = new() { Enabled = false } });
        await db.PutAsync(B("a"), B("old"));
        var iterator = db.ScanAsync(KeyRange.All);

        // The overwrite and the flush happen before the iterator's first step: the L0 must keep
        // the version the iterator is to see, not only the newest.
        await db.PutAsync(B("a"), B("new"));
        await db.FlushAsync(FlushType.MemTable);

        Assert.Equal(["a=old"], (await Rows(iterator)).Select(r => $"{S(r.Key)}={S(r.Value)}"));
        Assert.Equal("new", S((await db.GetAsync(B("a")))!));
    }

    [Fact]
    public async Task A_scan_running_while_batches_commit_sees_each_batch_whole_or_not_at_all()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options with { L0SstSizeBytes = 64 * 1024 });
        const int keys = 1000;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            // Every batch rewrites all keys with its own number: a consistent read sees one number.
            for (var batch = 1; !stop.IsCancellationRequested && batch < 5_000; batch++)
            {
                var b = new WriteBatch();
                for (var k = 0; k < keys; k++)
                {
                    b.Put(B($"k{k:d2}"), B($"{batch}"));
                }

                await db.WriteAsync(b, WriteOptions.NoWait);
            }
        });

        var scans = 0;
        try
        {
            while (!writer.IsCompleted && scans < 100)
            {
                var rows = await Rows(db.ScanAsync(KeyRange.All));
                if (rows.Count == 0)
                {
                    continue;
                }

                scans++;

                Assert.Equal(keys, rows.Count);
                var batches = rows.Select(r => S(r.Value)).Distinct().ToList();
                Assert.True(batches.Count == 1, $"scan {scans} saw rows of batches {string.Join(", ", batches)}");
            }
        }
        finally
        {
            stop.Cancel();
            await writer;
        }

        output.WriteLine($"{scans} scans, each saw one batch");
    }

    [Fact]
    public async Task A_clean_close_without_a_WAL_keeps_writes_that_did_not_wait_for_durability()
    {
        var store = new InMemoryObjectStore();
        var options = Options with { WalEnabled = false };
        await using (var db = await DbHandle.OpenAsync("db", store, options))
        {
            await db.PutAsync(B("k1"), B("v1"), writeOptions: WriteOptions.NoWait);
            await db.PutAsync(B("k2"), B("v2"), writeOptions: WriteOptions.NoWait);
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, options);
        Assert.Equal("v1", S((await reopened.GetAsync(B("k1")))!));
        Assert.Equal("v2", S((await reopened.GetAsync(B("k2")))!));
    }

    [Fact]
    public async Task Dirty_does_not_lift_the_durability_bound_of_a_remote_read_or_scan()
    {
        // A flush interval long enough that the write stays in memory for the whole test.
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options with { FlushInterval = TimeSpan.FromHours(1), FlushOnDurableWaiters = false });
        await db.PutAsync(B("k"), B("v"), writeOptions: WriteOptions.NoWait);

        Assert.Null(await db.GetAsync(B("k"), new ReadOptions { DurabilityFilter = DurabilityFilter.Remote, Dirty = true }));
        Assert.Empty(await Rows(db.ScanAsync(KeyRange.All, new ScanOptions { DurabilityFilter = DurabilityFilter.Remote, Dirty = true })));
        Assert.Equal("v", S((await db.GetAsync(B("k"), new ReadOptions { Dirty = true }))!));
    }

    [Fact]
    public async Task Seeking_outside_the_scans_range_is_invalid()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options);
        await db.PutAsync(B("b"), B("1"));
        await using var iterator = db.ScanAsync(KeyRange.Between(B("b"), B("d")));

        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => iterator.SeekAsync(B("a")).AsTask())).Kind);
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => iterator.SeekAsync(B("z")).AsTask())).Kind);
        await iterator.SeekAsync(B("b"));
        Assert.Equal("b", S((await iterator.NextAsync())!.Key));
    }

    [Fact]
    public async Task A_commit_that_fails_its_conflict_check_still_consumes_the_sequence_number_it_supplied()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options);
        await using var first = db.BeginTransaction();
        await using var second = db.BeginTransaction();
        second.Put(B("k"), B("second"));
        await second.CommitAsync();
        first.Put(B("k"), B("first"));
        var supplied = db.LastSeq + 100;

        var conflict = await Assert.ThrowsAsync<SlateFastException>(() => first.CommitAsync(new WriteOptions { SeqNum = supplied }).AsTask());
        Assert.Equal(ErrorKind.Transaction, conflict.Kind);

        Assert.Equal(supplied, db.LastSeq);
        var reuse = await Assert.ThrowsAsync<SlateFastException>(() => db.PutAsync(B("k"), B("again"), writeOptions: new WriteOptions { SeqNum = supplied }).AsTask());
        Assert.Equal(ErrorKind.Invalid, reuse.Kind);
        await db.PutAsync(B("k"), B("next"), writeOptions: new WriteOptions { SeqNum = supplied + 1 });
    }

    [Fact]
    public async Task Flushing_the_WAL_when_it_is_disabled_is_invalid_and_the_plain_flush_flushes_the_memtable()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, Options with { WalEnabled = false });
        await db.PutAsync(B("k"), B("v"), writeOptions: WriteOptions.NoWait);

        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => db.FlushAsync(FlushType.Wal))).Kind);
        await db.FlushAsync();

        Assert.Equal(1, db.L0Count);
        Assert.Equal(db.LastSeq, db.DurableSeq);
    }
}
