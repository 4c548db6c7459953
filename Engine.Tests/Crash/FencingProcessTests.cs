using System.Text;
using SlateFast.Manifest;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Crash;

/// <summary>Two SlateFast processes on one database: the newer writer fences the older one (spec §10.1).</summary>
public sealed class FencingProcessTests
{
    [Fact]
    public async Task A_second_process_opening_the_database_fences_the_first_whose_next_durable_put_fails_closed_fenced()
    {
        using var folder = new TempFolder("fence");
        using var first = await HeldSlateFastWriter.StartAsync(folder.Path, "db");
        Assert.True((await first.PutAsync(B("before"), B("1"))).Ok, first.Stderr);

        var store = new LocalObjectStore(folder.Path);
        await using (var second = await DbHandle.OpenAsync("db", store))
        {
            var fenced = await first.PutAsync(B("zombie-durable"), B("x"));
            var afterwards = await first.PutNoWaitAsync(B("zombie-nowait"), B("y"));
            var again = await first.PutAsync(B("zombie-again"), B("z"));

            Assert.Equal((false, "Closed:Fenced"), (fenced.Ok, fenced.ErrorKind));
            Assert.Equal((false, "Closed:Fenced"), (afterwards.Ok, afterwards.ErrorKind));
            Assert.Equal((false, "Closed:Fenced"), (again.Ok, again.ErrorKind));
            await first.CloseAsync();

            Assert.Equal("1", S(await second.GetAsync(B("before"))));
            await second.PutAsync(B("after"), B("2"));
        }

        await using var reopened = await DbHandle.OpenAsync("db", store);
        Assert.Equal("1", S(await reopened.GetAsync(B("before"))));
        Assert.Equal("2", S(await reopened.GetAsync(B("after"))));
        foreach (var zombie in new[] { "zombie-durable", "zombie-nowait", "zombie-again" })
        {
            Assert.Null(await reopened.GetAsync(B(zombie)));
        }
    }

    [Fact]
    public async Task A_fenced_writer_cannot_publish_its_buffered_writes_through_a_memtable_flush()
    {
        using var folder = new TempFolder("fence");
        // With an hour-long flush interval the non-durable put stays in the first writer's buffer.
        using var first = await HeldSlateFastWriter.StartAsync(folder.Path, "db", TimeSpan.FromHours(1));
        Assert.True((await first.PutNoWaitAsync(B("buffered"), B("x"))).Ok, first.Stderr);

        var store = new LocalObjectStore(folder.Path);
        await using (var second = await DbHandle.OpenAsync("db", store))
        {
            var flush = await first.FlushMemtableAsync();

            Assert.Equal((false, "Closed:Fenced"), (flush.Ok, flush.ErrorKind));
            Assert.Null(await second.GetAsync(B("buffered")));
            await first.CloseAsync();
        }

        await using var reopened = await DbHandle.OpenAsync("db", store);
        Assert.Null(await reopened.GetAsync(B("buffered")));
        var (_, manifest) = (await new ManifestStore(store, "db").LoadLatestAsync())!.Value;
        Assert.Empty(manifest.L0);
    }

    private static string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);
}
