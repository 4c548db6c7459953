using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Db;

public sealed class DbHandleTests
{
    private static readonly DbOptions s_fast = new() { FlushInterval = TimeSpan.FromMilliseconds(10) };

    private static string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);

    [Fact]
    public async Task A_put_is_readable_and_a_delete_hides_it()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_fast);
        await db.PutAsync(B("k"), B("v1"));
        Assert.Equal("v1", S(await db.GetAsync(B("k"))));
        await db.DeleteAsync(B("k"));
        Assert.Null(await db.GetAsync(B("k")));
        Assert.Null(await db.GetAsync(B("never")));
    }

    [Fact]
    public async Task A_non_durable_put_completes_synchronously_and_a_durable_one_after_its_wal_object_is_stored()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, s_fast with { FlushInterval = TimeSpan.FromHours(1) });

        var fast = db.PutAsync(B("a"), B("1"), writeOptions: WriteOptions.NoWait);
        Assert.True(fast.IsCompletedSuccessfully);

        var durable = await db.PutAsync(B("b"), B("2"));
        var walObjects = await store.ListAllAsync("db/wal/");
        // The fencing WAL of this open, then one WAL object holding both rows.
        Assert.Equal(["db/wal/00000000000000000001.sst", "db/wal/00000000000000000002.sst"], walObjects.Select(o => o.Path));
        Assert.True(db.DurableSeq >= durable.Seq);
    }

    [Fact]
    public async Task Writes_survive_close_and_reopen_through_wal_replay()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, s_fast))
        {
            for (var i = 0; i < 100; i++)
            {
                await db.PutAsync(B($"key{i:d3}"), B($"value{i}"), writeOptions: WriteOptions.NoWait);
            }

            await db.DeleteAsync(B("key050"));
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, s_fast);
        Assert.Equal("value7", S(await reopened.GetAsync(B("key007"))));
        Assert.Null(await reopened.GetAsync(B("key050")));
        Assert.Equal(101UL, reopened.LastSeq);
    }

    [Fact]
    public async Task A_memtable_flush_writes_an_l0_sst_listed_in_the_manifest_and_advances_the_replay_point()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, s_fast))
        {
            await db.PutAsync(B("a"), B("1"));
            await db.PutAsync(B("b"), B("2"));
            await db.FlushAsync(FlushType.MemTable);
            await db.PutAsync(B("c"), B("3"));
        }

        var manifests = new ManifestStore(store, "db");
        var (_, manifest) = (await manifests.LoadLatestAsync())!.Value;
        Assert.Single(manifest.L0);
        Assert.Equal(2UL, manifest.LastL0Seq);
        Assert.True(manifest.ReplayAfterWalId >= 2);
        Assert.Single(await store.ListAllAsync("db/compacted/"));

        await using var reopened = await DbHandle.OpenAsync("db", store, s_fast);
        Assert.Equal("1", S(await reopened.GetAsync(B("a"))));
        Assert.Equal("3", S(await reopened.GetAsync(B("c"))));
        Assert.Equal(3UL, reopened.LastSeq);
    }

    [Fact]
    public async Task A_batch_shares_one_sequence_number_and_lands_in_one_wal_object()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, s_fast);
        var batch = new WriteBatch().Put(B("x"), B("1")).Put(B("y"), B("2")).Delete(B("z")).Put(B("x"), B("3"));

        var handle = await db.WriteAsync(batch);

        Assert.Equal(1UL, handle.Seq);
        Assert.Equal("3", S(await db.GetAsync(B("x"))));
        var wal = await SlateFast.Sst.SstReader.OpenAsync(store, "db/wal/00000000000000000002.sst");
        var rows = new List<SlateFast.Sst.SstRow>();
        await foreach (var row in wal.ReadRowsAsync())
        {
            rows.Add(row);
        }

        Assert.Equal(["x", "y", "z"], rows.Select(r => Encoding.UTF8.GetString(r.Key)));
        Assert.All(rows, r => Assert.Equal(1UL, r.Seq));
    }

    [Fact]
    public async Task A_user_sequence_number_must_exceed_the_current_max_and_the_oracle_continues_above_it()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_fast);
        await db.PutAsync(B("a"), B("1"));
        var jumped = await db.PutAsync(B("b"), B("2"), writeOptions: new WriteOptions { SeqNum = 42 });
        Assert.Equal(42UL, jumped.Seq);

        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await db.PutAsync(B("c"), B("3"), writeOptions: new WriteOptions { SeqNum = 42 }));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Equal("invalid sequence number, must be greater than the current max. provided=42, current=42", e.Message);

        var next = await db.PutAsync(B("d"), B("4"));
        Assert.Equal(43UL, next.Seq);
        Assert.Null(await db.GetAsync(B("c")));
    }

    [Fact]
    public async Task The_max_sequence_number_is_recovered_from_the_manifest_and_the_wal()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, s_fast))
        {
            await db.PutAsync(B("a"), B("1"), writeOptions: new WriteOptions { SeqNum = 100 });
            await db.FlushAsync(FlushType.MemTable);
            await db.PutAsync(B("b"), B("2"), writeOptions: new WriteOptions { SeqNum = 200 });
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, s_fast);
        Assert.Equal(200UL, reopened.LastSeq);
        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await reopened.PutAsync(B("c"), B("3"), writeOptions: new WriteOptions { SeqNum = 150 }));
        Assert.Contains("provided=150, current=200", e.Message, StringComparison.Ordinal);
        Assert.Equal(201UL, (await reopened.PutAsync(B("c"), B("3"))).Seq);
    }

    [Fact]
    public async Task Concurrent_writers_racing_with_user_sequence_numbers_commit_only_increasing_numbers()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_fast);
        var accepted = new System.Collections.Concurrent.ConcurrentBag<ulong>();
        var rejected = 0;
        await Parallel.ForEachAsync(Enumerable.Range(1, 400), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            try
            {
                var h = await db.PutAsync(B($"k{i}"), B("v"), writeOptions: new WriteOptions { SeqNum = (ulong)i, AwaitDurable = false });
                accepted.Add(h.Seq);
            }
            catch (SlateFastException e) when (e.Kind == ErrorKind.Invalid)
            {
                Interlocked.Increment(ref rejected);
            }
        });

        Assert.Equal(400, accepted.Count + rejected);
        Assert.Equal(accepted.Max(), db.LastSeq);
        Assert.Equal(accepted.Count, accepted.Distinct().Count());
        foreach (var seq in accepted)
        {
            Assert.Equal("v", S(await db.GetAsync(B($"k{seq}"))));
        }
    }

    [Fact]
    public async Task A_second_writer_fences_the_first_whose_next_write_fails_closed_fenced()
    {
        var store = new InMemoryObjectStore();
        var first = await DbHandle.OpenAsync("db", store, s_fast);
        await first.PutAsync(B("a"), B("1"));
        await using var second = await DbHandle.OpenAsync("db", store, s_fast);

        var e = await Assert.ThrowsAsync<SlateFastException>(async () =>
        {
            // The first durable write after fencing fails when its WAL id is taken.
            for (var i = 0; i < 10; i++)
            {
                await first.PutAsync(B($"zombie{i}"), B("x"));
            }
        });

        Assert.Equal(ErrorKind.Closed, e.Kind);
        Assert.Equal(CloseReason.Fenced, e.CloseReason);
        Assert.Equal(CloseReason.Fenced, first.CloseReason);
        Assert.Equal("1", S(await second.GetAsync(B("a"))));
        Assert.Null(await second.GetAsync(B("zombie0")));
        Assert.True(second.WriterEpoch > first.WriterEpoch);
        await first.CloseAsync();
    }

    [Fact]
    public async Task Calls_after_close_fail_closed_clean()
    {
        var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_fast);
        await db.CloseAsync();
        await db.CloseAsync();

        var put = await Assert.ThrowsAsync<SlateFastException>(async () => await db.PutAsync(B("a"), B("1")));
        var get = await Assert.ThrowsAsync<SlateFastException>(async () => await db.GetAsync(B("a")));
        Assert.Equal((ErrorKind.Closed, CloseReason.Clean), (put.Kind, put.CloseReason));
        Assert.Equal((ErrorKind.Closed, CloseReason.Clean), (get.Kind, get.CloseReason));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(65_536)]
    public async Task Keys_outside_1_to_65535_bytes_are_invalid(int length)
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), s_fast);
        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await db.PutAsync(new byte[length], B("v")));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        await db.PutAsync(new byte[65_535], B("v"), writeOptions: WriteOptions.NoWait);
    }

    [Fact]
    public async Task Bad_options_are_invalid_and_name_the_option()
    {
        var e = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", new InMemoryObjectStore(), new DbOptions { L0MaxSsts = 0 }));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("L0MaxSsts", e.Message, StringComparison.Ordinal);
        var f = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", new InMemoryObjectStore(), new DbOptions { BlockSize = 100_000 }));
        Assert.Contains("BlockSize", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_L0_limit_below_the_compactors_first_batch_is_invalid_as_writes_would_stall_for_ever()
    {
        var stalling = new DbOptions { L0MaxSsts = 3, Compactor = new() { MinCompactionSources = 4 } };

        var e = await Assert.ThrowsAsync<SlateFastException>(() => DbHandle.OpenAsync("db", new InMemoryObjectStore(), stalling));

        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("L0MaxSsts (3)", e.Message, StringComparison.Ordinal);
        Assert.Contains("MinCompactionSources (4)", e.Message, StringComparison.Ordinal);
        // Without the in-process compactor the limit is the external compactor's business.
        await using var external = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), stalling with { Compactor = new() { Enabled = false, MinCompactionSources = 4 } });
    }

    [Fact]
    public async Task Close_writes_buffered_wal_rows_and_a_final_manifest()
    {
        var store = new InMemoryObjectStore();
        var db = await DbHandle.OpenAsync("db", store, s_fast with { FlushInterval = TimeSpan.FromHours(1) });
        await db.PutAsync(B("late"), B("1"), writeOptions: WriteOptions.NoWait);
        await db.CloseAsync();

        var (_, manifest) = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;
        Assert.Equal(2UL, manifest.WalIdLastSeen);
        await using var reopened = await DbHandle.OpenAsync("db", store, s_fast);
        Assert.Equal("1", S(await reopened.GetAsync(B("late"))));
    }

    [Fact]
    public async Task With_the_wal_disabled_durable_writes_complete_when_their_l0_is_in_the_manifest()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, s_fast with { WalEnabled = false }))
        {
            await db.PutAsync(B("a"), B("1"));
            Assert.Single(await store.ListAllAsync("db/compacted/"));
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, s_fast);
        Assert.Equal("1", S(await reopened.GetAsync(B("a"))));
    }

    [Fact]
    public async Task A_full_memtable_freezes_and_flushes_to_l0_by_itself()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, s_fast with { L0SstSizeBytes = 64 * 1024, MaxUnflushedBytes = 64 * 1024 });
        var value = new byte[1000];
        for (var i = 0; i < 300; i++)
        {
            await db.PutAsync(B($"key{i:d5}"), value, writeOptions: WriteOptions.NoWait);
        }

        await db.FlushAsync(FlushType.MemTable);
        Assert.True((await store.ListAllAsync("db/compacted/")).Count >= 4);
        for (var i = 0; i < 300; i += 37)
        {
            Assert.Equal(value, await db.GetAsync(B($"key{i:d5}")));
        }
    }

    [Fact]
    public async Task A_clean_close_while_a_memtable_flush_waits_for_its_wal_still_writes_every_buffered_row()
    {
        var store = new InMemoryObjectStore();
        var gated = new GatedStore(store, "/wal/");
        var db = await DbHandle.OpenAsync("db", new RetryingObjectStore(gated), s_fast with { FlushInterval = TimeSpan.FromHours(1), L0SstSizeBytes = 4096 });
        var wal = (ulong id) => $"db/wal/{id:d20}.sst";
        gated.Hold();

        // WAL 2 is sealed and held; the memtable then freezes with WAL 3, so its L0 flush waits for
        // WAL 3 while WAL 2's completion wakes it; the last row sits in WAL 4, sealed by close.
        await db.PutAsync(B("first"), B("1"), writeOptions: WriteOptions.NoWait);
        var firstFlush = db.FlushAsync();
        await gated.Arrived(wal(2));
        for (var i = 0; i < 40; i++)
        {
            await db.PutAsync(B($"key{i:d2}"), new byte[200], writeOptions: WriteOptions.NoWait);
        }

        var last = db.PutAsync(B("last"), B("row")).AsTask();
        var closing = db.CloseAsync();
        gated.Release(wal(2));
        await firstFlush;
        await gated.Arrived(wal(3));
        gated.ReleaseAll();
        await closing;
        await last;

        await using var reopened = await DbHandle.OpenAsync("db", store, s_fast);
        Assert.Equal("row", S(await reopened.GetAsync(B("last"))));
        for (var i = 0; i < 40; i++)
        {
            Assert.NotNull(await reopened.GetAsync(B($"key{i:d2}")));
        }
    }
}
