using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Db;

/// <summary>
/// <see cref="DbStatus"/> and <c>SubscribeAsync</c> on writers and readers (SlateDB's
/// <c>status</c>/<c>subscribe</c>; SlateDB #1408): what the status reports, and that a subscriber
/// hears of durable writes, flushes, newer data a reader finds, and the close, then stops.
/// </summary>
public sealed class DbStatusTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromMinutes(1);

    private static DbOptions Options => TestOptions.NoCollector();

    [Fact]
    public async Task A_writers_status_reports_sequence_numbers_manifest_memtables_L0s_and_its_close()
    {
        var store = new InMemoryObjectStore();
        var db = await DbHandle.OpenAsync("db", store, Options);
        var opened = db.Status;
        Assert.Equal((CloseReason.None, false, 0, 0), (opened.CloseReason, opened.IsClosed, opened.L0Ssts, opened.SortedRuns));
        Assert.Null(opened.LastL0FlushTime);
        Assert.Equal(db.WriterEpoch, opened.WriterEpoch);

        var put = await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        Assert.Equal((put.Seq, put.Seq), (db.Status.DurableSeq, db.Status.LastSeq));

        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await db.FlushAsync(FlushType.MemTable);
        var flushed = db.Status;
        Assert.Equal((1, put.Seq), (flushed.L0Ssts, flushed.LastL0Seq));
        Assert.True(flushed.LastL0FlushTime >= before, $"{flushed.LastL0FlushTime} is the L0's time");
        Assert.True(flushed.ManifestId > opened.ManifestId);

        await db.CloseAsync();
        var closed = db.Status;
        Assert.Equal((CloseReason.Clean, true), (closed.CloseReason, closed.IsClosed));
        Assert.NotNull(closed.CloseMessage);
    }

    [Fact]
    public async Task A_subscriber_sees_the_status_now_then_durable_writes_and_flushes_and_ends_after_the_close()
    {
        var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options);
        using var cts = new CancellationTokenSource(Wait);
        await using var statuses = db.SubscribeAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await statuses.MoveNextAsync());
        Assert.Equal(0UL, statuses.Current.DurableSeq);

        var put = await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());
        await NextUntilAsync(statuses, s => s.DurableSeq >= put.Seq);

        await db.FlushAsync(FlushType.MemTable);
        await NextUntilAsync(statuses, s => s.L0Ssts == 1);

        await db.CloseAsync();
        await NextUntilAsync(statuses, s => s.CloseReason == CloseReason.Clean);
        Assert.False(await statuses.MoveNextAsync());
    }

    [Fact]
    public async Task A_fenced_writers_status_says_fenced_and_its_subscribers_hear_it()
    {
        var store = new InMemoryObjectStore();
        var old = await DbHandle.OpenAsync("db", store, Options);
        using var cts = new CancellationTokenSource(Wait);
        await using var statuses = old.SubscribeAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await statuses.MoveNextAsync());

        await using var newer = await DbHandle.OpenAsync("db", store, Options);
        await Assert.ThrowsAsync<SlateFastException>(async () => await old.PutAsync("k"u8.ToArray(), "v"u8.ToArray()));

        await NextUntilAsync(statuses, s => s.CloseReason == CloseReason.Fenced);
        Assert.Equal(CloseReason.Fenced, old.Status.CloseReason);
        Assert.False(await statuses.MoveNextAsync());
        await old.CloseAsync();
    }

    [Fact]
    public async Task A_reader_subscriber_is_told_when_newer_data_becomes_visible_without_polling_itself()
    {
        var store = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", store, Options);
        await db.PutAsync("a"u8.ToArray(), "1"u8.ToArray());
        var reader = await DbReader.OpenAsync("db", store, new DbReaderOptions { ManifestPollInterval = TimeSpan.FromMilliseconds(20) });
        using var cts = new CancellationTokenSource(Wait);
        await using var statuses = reader.SubscribeAsync(cts.Token).GetAsyncEnumerator(cts.Token);
        Assert.True(await statuses.MoveNextAsync());
        Assert.Equal(reader.LastSeq, statuses.Current.DurableSeq);

        var put = await db.PutAsync("b"u8.ToArray(), "2"u8.ToArray());
        await NextUntilAsync(statuses, s => s.DurableSeq >= put.Seq);
        Assert.Equal("2"u8.ToArray(), await reader.GetAsync("b"u8.ToArray()));

        await db.FlushAsync(FlushType.MemTable);
        await NextUntilAsync(statuses, s => s.L0Ssts == 1);

        await reader.DisposeAsync();
        await NextUntilAsync(statuses, s => s.IsClosed);
        Assert.False(await statuses.MoveNextAsync());
    }

    private static async Task NextUntilAsync(IAsyncEnumerator<DbStatus> statuses, Func<DbStatus, bool> condition)
    {
        while (!condition(statuses.Current))
        {
            Assert.True(await statuses.MoveNextAsync(), "the subscription ended first");
        }
    }
}
