using System.Text;
using SlateFast.ObjectStore;
using SlateFast.Tests.Interop;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.MergeOperator;

public sealed class MergeOperatorTests
{
    private static readonly DbOptions Concat = new() { FlushInterval = TimeSpan.FromMilliseconds(5), MergeOperator = MergeOperators.Concat };

    private static string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);

    private static async Task<Dictionary<string, string>> Contents(DbHandle db, ScanOptions? options = null)
    {
        var rows = new Dictionary<string, string>();
        await foreach (var kv in db.ScanAsync(KeyRange.All, options))
        {
            rows[S(kv.Key)!] = S(kv.Value)!;
        }

        return rows;
    }

    // Operands spread over L0 (flushed), the memtable and a batch; with and without a base.
    private static async Task Write(DbHandle db)
    {
        await db.PutAsync(B("with-base"), B("base;"), writeOptions: WriteOptions.NoWait);
        await db.MergeAsync(B("with-base"), B("a;"), writeOptions: WriteOptions.NoWait);
        await db.MergeAsync(B("no-base"), B("x;"), writeOptions: WriteOptions.NoWait);
        await db.PutAsync(B("deleted"), B("old;"), writeOptions: WriteOptions.NoWait);
        await db.DeleteAsync(B("deleted"), WriteOptions.NoWait);
        await db.FlushAsync(FlushType.MemTable);
        await db.MergeAsync(B("with-base"), B("b;"), writeOptions: WriteOptions.NoWait);
        await db.MergeAsync(B("deleted"), B("reborn;"), writeOptions: WriteOptions.NoWait);
        await db.WriteAsync(new WriteBatch().Merge(B("no-base"), B("y;")).Merge(B("no-base"), B("z;")).Put(B("plain"), B("p")), WriteOptions.NoWait);
    }

    private static readonly Dictionary<string, string> Expected = new()
    {
        ["with-base"] = "base;a;b;",
        ["no-base"] = "x;y;z;",
        ["deleted"] = "reborn;",
        ["plain"] = "p",
    };

    [Fact]
    public async Task Operands_fold_onto_their_base_across_memtable_L0_and_batches_for_gets_and_scans_in_both_orders()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Concat);
        await Write(db);

        Assert.Equal(Expected, await Contents(db));
        Assert.Equal(Expected, await Contents(db, new ScanOptions { Order = IterationOrder.Descending }));
        foreach (var (key, value) in Expected)
        {
            Assert.Equal(value, S(await db.GetAsync(B(key))));
        }
    }

    [Fact]
    public async Task Folding_at_flush_keeps_the_same_values_and_survives_reopen()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, Concat))
        {
            await Write(db);
            await db.FlushAsync(FlushType.MemTable);
            Assert.Equal(Expected, await Contents(db));
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, Concat);
        Assert.Equal(Expected, await Contents(reopened));
        await reopened.MergeAsync(B("with-base"), B("c;"), writeOptions: WriteOptions.NoWait);
        Assert.Equal("base;a;b;c;", S(await reopened.GetAsync(B("with-base"))));
    }

    [Fact]
    public async Task A_snapshot_keeps_reading_its_folded_value_after_later_operands_are_flushed()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Concat);
        await db.PutAsync(B("k"), B("v;"), writeOptions: WriteOptions.NoWait);
        await db.MergeAsync(B("k"), B("1;"), writeOptions: WriteOptions.NoWait);
        using var snapshot = db.Snapshot();
        await db.MergeAsync(B("k"), B("2;"), writeOptions: WriteOptions.NoWait);
        await db.FlushAsync(FlushType.MemTable);

        Assert.Equal("v;1;", S(await snapshot.GetAsync(B("k"))));
        Assert.Equal("v;1;2;", S(await db.GetAsync(B("k"))));
    }

    [Fact]
    public async Task A_transaction_reads_its_own_operands_folded_onto_its_snapshot_and_commits_them()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Concat);
        await db.PutAsync(B("k"), B("v;"), writeOptions: WriteOptions.NoWait);
        await using var tx = db.BeginTransaction();
        tx.Merge(B("k"), B("t1;"));
        tx.Merge(B("k"), B("t2;"));
        tx.Merge(B("new"), B("n;"));

        Assert.Equal("v;t1;t2;", S(await tx.GetAsync(B("k"))));
        var scanned = new List<string>();
        await foreach (var kv in tx.ScanAsync(KeyRange.All))
        {
            scanned.Add($"{S(kv.Key)}={S(kv.Value)}");
        }

        Assert.Equal(["k=v;t1;t2;", "new=n;"], scanned);
        await tx.CommitAsync(WriteOptions.NoWait);
        Assert.Equal("v;t1;t2;", S(await db.GetAsync(B("k"))));
    }

    [Fact]
    public async Task Compaction_folds_operands_and_a_reader_with_the_operator_reads_the_same_values()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, Concat))
        {
            await Write(db);
            await db.FlushAsync(FlushType.MemTable);
            await db.CompactAsync();
            Assert.Empty(db.CurrentManifest.L0);
            Assert.Equal(Expected, await Contents(db));
            await db.MergeAsync(B("with-base"), B("c;"), writeOptions: WriteOptions.NoWait);
            await db.FlushAsync();
        }

        await using var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { MergeOperator = MergeOperators.Concat });
        Assert.Equal("base;a;b;c;", S(await reader.GetAsync(B("with-base"))));
        Assert.Equal("x;y;z;", S(await reader.GetAsync(B("no-base"))));
    }

    [Fact]
    public async Task Without_an_operator_merge_reads_and_multi_operand_batches_are_invalid()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), new DbOptions());
        await db.MergeAsync(B("k"), B("a"), writeOptions: WriteOptions.NoWait);

        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(async () => await db.GetAsync(B("k")))).Kind);
        var batch = new WriteBatch().Merge(B("k"), B("1")).Merge(B("k"), B("2"));
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(async () => await db.WriteAsync(batch))).Kind);
    }

    [Fact]
    public async Task A_throwing_operator_fails_the_read_as_invalid_naming_the_operator()
    {
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Concat with { MergeOperator = new Throwing() });
        await db.MergeAsync(B("k"), B("a"), writeOptions: WriteOptions.NoWait);

        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await db.GetAsync(B("k")));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("throwing", e.Message, StringComparison.Ordinal);
    }

    private sealed class Throwing : IMergeOperator
    {
        public string Name => "throwing";

        public void Merge(ReadOnlySpan<byte> key, bool hasExisting, ReadOnlySpan<byte> existing, ReadOnlySpan<byte> operand, System.Buffers.IBufferWriter<byte> result) =>
            throw new InvalidOperationException("no");
    }

    [Fact]
    public async Task Slatedb_reads_operands_slatefast_folded_and_left_unfolded_with_the_same_concat_operator()
    {
        using var dir = new TempFolder();
        await using (var db = await DbHandle.OpenAsync("db", new LocalObjectStore(dir.Path), Concat))
        {
            await Write(db);
            await db.FlushAsync();
        }

        var rows = await SlateDbNode.ScanAsync(dir.Path, "db", mergeOperator: "concat");
        Assert.Equal(Expected.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"), rows.Select(r => $"{S(r.Key)}={S(r.Value)}"));
    }
}
