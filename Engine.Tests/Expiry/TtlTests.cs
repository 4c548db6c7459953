using System.Text;
using SlateFast.ObjectStore;
using SlateFast.Tests.Support;

namespace SlateFast.Tests.Expiry;

public sealed class TtlTests
{
    private static readonly WriteOptions NoWait = WriteOptions.NoWait;
    private static readonly ReadOptions Hide = new() { HideExpired = true };

    private static string? S(byte[]? b) => b is null ? null : Encoding.UTF8.GetString(b);

    private static DbOptions Options(ManualClock clock, TimeSpan? defaultTtl = null) =>
        new() { TimeProvider = clock, FlushInterval = TimeSpan.FromMilliseconds(5), DefaultTtl = defaultTtl, MergeOperator = MergeOperators.Concat };

    private static PutOptions After(TimeSpan ttl) => new() { Ttl = SlateFast.Ttl.ExpireAfter(ttl) };

    [Fact]
    public async Task Expire_times_come_from_the_injected_clock_and_each_ttl_kind()
    {
        var clock = new ManualClock();
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options(clock, defaultTtl: TimeSpan.FromHours(1)));
        await db.PutAsync(B("after"), B("v"), After(TimeSpan.FromMinutes(1)), NoWait);
        await db.PutAsync(B("at"), B("v"), new PutOptions { Ttl = SlateFast.Ttl.ExpireAt(DateTimeOffset.FromUnixTimeMilliseconds(now + 5)) }, NoWait);
        await db.PutAsync(B("default"), B("v"), writeOptions: NoWait);
        await db.PutAsync(B("never"), B("v"), new PutOptions { Ttl = SlateFast.Ttl.NoExpiry }, NoWait);
        await db.DeleteAsync(B("deleted"), NoWait);

        Assert.Equal(now + 60_000, (await db.GetKeyValueAsync(B("after")))!.ExpireTs);
        Assert.Equal(now + 5, (await db.GetKeyValueAsync(B("at")))!.ExpireTs);
        Assert.Equal(now + 3_600_000, (await db.GetKeyValueAsync(B("default")))!.ExpireTs);
        Assert.Null((await db.GetKeyValueAsync(B("never")))!.ExpireTs);
        Assert.Equal(now, (await db.GetKeyValueAsync(B("never")))!.CreateTs);
    }

    [Fact]
    public async Task Reads_return_expired_values_as_slatedb_does_unless_asked_to_hide_them()
    {
        var clock = new ManualClock();
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options(clock));
        await db.PutAsync(B("k"), B("old"), writeOptions: NoWait);
        await db.PutAsync(B("k"), B("short"), After(TimeSpan.FromMinutes(1)), NoWait);
        await db.PutAsync(B("other"), B("v"), writeOptions: NoWait);

        Assert.Equal("short", S(await db.GetAsync(B("k"), Hide)));
        clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal("short", S(await db.GetAsync(B("k"))));
        Assert.Null(await db.GetAsync(B("k"), Hide)); // like a tombstone: the older value stays hidden too
        var visible = new List<string>();
        await foreach (var kv in db.ScanAsync(KeyRange.All, new ScanOptions { HideExpired = true }))
        {
            visible.Add(S(kv.Key)!);
        }

        Assert.Equal(["other"], visible);
    }

    [Fact]
    public async Task A_flush_after_expiry_turns_an_expired_value_into_a_tombstone_that_survives_reopen()
    {
        var clock = new ManualClock();
        var store = new InMemoryObjectStore();
        await using (var db = await DbHandle.OpenAsync("db", store, Options(clock)))
        {
            await db.PutAsync(B("k"), B("short"), After(TimeSpan.FromSeconds(10)), NoWait);
            await db.PutAsync(B("keep"), B("v"), After(TimeSpan.FromDays(1)), NoWait);
            clock.Advance(TimeSpan.FromSeconds(11));
            await db.PutAsync(B("tick"), B("moves the memtable's last tick past the expiry"), writeOptions: NoWait);
            await db.FlushAsync(FlushType.MemTable);

            Assert.Null(await db.GetAsync(B("k")));
            Assert.Equal("v", S(await db.GetAsync(B("keep"))));
        }

        await using var reopened = await DbHandle.OpenAsync("db", store, Options(clock));
        Assert.Null(await reopened.GetAsync(B("k")));
        Assert.Equal("v", S(await reopened.GetAsync(B("keep"))));
    }

    [Fact]
    public async Task An_expired_merge_operand_is_dropped_by_the_flush_and_the_rest_still_fold()
    {
        var clock = new ManualClock();
        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore(), Options(clock));
        await db.PutAsync(B("k"), B("base;"), writeOptions: NoWait);
        await db.MergeAsync(B("k"), B("short;"), After(TimeSpan.FromSeconds(1)), NoWait);
        await db.MergeAsync(B("k"), B("long;"), After(TimeSpan.FromDays(1)), NoWait);
        Assert.Equal("base;short;long;", S(await db.GetAsync(B("k"))));

        clock.Advance(TimeSpan.FromSeconds(2));
        await db.PutAsync(B("tick"), B("t"), writeOptions: NoWait);
        await db.FlushAsync(FlushType.MemTable);

        Assert.Equal("base;long;", S(await db.GetAsync(B("k"))));
    }
}
