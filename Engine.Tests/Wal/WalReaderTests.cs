using System.Collections.Concurrent;
using SlateFast.Format;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Wal;

/// <summary>
/// Change data capture through <see cref="WalReader"/>: listing and reading WAL objects as
/// SlateDB's <c>WalReader</c> does, and a follower that delivers every committed row exactly once,
/// in commit order, resumes exactly where it is told, reports collected WAL objects as a gap and
/// never disturbs the writer.
/// </summary>
public sealed class WalReaderTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(2);

    // No background collection or flushing unless a test asks: the WAL stays as written.
    private static DbOptions Options(IObjectStore? wal = null) =>
        TestOptions.NoCollector() with { WalObjectStore = wal, MergeOperator = MergeOperators.Concat };

    private static WalReaderOptions Fast(IObjectStore? wal = null) => new() { PollInterval = TimeSpan.FromMilliseconds(10), WalObjectStore = wal };

    private static string S(byte[]? b) => b is null ? "<null>" : System.Text.Encoding.UTF8.GetString(b);

    [Fact]
    public async Task Each_WAL_object_lists_in_id_order_and_reads_back_puts_deletes_and_merge_operands_with_their_sequence_numbers_and_times()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, Options());
        var put = await db.PutAsync(B("a"), B("1"), new PutOptions { Ttl = Ttl.ExpireAfter(TimeSpan.FromHours(1)) });
        var delete = await db.DeleteAsync(B("b"));
        var merge = await db.MergeAsync(B("c"), B("x"));

        var reader = new WalReader("db", store);
        var files = await reader.ListAsync();
        Assert.Equal(files.Select(f => f.Id).Order(), files.Select(f => f.Id));
        var rows = new List<WalRow>();
        foreach (var file in files)
        {
            Assert.Equal(DbPaths.WalSstPath("db", file.Id), file.Path);
            rows.AddRange(await reader.ReadAsync(file.Id));
        }

        Assert.Collection(
            rows,
            r => Assert.Equal((put.Seq, RowKind.Value, "a", "1", (long?)put.CreateTs, true), (r.Seq, r.Kind, S(r.Key), S(r.Value), r.CreateTs, r.ExpireTs == put.CreateTs + 3_600_000)),
            r => Assert.Equal((delete.Seq, RowKind.Tombstone, "b", "<null>", (long?)delete.CreateTs), (r.Seq, r.Kind, S(r.Key), S(r.Value), r.CreateTs)),
            r => Assert.Equal((merge.Seq, RowKind.Merge, "c", "x", (long?)merge.CreateTs, (long?)null), (r.Seq, r.Kind, S(r.Key), S(r.Value), r.CreateTs, r.ExpireTs)));
        Assert.All(rows, r => Assert.Contains(files, f => f.Id == r.WalId));

        var middle = files[files.Count / 2].Id;
        Assert.Equal(files.Where(f => f.Id >= middle && f.Id < middle + 2).Select(f => f.Id), (await reader.ListAsync(middle, middle + 2)).Select(f => f.Id));
    }

    [Theory]
    [InlineData("db/wal/00000000000000000007.sst", 0, true)]
    [InlineData("wal/00000000000000000007.sst", 0, true)]
    [InlineData("db/wal/00000000000000000007.sst", 5, false)] // torn, not a fence: reading it is Data
    [InlineData("db/wal/00000000000000000007.sst", 4096, false)]
    [InlineData("db/compacted/01J0000000000000000000000.sst", 0, false)]
    [InlineData("db/wal/notes.txt", 0, false)]
    [InlineData("db/manifest/00000000000000000001.manifest", 0, false)]
    [InlineData("db/notwal/00000000000000000007.sst", 0, false)]
    public void Only_a_zero_byte_object_with_a_WAL_name_is_a_zero_byte_fence(string path, long size, bool fence) =>
        Assert.Equal(fence, WalReader.IsZeroByteFence(path, size));

    [Fact]
    public async Task Reading_a_WAL_object_that_was_never_written_is_Invalid_and_a_damaged_one_is_Data()
    {
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, Options()))
        {
            await db.PutAsync(B("k"), B("v"));
        }

        var reader = new WalReader("db", store);
        var files = await reader.ListAsync();
        var last = files[^1];
        var missing = await Assert.ThrowsAsync<SlateFastException>(() => reader.ReadAsync(last.Id + 5));
        Assert.Equal(ErrorKind.Invalid, missing.Kind);

        var withRows = files.First(f => f.Size > 100);
        var bytes = (await store.GetAsync(withRows.Path))!.Data.ToArray();
        bytes[bytes.Length / 3] ^= 0x40;
        await store.PutAsync(withRows.Path, bytes);
        var damaged = await Assert.ThrowsAsync<SlateFastException>(() => reader.ReadAsync(withRows.Id));
        Assert.Equal(ErrorKind.Data, damaged.Kind);
        Assert.Contains($"WAL object {withRows.Id}", damaged.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_follower_sees_every_commit_of_concurrent_writers_exactly_once_in_sequence_order_while_the_writer_keeps_writing()
    {
        using var folder = new TempFolder("wal-follow");
        var store = ObjectStores.Local(folder.Path);
        await using var db = await DbHandle.OpenAsync("db", store, Options());
        var written = new ConcurrentDictionary<ulong, List<(string Key, string? Value)>>();
        using var stop = new CancellationTokenSource(Wait);
        var seen = new List<WalRow>();
        var follower = Task.Run(async () =>
        {
            await foreach (var row in new WalReader("db", store, Fast()).FollowAsync(WalStart.Beginning, stop.Token))
            {
                if (S(row.Key) == "end")
                {
                    return;
                }

                seen.Add(row);
            }
        });

        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var durable = i % 3 != 0;
                if (i % 5 == 0)
                {
                    var batch = new WriteBatch().Put(B($"w{w}-{i}-a"), B($"{i}")).Delete(B($"w{w}-{i}-b")).Merge(B($"w{w}-{i}-c"), B("m"));
                    var h = await db.WriteAsync(batch, new WriteOptions { AwaitDurable = durable });
                    written[h.Seq] = [($"w{w}-{i}-a", $"{i}"), ($"w{w}-{i}-b", null), ($"w{w}-{i}-c", "m")];
                }
                else
                {
                    var h = await db.PutAsync(B($"w{w}-{i}"), B($"v{i}"), writeOptions: new WriteOptions { AwaitDurable = durable });
                    written[h.Seq] = [($"w{w}-{i}", $"v{i}")];
                }
            }
        })).ToArray();
        await Task.WhenAll(writers);
        await db.PutAsync(B("end"), B("."));
        await follower.WaitAsync(Wait);

        Assert.Equal(seen.Select(r => r.Seq).Order(), seen.Select(r => r.Seq));
        var bySeq = seen.GroupBy(r => r.Seq).ToDictionary(g => g.Key, g => g.Select(r => (S(r.Key), r.Kind == RowKind.Tombstone ? null : S(r.Value))).ToList());
        Assert.Equal(written.Keys.Order(), bySeq.Keys.Order());
        foreach (var (seq, rows) in written)
        {
            Assert.Equal(rows.OrderBy(r => r.Key, StringComparer.Ordinal), bySeq[seq]);
        }

        // The writer was never fenced by the follower.
        await db.PutAsync(B("after"), B("x"));
    }

    [Fact]
    public async Task A_follower_resumes_after_the_last_row_it_processed_with_nothing_repeated_or_missed()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, Options());
        var seqs = new List<ulong>();
        for (var i = 0; i < 30; i++)
        {
            seqs.Add((await db.WriteAsync(new WriteBatch().Put(B($"k{i}"), B("a")).Put(B($"j{i}"), B("b")))).Seq);
        }

        var reader = new WalReader("db", store, Fast());
        var firstPart = await TakeAsync(reader.FollowAsync(WalStart.Beginning), 24);
        var lastRow = firstPart[^1];
        var rest = await TakeAsync(reader.FollowAsync(WalStart.After(lastRow.WalId, lastRow.Seq)), 36);
        Assert.Equal(seqs.SelectMany(s => new[] { s, s }), firstPart.Concat(rest).Select(r => r.Seq));

        // By sequence number alone: the first row after it, wherever it is.
        var fromSeq = await TakeAsync(reader.FollowAsync(WalStart.AfterSeq(seqs[9])), 40);
        Assert.Equal(seqs.Skip(10).SelectMany(s => new[] { s, s }), fromSeq.Select(r => r.Seq));

        // From a WAL id: that object's rows and every later one's.
        var at = await TakeAsync(reader.FollowAsync(WalStart.AtWalId(lastRow.WalId)), 2);
        Assert.All(at, r => Assert.Equal(lastRow.WalId, r.WalId));
    }

    [Fact]
    public async Task A_follower_started_at_the_end_sees_only_later_commits()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, Options());
        await db.PutAsync(B("old"), B("1"));
        using var cts = new CancellationTokenSource(Wait);
        await using var rows = new WalReader("db", store, Fast()).FollowAsync(WalStart.End, cts.Token).GetAsyncEnumerator(cts.Token);
        var next = rows.MoveNextAsync().AsTask();
        var fresh = await db.PutAsync(B("new"), B("2"));
        Assert.True(await next);
        Assert.Equal((fresh.Seq, "new"), (rows.Current.Seq, S(rows.Current.Key)));
    }

    [Fact]
    public async Task Cancelling_a_waiting_follower_stops_it_with_OperationCanceledException()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, Options());
        await db.PutAsync(B("k"), B("v"));
        using var cts = new CancellationTokenSource();
        await using var rows = new WalReader("db", store, new WalReaderOptions { PollInterval = TimeSpan.FromHours(1) }).FollowAsync(WalStart.Beginning, cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await rows.MoveNextAsync());
        var waiting = rows.MoveNextAsync().AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Wait));
    }

    [Fact]
    public async Task WAL_objects_collected_before_the_follower_read_them_are_a_gap_naming_the_first_missing_id_never_a_silent_skip()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, Options());
        for (var i = 0; i < 5; i++)
        {
            await db.PutAsync(B($"k{i}"), B("v"));
        }

        await db.FlushAsync(FlushType.MemTable);
        await new DbAdmin("db", store).CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.Zero));
        var reader = new WalReader("db", store, Fast());
        var left = await reader.ListAsync();
        await db.PutAsync(B("later"), B("v"));

        // The collector keeps fences (a takeover's marker), so id 1 may survive alone.
        var ids = left.Select(f => f.Id).ToHashSet();
        var firstMissing = Enumerable.Range(1, 1000).Select(i => (ulong)i).First(i => !ids.Contains(i));
        Assert.True(firstMissing < left[^1].Id, "the collection removed WAL objects");
        var gap = await Assert.ThrowsAsync<WalGapException>(async () => await TakeAsync(reader.FollowAsync(WalStart.AtWalId(1)), 1));
        Assert.Equal(ErrorKind.Invalid, gap.Kind);
        Assert.Equal(firstMissing, gap.FirstMissingWalId);
        Assert.Equal(left.First(f => f.Id > firstMissing).Id, gap.NextWalId);
        await Assert.ThrowsAsync<WalGapException>(() => reader.ReadAsync(firstMissing));

        // A sequence number whose rows were in collected objects: a gap too.
        await Assert.ThrowsAsync<WalGapException>(async () => await TakeAsync(reader.FollowAsync(WalStart.AfterSeq(1)), 1));

        // From the beginning: whatever is left, then the new commit.
        var leftRows = 0;
        foreach (var file in left)
        {
            leftRows += (await reader.ReadAsync(file.Id)).Count;
        }

        var fromStart = await TakeAsync(reader.FollowAsync(WalStart.Beginning), leftRows + 1);
        Assert.Equal("later", S(fromStart[^1].Key));
    }

    [Fact]
    public async Task The_WAL_of_a_database_with_a_separate_WAL_store_is_read_from_that_store()
    {
        var main = new InMemoryObjectStore();
        var wal = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", main, Options(wal));
        var h = await db.PutAsync(B("k"), B("v"));
        var rows = await TakeAsync(new WalReader("db", main, Fast(wal)).FollowAsync(WalStart.Beginning), 1);
        Assert.Equal((h.Seq, "k"), (rows[0].Seq, S(rows[0].Key)));
    }

    [Fact]
    public async Task The_WAL_of_a_database_written_through_a_block_transformer_reads_with_it_and_is_Data_without_it()
    {
        var store = new InMemoryObjectStore();
        var transformer = new SlateFast.Tests.Sst.BlockTransformerTests.Xor(0x5a);
        await using var db = await DbHandle.OpenAsync("db", store, Options() with { BlockTransformer = transformer });
        var h = await db.PutAsync(B("secret"), B("v"));

        var rows = await TakeAsync(new WalReader("db", store, Fast() with { BlockTransformer = transformer }).FollowAsync(WalStart.Beginning), 1);
        Assert.Equal((h.Seq, "secret"), (rows[0].Seq, S(rows[0].Key)));

        var plain = new WalReader("db", store);
        var withRows = (await plain.ListAsync()).First(f => f.Id == rows[0].WalId);
        Assert.Equal(ErrorKind.Data, (await Assert.ThrowsAsync<SlateFastException>(() => plain.ReadAsync(withRows.Id))).Kind);
    }

    [Fact]
    public async Task Bad_options_a_WAL_id_of_zero_and_a_path_without_a_database_are_Invalid()
    {
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => new WalReader("db", new InMemoryObjectStore(), new WalReaderOptions { PollInterval = TimeSpan.Zero })).Kind);
        var reader = new WalReader("db", new InMemoryObjectStore());
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => WalStart.AtWalId(0)).Kind);
        Assert.Equal(ErrorKind.Invalid, Assert.Throws<SlateFastException>(() => WalStart.After(0, 5)).Kind);
        Assert.Equal(ErrorKind.Invalid, (await Assert.ThrowsAsync<SlateFastException>(async () => await TakeAsync(reader.FollowAsync(WalStart.Beginning), 1))).Kind);
    }

    private static async Task<List<WalRow>> TakeAsync(IAsyncEnumerable<WalRow> rows, int count)
    {
        using var cts = new CancellationTokenSource(Wait);
        var taken = new List<WalRow>();
        await foreach (var row in rows.WithCancellation(cts.Token))
        {
            taken.Add(row);
            if (taken.Count == count)
            {
                break;
            }
        }

        return taken;
    }
}
