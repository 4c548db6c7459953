using System.Security.Cryptography;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.ObjectStore;

/// <summary>
/// What every object store must do, run identically against each implementation. Each test works
/// under its own prefix so stores shared between tests (S3) do not interfere.
/// </summary>
public abstract class ObjectStoreContract
{
    private readonly string _prefix = $"t{Guid.NewGuid():N}/";

    protected abstract IObjectStore Store { get; }

    /// <summary>A store able to stream 15 MiB in several parts.</summary>
    protected virtual IObjectStore MultipartStore => Store;

    private string P(string name) => _prefix + name;

    private static byte[] Bytes(int length, int seed)
    {
        var b = new byte[length];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public async Task Put_then_get_returns_the_bytes_and_metadata()
    {
        var data = Bytes(10_000, 1);
        var meta = await Store.PutAsync(P("a/b/object"), data);
        var read = await Store.GetAsync(P("a/b/object"));

        Assert.NotNull(read);
        Assert.Equal(data, read.Data.ToArray());
        Assert.Equal(data.Length, read.Meta.Size);
        Assert.Equal(meta.ETag, read.Meta.ETag);
        Assert.False(string.IsNullOrEmpty(meta.ETag));
        Assert.DoesNotContain("\"", meta.ETag, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_empty_object_is_stored_and_read_back_empty()
    {
        await Store.PutAsync(P("empty"), ReadOnlyMemory<byte>.Empty);
        var read = await Store.GetAsync(P("empty"));
        Assert.NotNull(read);
        Assert.Equal(0, read.Data.Length);
        Assert.Equal(0, (await Store.HeadAsync(P("empty")))!.Value.Size);
    }

    [Fact]
    public async Task Overwrite_replaces_the_object_and_changes_its_etag()
    {
        var first = await Store.PutAsync(P("obj"), Bytes(100, 1));
        var second = await Store.PutAsync(P("obj"), Bytes(100, 2));

        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal(Bytes(100, 2), (await Store.GetAsync(P("obj")))!.Data.ToArray());
    }

    [Fact]
    public async Task Missing_objects_read_as_null_head_null_and_ranges_throw_not_found()
    {
        Assert.Null(await Store.GetAsync(P("missing")));
        Assert.Null(await Store.HeadAsync(P("missing")));
        var e = await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await Store.GetRangeAsync(P("missing"), 0, 10));
        Assert.Equal(ErrorKind.Data, e.Kind);
        Assert.Contains(P("missing"), e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ObjectNotFoundException>(async () => await Store.ReadRangeAsync(P("missing"), 0, new byte[4]));
    }

    [Fact]
    public async Task Put_if_absent_creates_once_and_then_reports_already_exists_without_changing_the_object()
    {
        var created = await Store.PutIfAbsentAsync(P("once"), Bytes(50, 1));
        var again = await Store.PutIfAbsentAsync(P("once"), Bytes(50, 2));

        Assert.Equal(PutOutcome.Stored, created.Outcome);
        Assert.False(string.IsNullOrEmpty(created.ETag));
        Assert.Equal(PutOutcome.AlreadyExists, again.Outcome);
        var stored = await Store.GetAsync(P("once"));
        Assert.Equal(Bytes(50, 1), stored!.Data.ToArray());
        Assert.Equal(created.ETag, stored.Meta.ETag);
    }

    [Fact]
    public async Task Put_if_absent_after_a_plain_put_reports_already_exists()
    {
        await Store.PutAsync(P("plain"), Bytes(5, 1));
        Assert.Equal(PutOutcome.AlreadyExists, (await Store.PutIfAbsentAsync(P("plain"), Bytes(5, 2))).Outcome);
    }

    [Fact]
    public async Task Put_if_match_swaps_with_the_current_etag_and_refuses_a_stale_one()
    {
        var v1 = await Store.PutAsync(P("cas"), Bytes(30, 1));
        var v2 = await Store.PutIfMatchAsync(P("cas"), Bytes(30, 2), v1.ETag);
        var stale = await Store.PutIfMatchAsync(P("cas"), Bytes(30, 3), v1.ETag);

        Assert.Equal(PutOutcome.Stored, v2.Outcome);
        Assert.NotEqual(v1.ETag, v2.ETag);
        Assert.Equal(PutOutcome.PreconditionFailed, stale.Outcome);
        var stored = await Store.GetAsync(P("cas"));
        Assert.Equal(Bytes(30, 2), stored!.Data.ToArray());
        Assert.Equal(v2.ETag, stored.Meta.ETag);
    }

    [Fact]
    public async Task Put_if_match_on_a_missing_object_fails_its_precondition()
    {
        var result = await Store.PutIfMatchAsync(P("nothing"), Bytes(3, 1), "some-etag");
        Assert.Equal(PutOutcome.PreconditionFailed, result.Outcome);
        Assert.Null(await Store.HeadAsync(P("nothing")));
    }

    [Fact]
    public async Task Put_if_match_with_the_etag_from_head_and_from_get_succeeds()
    {
        await Store.PutAsync(P("tags"), Bytes(10, 1));
        var head = await Store.HeadAsync(P("tags"));
        var afterHead = await Store.PutIfMatchAsync(P("tags"), Bytes(10, 2), head!.Value.ETag);
        Assert.True(afterHead.Stored);
        var got = await Store.GetAsync(P("tags"));
        Assert.True((await Store.PutIfMatchAsync(P("tags"), Bytes(10, 3), got!.Meta.ETag)).Stored);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(0, 1, 1)]
    [InlineData(0, 1000, 1000)]
    [InlineData(500, 250, 250)]
    [InlineData(999, 1, 1)]
    [InlineData(999, 10, 1)]
    [InlineData(990, 100, 10)]
    [InlineData(1000, 10, 0)]
    [InlineData(5000, 10, 0)]
    public async Task Ranged_reads_return_the_bytes_in_range_cut_at_the_end(long offset, int length, int expected)
    {
        var data = Bytes(1000, 7);
        await Store.PutAsync(P("range"), data);

        var range = await Store.GetRangeAsync(P("range"), offset, length);
        var buffer = new byte[length];
        var n = await Store.ReadRangeAsync(P("range"), offset, buffer);

        var want = data.AsSpan((int)Math.Min(offset, data.Length), expected).ToArray();
        Assert.Equal(want, range.ToArray());
        Assert.Equal(expected, n);
        Assert.Equal(want, buffer.AsSpan(0, n).ToArray());
    }

    [Fact]
    public async Task Negative_ranges_are_invalid()
    {
        await Store.PutAsync(P("r"), Bytes(10, 1));
        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await Store.GetRangeAsync(P("r"), -1, 5));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public async Task Head_reports_size_etag_and_a_plausible_modification_time()
    {
        var put = await Store.PutAsync(P("head"), Bytes(1234, 1));
        var head = await Store.HeadAsync(P("head"));

        Assert.NotNull(head);
        Assert.Equal(1234, head.Value.Size);
        Assert.Equal(put.ETag, head.Value.ETag);
        Assert.Equal(P("head"), head.Value.Path);
        Assert.InRange(head.Value.LastModified, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
    }

    [Fact]
    public async Task Listing_returns_only_objects_under_the_prefix_in_ascending_order()
    {
        string[] names = ["db/wal/00000000000000000002.sst", "db/wal/00000000000000000001.sst", "db/manifest/00000000000000000001.manifest", "db/walrus", "dbx/other", "db/compacted/01ABC.sst"];
        foreach (var n in names)
        {
            await Store.PutAsync(P(n), Bytes(3, 1));
        }

        var wal = (await Store.ListAllAsync(P("db/wal/"))).Select(o => o.Path[_prefix.Length..]).ToList();
        var walPartial = (await Store.ListAllAsync(P("db/wal"))).Select(o => o.Path[_prefix.Length..]).ToList();
        var db = (await Store.ListAllAsync(P("db/"))).Select(o => o.Path[_prefix.Length..]).ToList();
        var all = await Store.ListAllAsync(_prefix);

        Assert.Equal(["db/wal/00000000000000000001.sst", "db/wal/00000000000000000002.sst"], wal);
        Assert.Equal(["db/wal/00000000000000000001.sst", "db/wal/00000000000000000002.sst", "db/walrus"], walPartial);
        Assert.Equal(5, db.Count);
        Assert.Equal(db.Order(StringComparer.Ordinal), db);
        Assert.Equal(6, all.Count);
        Assert.All(all, o => Assert.Equal(3, o.Size));
        Assert.Empty(await Store.ListAllAsync(P("nothing/")));
    }

    [Fact]
    public async Task Listing_pages_through_more_than_a_thousand_objects()
    {
        const int count = 1050;
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            await Store.PutAsync(P($"many/{i:d5}"), BitConverter.GetBytes(i), ct));

        var first = await Store.ListPageAsync(P("many/"));
        Assert.Equal(ListPage.MaxPageSize, first.Objects.Count);
        Assert.NotNull(first.ContinuationToken);
        var second = await Store.ListPageAsync(P("many/"), first.ContinuationToken);
        Assert.Equal(count - ListPage.MaxPageSize, second.Objects.Count);
        Assert.Null(second.ContinuationToken);

        var small = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await Store.ListPageAsync(P("many/"), token, 100);
            Assert.InRange(page.Objects.Count, 1, 100);
            small.AddRange(page.Objects.Select(o => o.Path));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        var expected = Enumerable.Range(0, count).Select(i => P($"many/{i:d5}")).ToList();
        Assert.Equal(expected, first.Objects.Concat(second.Objects).Select(o => o.Path).ToList());
        Assert.Equal(expected, small);
        Assert.Equal(11, pages);
    }

    [Fact]
    public async Task Delete_removes_the_object_and_is_idempotent()
    {
        await Store.PutAsync(P("del"), Bytes(10, 1));
        await Store.DeleteAsync(P("del"));
        await Store.DeleteAsync(P("del"));
        await Store.DeleteAsync(P("never-existed/at/all"));

        Assert.Null(await Store.GetAsync(P("del")));
        Assert.Empty(await Store.ListAllAsync(P("del")));
        Assert.True((await Store.PutIfAbsentAsync(P("del"), Bytes(10, 2))).Stored);
    }

    [Fact]
    public async Task A_streamed_upload_of_15_MiB_becomes_visible_only_when_completed()
    {
        var store = MultipartStore;
        var data = Bytes(15 * 1024 * 1024, 3);
        await using (var writer = await store.OpenWriterAsync(P("big")))
        {
            var random = new Random(5);
            for (var offset = 0; offset < data.Length;)
            {
                // Uneven chunks cross part boundaries at odd places.
                var n = Math.Min(random.Next(1, 3 * 1024 * 1024), data.Length - offset);
                await writer.WriteAsync(data.AsMemory(offset, n));
                offset += n;
                Assert.Null(await store.HeadAsync(P("big")));
            }

            Assert.Equal(data.Length, writer.BytesWritten);
            var meta = await writer.CompleteAsync();
            Assert.Equal(data.Length, meta.Size);
        }

        var read = await store.GetAsync(P("big"));
        Assert.Equal(SHA256.HashData(data), SHA256.HashData(read!.Data.Span));
        var tail = await store.GetRangeAsync(P("big"), data.Length - 100, 1000);
        Assert.Equal(data.AsSpan(data.Length - 100).ToArray(), tail.ToArray());
    }

    [Fact]
    public async Task An_aborted_or_abandoned_streamed_upload_leaves_nothing()
    {
        var store = MultipartStore;
        var chunk = Bytes(6 * 1024 * 1024, 4);
        await using (var writer = await store.OpenWriterAsync(P("aborted")))
        {
            await writer.WriteAsync(chunk);
            await writer.WriteAsync(chunk);
            await writer.AbortAsync();
            await writer.AbortAsync();
            await Assert.ThrowsAsync<SlateFastException>(async () => await writer.WriteAsync(chunk));
        }

        await using (var abandoned = await store.OpenWriterAsync(P("abandoned")))
        {
            await abandoned.WriteAsync(chunk);
        }

        Assert.Null(await store.HeadAsync(P("aborted")));
        Assert.Null(await store.HeadAsync(P("abandoned")));
        Assert.Empty(await store.ListAllAsync(_prefix));
    }

    [Fact]
    public async Task A_small_streamed_upload_round_trips()
    {
        await using var writer = await Store.OpenWriterAsync(P("small"));
        await writer.WriteAsync(Bytes(10, 1));
        await writer.WriteAsync(Bytes(10, 2));
        await writer.CompleteAsync();
        Assert.Equal(Bytes(10, 1).Concat(Bytes(10, 2)).ToArray(), (await Store.GetAsync(P("small")))!.Data.ToArray());
    }

    [Fact]
    public async Task Sixteen_concurrent_creates_of_one_name_have_exactly_one_winner()
    {
        var attempts = Enumerable.Range(0, 16)
            .Select(i => Task.Run(async () => (i, await Store.PutIfAbsentAsync(P("race"), BitConverter.GetBytes(i)))))
            .ToArray();
        var results = await Task.WhenAll(attempts);

        var winners = results.Where(r => r.Item2.Stored).ToList();
        Assert.Single(winners);
        Assert.All(results.Where(r => !r.Item2.Stored), r => Assert.Equal(PutOutcome.AlreadyExists, r.Item2.Outcome));
        var stored = await Store.GetAsync(P("race"));
        Assert.Equal(winners[0].i, BitConverter.ToInt32(stored!.Data.Span));
    }

    [Fact]
    public async Task Sixteen_concurrent_swaps_from_one_etag_have_exactly_one_winner()
    {
        var start = await Store.PutAsync(P("swap"), Bytes(4, 0));
        var attempts = Enumerable.Range(0, 16)
            .Select(i => Task.Run(async () => (i, await Store.PutIfMatchAsync(P("swap"), BitConverter.GetBytes(i), start.ETag))))
            .ToArray();
        var results = await Task.WhenAll(attempts);

        var winners = results.Where(r => r.Item2.Stored).ToList();
        Assert.Single(winners);
        Assert.Equal(winners[0].i, BitConverter.ToInt32((await Store.GetAsync(P("swap")))!.Data.Span));
    }

    [Theory]
    [InlineData("")]
    [InlineData("/absolute")]
    [InlineData("a/../b")]
    [InlineData("..")]
    [InlineData("./a")]
    [InlineData("a//b")]
    [InlineData("a/")]
    [InlineData("a\0b")]
    [InlineData("a\\..\\b")]
    [InlineData("a\nb")]
    [InlineData(".slatefast-tmp/x")]
    public async Task Invalid_names_are_rejected_as_invalid_naming_the_input(string name)
    {
        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await Store.PutAsync(name, Bytes(1, 1)));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
        Assert.Contains("invalid object path", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("\0", e.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SlateFastException>(async () => await Store.GetAsync(name));
        await Assert.ThrowsAsync<SlateFastException>(async () => await Store.PutIfAbsentAsync(name, Bytes(1, 1)));
        await Assert.ThrowsAsync<SlateFastException>(async () => await Store.DeleteAsync(name));
    }

    [Fact]
    public async Task An_overlong_name_is_invalid()
    {
        var e = await Assert.ThrowsAsync<SlateFastException>(async () => await Store.PutAsync(new string('k', ObjectPath.MaxLength + 1), Bytes(1, 1)));
        Assert.Equal(ErrorKind.Invalid, e.Kind);
    }

    [Fact]
    public async Task The_capability_check_passes()
    {
        var results = await StoreCapabilityCheck.RunAsync(MultipartStore);
        Assert.All(results, r => Assert.True(r.Passed, $"{r.Name}: {r.Detail}"));
        Assert.Equal(7, results.Count);
    }
}
