using System.Text;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using SlateFast.Testing;
using SlateFast.Tests.Interop;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Ingestion;

public sealed class IngestionTests
{
    private static readonly WriteOptions NoWait = WriteOptions.NoWait;

    private static string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);

    private static DbOptions Options => new() { FlushInterval = TimeSpan.FromMilliseconds(5) };

    // An SST as a user would build one for ingestion: SstWriter, sorted keys, puts and deletes.
    private static async Task Sst(IObjectStore store, string path, params (string Key, string? Value)[] rows)
    {
        await using var writer = await SstWriter.CreateAsync(store, path);
        foreach (var (key, value) in rows)
        {
            if (value is null)
            {
                await writer.DeleteAsync(B(key));
            }
            else
            {
                await writer.PutAsync(B(key), B(value));
            }
        }

        await writer.CloseAsync();
    }

    private static async Task<Dictionary<string, string>> Contents(DbHandle db)
    {
        var rows = new Dictionary<string, string>();
        await foreach (var kv in db.ScanAsync(KeyRange.All))
        {
            rows[S(kv.Key)!] = S(kv.Value)!;
        }

        return rows;
    }

    [Fact]
    public async Task Ingested_rows_are_newer_than_earlier_writes_older_than_later_ones_and_survive_reopen()
    {
        var store = new InMemoryObjectStore();
        await Sst(store, "in/b.sst", ("m", "ingested"), ("n", null), ("o", "ingested"));
        await Sst(store, "in/a.sst", ("a", "ingested"), ("b", "ingested"));
        await using (var db = await DbHandle.OpenAsync("db", store, Options))
        {
            await db.PutAsync(B("a"), B("before"), writeOptions: NoWait);
            await db.PutAsync(B("n"), B("before"), writeOptions: NoWait);
            await db.PutAsync(B("z"), B("before"), writeOptions: NoWait);
            using var before = db.Snapshot();

            var result = await db.IngestAsync(["in/b.sst", "in/a.sst"]);
            await db.PutAsync(B("b"), B("after"), writeOptions: NoWait);

            Assert.Equal(5, result.Rows);
            Assert.Equal(2, result.SstIds.Count);
            Assert.Equal(result.Seq, (await db.GetKeyValueAsync(B("a")))!.Seq);
            var expected = new Dictionary<string, string> { ["a"] = "ingested", ["b"] = "after", ["m"] = "ingested", ["o"] = "ingested", ["z"] = "before" };
            Assert.Equal(expected, await Contents(db));
            Assert.Equal("before", S(await before.GetAsync(B("a"))));
            Assert.Null(await before.GetAsync(B("m")));
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, Options);
        Assert.Equal("ingested", S(await reopened.GetAsync(B("a"))));
        Assert.Equal("after", S(await reopened.GetAsync(B("b"))));
        Assert.Null(await reopened.GetAsync(B("n")));
        await reopened.PutAsync(B("a"), B("newest"), writeOptions: NoWait);
        Assert.Equal("newest", S(await reopened.GetAsync(B("a"))));
    }

    [Fact]
    public async Task Ingested_rows_keep_their_precedence_through_compaction()
    {
        var store = new InMemoryObjectStore();
        await Sst(store, "in/1.sst", ("a", "ingested"), ("b", "ingested"), ("c", null));
        await using var db = await DbHandle.OpenAsync("db", store, Options);
        await db.PutAsync(B("a"), B("before"), writeOptions: NoWait);
        await db.PutAsync(B("c"), B("before"), writeOptions: NoWait);
        await db.IngestAsync(["in/1.sst"]);
        await db.PutAsync(B("b"), B("after"), writeOptions: NoWait);
        await db.FlushAsync(FlushType.MemTable);

        await db.CompactAsync();

        Assert.Empty(db.CurrentManifest.L0);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "ingested", ["b"] = "after" }, await Contents(db));
    }

    [Fact]
    public async Task Files_on_another_store_are_copied_in_and_left_untouched()
    {
        var source = new InMemoryObjectStore();
        await Sst(source, "export/1.sst", ("k", "v"));
        var before = (await source.GetAsync("export/1.sst"))!.Data.ToArray();
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options);

        await db.IngestAsync(["export/1.sst"], new IngestOptions { SourceStore = source });

        Assert.Equal("v", S(await db.GetAsync(B("k"))));
        Assert.Equal(before, (await source.GetAsync("export/1.sst"))!.Data.ToArray());
    }

    [Fact]
    public async Task Overlapping_empty_or_missing_files_are_invalid_and_change_nothing()
    {
        var store = new InMemoryObjectStore();
        await Sst(store, "in/1.sst", ("a", "1"), ("c", "1"));
        await Sst(store, "in/2.sst", ("b", "2"));
        await Sst(store, "in/empty.sst");
        await using var db = await DbHandle.OpenAsync("db", store, Options);
        await db.PutAsync(B("a"), B("kept"), writeOptions: NoWait);
        var lastSeq = db.LastSeq;

        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => db.IngestAsync(["in/1.sst", "in/2.sst"]))).Kind);
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => db.IngestAsync(["in/empty.sst"]))).Kind);
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(() => db.IngestAsync([]))).Kind);
        await Assert.ThrowsAsync<ObjectNotFoundException>(() => db.IngestAsync(["in/missing.sst"]));

        Assert.Equal("kept", S(await db.GetAsync(B("a"))));
        Assert.Equal(lastSeq, db.LastSeq);
        Assert.Empty(await store.ListAllAsync("db/compacted/"));
    }

    [Fact]
    public async Task A_corrupt_file_is_a_data_error_and_changes_nothing()
    {
        var store = new InMemoryObjectStore();
        await Sst(store, "in/1.sst", ("a", "1"), ("b", "2"));
        var bytes = (await store.GetAsync("in/1.sst"))!.Data.ToArray();
        bytes[bytes.Length / 3] ^= 0x5A;
        await store.PutAsync("in/1.sst", bytes);
        await using var db = await DbHandle.OpenAsync("db", store, Options);

        var e = await Assert.ThrowsAsync<SlateFastException>(() => db.IngestAsync(["in/1.sst"]));

        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Null(await db.GetAsync(B("a")));
        Assert.Empty(await store.ListAllAsync("db/compacted/"));
    }

    [Fact]
    public async Task A_failed_install_leaves_none_of_the_files_and_writes_go_on()
    {
        var memory = new InMemoryObjectStore();
        var store = new FaultInjectingObjectStore(memory);
        await Sst(memory, "in/1.sst", ("a", "1"));
        await Sst(memory, "in/2.sst", ("b", "2"));
        await using (var db = await DbHandle.OpenAsync("db", store, Options with { ManifestUpdateTimeout = TimeSpan.FromSeconds(5) }))
        {
            await db.PutAsync(B("x"), B("flushed first"), writeOptions: NoWait);
            var l0Before = db.CurrentManifest.L0.Length;
            var ingested = 0;
            store.Rule = (op, path) =>
                op == "put-if-absent" && path.Contains("/manifest/", StringComparison.Ordinal) && Volatile.Read(ref ingested) == 1
                    ? new Fault(FaultKind.InternalError)
                    : null;

            var flushBeforeFault = db.FlushAsync(FlushType.MemTable);
            await flushBeforeFault;
            Volatile.Write(ref ingested, 1);
            await Assert.ThrowsAnyAsync<Exception>(() => db.IngestAsync(["in/1.sst", "in/2.sst"]));
            store.Rule = null;

            Assert.Null(await db.GetAsync(B("a")));
            Assert.True(db.CurrentManifest.L0.Length >= l0Before);
        }

        await using var reopened = await DbHandle.OpenAsync("db", memory, Options);
        Assert.Null(await reopened.GetAsync(B("a")));
        Assert.Null(await reopened.GetAsync(B("b")));
        Assert.Equal("flushed first", S(await reopened.GetAsync(B("x"))));
    }

    [Fact]
    public async Task A_transaction_that_read_a_key_in_the_ingested_range_conflicts()
    {
        var store = new InMemoryObjectStore();
        await Sst(store, "in/1.sst", ("a", "1"), ("c", "1"));
        await using var db = await DbHandle.OpenAsync("db", store, Options);
        await using var tx = db.BeginTransaction(IsolationLevel.SerializableSnapshot);
        await tx.GetAsync(B("b")); // absent, inside [a, c]
        tx.Put(B("elsewhere"), B("1"));

        await db.IngestAsync(["in/1.sst"]);

        Assert.Equal(ErrorKind.Transaction, (await Assert.ThrowsAsync<SlateFastException>(async () => await tx.CommitAsync(NoWait))).Kind);
    }

    [Fact]
    public async Task Writers_during_an_ingestion_wait_and_land_above_it()
    {
        var store = new InMemoryObjectStore();
        var rows = Enumerable.Range(0, 20_000).Select(i => ($"k{i:d6}", (string?)"ingested")).ToArray();
        await Sst(store, "in/big.sst", rows);
        await using var db = await DbHandle.OpenAsync("db", store, Options);

        var ingest = db.IngestAsync(["in/big.sst"]);
        var writes = Enumerable.Range(0, 50).Select(i => db.PutAsync(B($"k{i * 400:d6}"), B("written"), writeOptions: NoWait).AsTask()).ToArray();
        var result = await ingest;
        var handles = await Task.WhenAll(writes);

        foreach (var (handle, i) in handles.Select((h, i) => (h, i)))
        {
            var value = S(await db.GetAsync(B($"k{i * 400:d6}")));
            Assert.Equal(handle.Seq > result.Seq ? "written" : "ingested", value);
        }

        await db.FlushAsync(FlushType.MemTable);
        foreach (var (handle, i) in handles.Select((h, i) => (h, i)))
        {
            Assert.Equal(handle.Seq > result.Seq ? "written" : "ingested", S(await db.GetAsync(B($"k{i * 400:d6}"))));
        }
    }

    [Fact]
    public async Task Slatedb_reads_an_ingested_database_with_the_ingestion_at_its_sequence_number()
    {
        using var dir = new TempFolder("ingest");
        var store = new LocalObjectStore(dir.Path);
        await Sst(store, "in/1.sst", ("a", "ingested"), ("b", null), ("c", "ingested"));
        ulong seq;
        await using (var db = await DbHandle.OpenAsync("db", store, Options))
        {
            await db.PutAsync(B("b"), B("before"));
            await db.PutAsync(B("c"), B("before"));
            seq = (await db.IngestAsync(["in/1.sst"])).Seq;
            await db.PutAsync(B("c"), B("after"));
        }

        var rows = await SlateDbNode.ScanAsync(dir.Path, "db");
        Assert.Equal(["a=ingested@" + seq, "c=after@" + (seq + 1)], rows.Select(r => $"{S(r.Key)}={S(r.Value)}@{r.Seq}"));
    }
}
