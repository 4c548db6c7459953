using System.Text;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Transactions;

public sealed class TransactionIsolationTests
{
    private static readonly WriteOptions NoWait = WriteOptions.NoWait;

    private static string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);

    private static Task<DbHandle> Open() => DbHandle.OpenAsync("db", new InMemoryObjectStore(), new DbOptions { FlushInterval = TimeSpan.FromMilliseconds(5) });

    private static async Task<List<string>> Keys(IAsyncEnumerable<KeyValue> rows)
    {
        var keys = new List<string>();
        await foreach (var kv in rows)
        {
            keys.Add(S(kv.Key)!);
        }

        return keys;
    }

    [Fact]
    public async Task A_transaction_reads_its_own_writes_over_its_snapshot_and_others_see_them_only_after_commit()
    {
        await using var db = await Open();
        await db.PutAsync(B("a"), B("1"), writeOptions: NoWait);
        await db.PutAsync(B("c"), B("3"), writeOptions: NoWait);
        await using var tx = db.BeginTransaction();
        tx.Put(B("b"), B("2"));
        tx.Delete(B("c"));
        tx.Put(B("a"), B("1'"));

        Assert.Equal("1'", S(await tx.GetAsync(B("a"))));
        Assert.Null(await tx.GetAsync(B("c")));
        Assert.Equal(["a", "b"], await Keys(tx.ScanAsync(KeyRange.All)));
        Assert.Equal(["b", "a"], await Keys(tx.ScanAsync(KeyRange.All, new ScanOptions { Order = IterationOrder.Descending })));
        Assert.Equal("1", S(await db.GetAsync(B("a"))));
        Assert.Null(await db.GetAsync(B("b")));

        var handle = await tx.CommitAsync(NoWait);

        Assert.NotNull(handle);
        Assert.Equal("1'", S(await db.GetAsync(B("a"))));
        Assert.Equal("2", S(await db.GetAsync(B("b"))));
        Assert.Null(await db.GetAsync(B("c")));
    }

    [Fact]
    public async Task A_prefix_scan_in_a_transaction_is_the_prefix_range_over_its_own_writes_and_counts_as_read()
    {
        await using var db = await Open();
        await db.PutAsync(B("order/1"), B("10"), writeOptions: NoWait);
        await db.PutAsync(B("order/2"), B("20"), writeOptions: NoWait);
        await db.PutAsync(B("order0"), B("after the prefix"), writeOptions: NoWait);
        await using var tx = db.BeginTransaction(IsolationLevel.SerializableSnapshot);
        tx.Delete(B("order/1"));
        tx.Put(B("order/3"), B("30"));
        tx.Put(B("orde"), B("before the prefix"));

        Assert.Equal(["order/2", "order/3"], await Keys(tx.ScanPrefixAsync(B("order/"))));
        Assert.Equal(["order/3", "order/2"], await Keys(tx.ScanPrefixAsync(B("order/"), new ScanOptions { Order = IterationOrder.Descending })));

        await db.PutAsync(B("order/4"), B("40"), writeOptions: NoWait);
        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await tx.CommitAsync(NoWait));
        Assert.Equal(ErrorKind.Transaction, e.Kind);
    }

    [Fact]
    public async Task A_transaction_does_not_see_writes_committed_after_it_began()
    {
        await using var db = await Open();
        await db.PutAsync(B("k"), B("old"), writeOptions: NoWait);
        await using var tx = db.BeginTransaction();
        await db.PutAsync(B("k"), B("new"), writeOptions: NoWait);
        await db.PutAsync(B("z"), B("new"), writeOptions: NoWait);

        Assert.Equal("old", S(await tx.GetAsync(B("k"))));
        Assert.Equal(["k"], await Keys(tx.ScanAsync(KeyRange.All)));
    }

    [Theory]
    [InlineData(IsolationLevel.Snapshot)]
    [InlineData(IsolationLevel.SerializableSnapshot)]
    public async Task A_lost_update_is_rejected_under_both_isolation_levels(IsolationLevel isolation)
    {
        await using var db = await Open();
        await db.PutAsync(B("counter"), B("0"), writeOptions: NoWait);
        await using var t1 = db.BeginTransaction(isolation);
        await using var t2 = db.BeginTransaction(isolation);
        var v1 = int.Parse(S(await t1.GetAsync(B("counter")))!);
        var v2 = int.Parse(S(await t2.GetAsync(B("counter")))!);
        t1.Put(B("counter"), B((v1 + 1).ToString()));
        t2.Put(B("counter"), B((v2 + 1).ToString()));

        await t2.CommitAsync(NoWait);
        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await t1.CommitAsync(NoWait));

        Assert.Equal(ErrorKind.Transaction, e.Kind);
        Assert.Equal("1", S(await db.GetAsync(B("counter"))));
    }

    [Fact]
    public async Task A_plain_write_after_the_start_also_conflicts_with_a_transaction_writing_the_key()
    {
        await using var db = await Open();
        await using var tx = db.BeginTransaction();
        tx.Put(B("k"), B("tx"));
        await db.PutAsync(B("k"), B("plain"), writeOptions: NoWait);

        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await tx.CommitAsync(NoWait));

        Assert.Equal(ErrorKind.Transaction, e.Kind);
        Assert.Equal("plain", S(await db.GetAsync(B("k"))));
    }

    // Two doctors on call: each checks that the other is on call, then goes off call.
    private static async Task<SlateFastException?> WriteSkew(DbHandle db, IsolationLevel isolation)
    {
        await db.PutAsync(B("alice"), B("on"), writeOptions: NoWait);
        await db.PutAsync(B("bob"), B("on"), writeOptions: NoWait);
        await using var t1 = db.BeginTransaction(isolation);
        await using var t2 = db.BeginTransaction(isolation);
        if (S(await t1.GetAsync(B("bob"))) == "on")
        {
            t1.Put(B("alice"), B("off"));
        }

        if (S(await t2.GetAsync(B("alice"))) == "on")
        {
            t2.Put(B("bob"), B("off"));
        }

        await t1.CommitAsync(NoWait);
        try
        {
            await t2.CommitAsync(NoWait);
            return null;
        }
        catch (SlateFastException e)
        {
            return e;
        }
    }

    [Fact]
    public async Task Write_skew_is_allowed_under_snapshot_isolation()
    {
        await using var db = await Open();
        Assert.Null(await WriteSkew(db, IsolationLevel.Snapshot));
        Assert.Equal("off", S(await db.GetAsync(B("alice"))));
        Assert.Equal("off", S(await db.GetAsync(B("bob"))));
    }

    [Fact]
    public async Task Write_skew_is_rejected_under_serializable_snapshot_isolation()
    {
        await using var db = await Open();
        var e = await WriteSkew(db, IsolationLevel.SerializableSnapshot);
        Assert.Equal(ErrorKind.Transaction, e?.Kind);
        Assert.Equal("on", S(await db.GetAsync(B("bob"))));
    }

    [Theory]
    [InlineData(IsolationLevel.Snapshot, false)]
    [InlineData(IsolationLevel.SerializableSnapshot, true)]
    public async Task A_phantom_inserted_into_a_scanned_range_is_rejected_only_under_serializable(IsolationLevel isolation, bool rejected)
    {
        await using var db = await Open();
        await db.PutAsync(B("order/1"), B("10"), writeOptions: NoWait);
        await using var tx = db.BeginTransaction(isolation);
        var count = (await Keys(tx.ScanAsync(KeyRange.Prefix(B("order/"))))).Count;
        tx.Put(B("summary"), B(count.ToString()));

        await db.PutAsync(B("order/2"), B("20"), writeOptions: NoWait);
        var commit = async () => await tx.CommitAsync(NoWait);

        if (rejected)
        {
            Assert.Equal(ErrorKind.Transaction, (await Assert.ThrowsAsync<SlateFastException>(commit)).Kind);
            Assert.Null(await db.GetAsync(B("summary")));
        }
        else
        {
            await commit();
            Assert.Equal("1", S(await db.GetAsync(B("summary"))));
        }
    }

    [Fact]
    public async Task A_write_outside_every_read_and_scanned_range_does_not_conflict_under_serializable()
    {
        await using var db = await Open();
        await using var tx = db.BeginTransaction(IsolationLevel.SerializableSnapshot);
        await tx.GetAsync(B("a"));
        await Keys(tx.ScanAsync(KeyRange.Between(B("m"), B("p"))));
        tx.Put(B("out"), B("1"));
        await db.PutAsync(B("b"), B("x"), writeOptions: NoWait);
        await db.PutAsync(B("p"), B("x"), writeOptions: NoWait); // the end bound is exclusive

        Assert.NotNull(await tx.CommitAsync(NoWait));
    }

    [Fact]
    public async Task A_read_only_transaction_never_conflicts()
    {
        await using var db = await Open();
        await using var tx = db.BeginTransaction(IsolationLevel.SerializableSnapshot);
        await tx.GetAsync(B("k"));
        await db.PutAsync(B("k"), B("changed"), writeOptions: NoWait);

        Assert.Null(await tx.CommitAsync(NoWait));
    }

    [Fact]
    public async Task MarkRead_makes_a_later_write_of_the_key_a_conflict_and_UnmarkWrite_exempts_a_blind_write()
    {
        await using var db = await Open();
        await using (var tx = db.BeginTransaction(IsolationLevel.SerializableSnapshot))
        {
            tx.MarkRead(B("guard"));
            tx.Put(B("x"), B("1"));
            await db.PutAsync(B("guard"), B("moved"), writeOptions: NoWait);
            Assert.Equal(ErrorKind.Transaction, (await Assert.ThrowsAsync<SlateFastException>(async () => await tx.CommitAsync(NoWait))).Kind);
        }

        await using (var tx = db.BeginTransaction())
        {
            tx.Put(B("blind"), B("tx"));
            tx.UnmarkWrite(B("blind"));
            await db.PutAsync(B("blind"), B("plain"), writeOptions: NoWait);
            await tx.CommitAsync(NoWait);
            Assert.Equal("tx", S(await db.GetAsync(B("blind"))));
        }
    }

    [Fact]
    public async Task Conflicts_are_found_when_writes_carry_user_supplied_sequence_numbers()
    {
        await using var db = await Open();
        await db.PutAsync(B("k"), B("v0"), writeOptions: NoWait with { SeqNum = 100 });
        await using var tx = db.BeginTransaction();
        Assert.Equal(100UL, tx.StartSeq);
        tx.Put(B("k"), B("tx"));
        await db.PutAsync(B("k"), B("v1"), writeOptions: NoWait with { SeqNum = 5_000 });

        Assert.Equal(ErrorKind.Transaction, (await Assert.ThrowsAsync<SlateFastException>(async () => await tx.CommitAsync(NoWait))).Kind);

        await using var next = db.BeginTransaction();
        next.Put(B("k"), B("tx2"));
        var handle = await next.CommitAsync(NoWait with { SeqNum = 6_000 });
        Assert.Equal(6_000UL, handle!.Value.Seq);
    }

    [Fact]
    public async Task Conflict_bookkeeping_is_dropped_once_no_running_transaction_can_conflict_with_it()
    {
        await using var db = await Open();
        var old = db.BeginTransaction();
        for (var i = 0; i < 50; i++)
        {
            await db.PutAsync(B($"k{i}"), B("v"), writeOptions: NoWait);
        }

        Assert.Equal(50, db.RetainedConflictWrites);
        var young = db.BeginTransaction();
        await db.PutAsync(B("late"), B("v"), writeOptions: NoWait);
        old.Rollback();
        Assert.Equal(1, db.RetainedConflictWrites);

        await young.DisposeAsync();
        Assert.Equal(0, db.RetainedConflictWrites);
        await db.PutAsync(B("after"), B("v"), writeOptions: NoWait);
        Assert.Equal(0, db.RetainedConflictWrites);
    }

    [Fact]
    public async Task A_finished_transaction_rejects_further_use_as_closed()
    {
        // Closed, as a disposed snapshot, iterator or reader and a closed database are: one kind for "gone".
        await using var db = await Open();
        var tx = db.BeginTransaction();
        tx.Put(B("k"), B("v"));
        await tx.CommitAsync(NoWait);

        Assert.Equal(ErrorKind.Closed, Assert.Throws<SlateFastException>(() => tx.Put(B("k"), B("v"))).Kind);
        Assert.Equal(ErrorKind.Closed, (await Assert.ThrowsAsync<SlateFastException>(async () => await tx.CommitAsync())).Kind);
        tx.Rollback(); // harmless
    }

    [Fact]
    public async Task A_durable_commit_waits_for_its_wal_object_and_survives_reopen()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, new DbOptions()))
        {
            await using var tx = db.BeginTransaction();
            tx.Put(B("k"), B("durable"));
            var handle = await tx.CommitAsync();
            Assert.True(db.DurableSeq >= handle!.Value.Seq);
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, new DbOptions());
        Assert.Equal("durable", S(await reopened.GetAsync(B("k"))));
    }
}
