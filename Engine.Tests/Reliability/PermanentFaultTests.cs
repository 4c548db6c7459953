using SlateFast.Fuzz.Operations;
using SlateFast.ObjectStore;
using SlateFast.Sst;
using Xunit.Abstractions;
using static SlateFast.Tests.Reliability.ReliabilityKit;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// A fault that retrying does not cure, at each place the engine talks to the store: the callers
/// it affects get <see cref="ErrorKind.Unavailable"/> or <see cref="ErrorKind.Closed"/> (panic, with
/// the cause), no write is acknowledged without being stored, and once the fault is gone the
/// database reopens with every acknowledged write.
/// </summary>
public sealed class PermanentFaultTests(ITestOutputHelper output)
{
    private sealed class Setup
    {
        public required InMemoryObjectStore Objects { get; init; }

        public required ChaosStore Chaos { get; init; }

        public required DbHandle Db { get; set; }

        public SortedDictionary<string, string> Acked { get; } = new(StringComparer.Ordinal);

        public void Fail(string operation, string pathPart) =>
            Chaos.Permanent = (op, path) => op == operation && path.Contains(pathPart, StringComparison.Ordinal);
    }

    private async Task<Setup> StartAsync()
    {
        var objects = new InMemoryObjectStore();
        var chaos = new ChaosStore(objects, 7);
        var db = await DbHandle.OpenAsync("db", Retrying(chaos, 7, attempts: 3), Options(7));
        var setup = new Setup { Objects = objects, Chaos = chaos, Db = db };
        for (var i = 0; i < 40; i++)
        {
            await db.PutAsync(B($"k{i:d2}"), B($"v{i}"));
            setup.Acked[$"k{i:d2}"] = $"v{i}";
            if (i == 20)
            {
                await db.FlushAsync(FlushType.MemTable);
            }
        }

        return setup;
    }

    private async Task AssertRecoveredAsync(Setup setup, params string[] alsoAllowed)
    {
        setup.Chaos.Permanent = null;
        try
        {
            await setup.Db.DisposeAsync();
        }
        catch (SlateFastException e)
        {
            output.WriteLine($"close: {e.Kind}: {e.Message}");
        }

        await using var reopened = await DbHandle.OpenAsync("db", setup.Objects, Options(8));
        var all = await ReadAllAsync(reopened.ScanAsync(KeyRange.All));
        foreach (var key in alsoAllowed)
        {
            all.Remove(key);
        }

        AssertSame(setup.Acked, all, "after the fault cleared");
    }

    private static void AssertFailure(SlateFastException e)
    {
        Assert.True(e.Kind == ErrorKind.Unavailable || (e.Kind == ErrorKind.Closed && e.CloseReason == CloseReason.Panic), $"{e.Kind}/{e.CloseReason}: {e.Message}");
        Assert.Contains("injected permanent failure", e.Kind == ErrorKind.Unavailable ? e.Message : e.Message + e.InnerException?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_wal_write_fails_the_durable_write_waiting_for_it_and_closes_the_database()
    {
        var setup = await StartAsync();
        setup.Fail("put-if-absent", "/wal/");
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(async () => await setup.Db.PutAsync(B("doomed"), B("x")));
        AssertFailure(e);
        var later = await Assert.ThrowsAnyAsync<SlateFastException>(async () => await setup.Db.PutAsync(B("later"), B("y")));
        Assert.Equal((ErrorKind.Closed, CloseReason.Panic), (later.Kind, later.CloseReason));
        await AssertRecoveredAsync(setup);
    }

    [Theory]
    [InlineData("complete", "/compacted/")]
    [InlineData("write", "/compacted/")]
    [InlineData("open-writer", "/compacted/")]
    [InlineData("put-if-absent", "/manifest/")]
    public async Task A_failed_l0_flush_or_its_manifest_update_fails_the_flush_and_closes_the_database(string operation, string path)
    {
        var setup = await StartAsync();
        await setup.Db.PutAsync(B("in-memtable"), B("z"));
        setup.Acked["in-memtable"] = "z";
        setup.Fail(operation, path);
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => setup.Db.FlushAsync(FlushType.MemTable));
        AssertFailure(e);
        Assert.Equal(CloseReason.Panic, setup.Db.CloseReason);
        await AssertRecoveredAsync(setup);
    }

    [Fact]
    public async Task A_failed_sst_read_fails_that_read_only_and_the_database_stays_open()
    {
        var setup = await StartAsync();
        setup.Fail("get-range", "/compacted/");
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(async () => await setup.Db.GetAsync(B("k03")));
        AssertFailure(e);
        Assert.Equal(CloseReason.None, setup.Db.CloseReason);
        setup.Chaos.Permanent = null;
        Assert.Equal("v3", S(await setup.Db.GetAsync(B("k03"))));
        await AssertRecoveredAsync(setup);
    }

    [Fact]
    public async Task A_failed_checkpoint_manifest_write_fails_the_checkpoint_and_adds_nothing()
    {
        var setup = await StartAsync();
        await setup.Db.FlushAsync(FlushType.MemTable);
        setup.Fail("put-if-absent", "/manifest/");
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => setup.Db.CreateCheckpointAsync(CheckpointScope.Durable));
        AssertFailure(e);
        setup.Chaos.Permanent = null;
        Assert.Empty(await new DbAdmin("db", setup.Objects).ListCheckpointsAsync());
        await AssertRecoveredAsync(setup);
    }

    [Fact]
    public async Task A_failed_collector_pass_fails_the_pass_and_leaves_the_database_alone()
    {
        var setup = await StartAsync();
        setup.Fail("list", "db/");
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => new DbAdmin("db", Retrying(setup.Chaos, 1, attempts: 2)).CollectGarbageAsync(GarbageCollectorOptions.All(TimeSpan.Zero)));
        AssertFailure(e);
        setup.Chaos.Permanent = null;
        await setup.Db.PutAsync(B("after-gc"), B("ok"));
        setup.Acked["after-gc"] = "ok";
        await AssertRecoveredAsync(setup);
    }

    [Fact]
    public async Task A_failed_ingestion_upload_fails_the_ingestion_changes_nothing_and_writes_go_on()
    {
        var setup = await StartAsync();
        await setup.Db.FlushAsync(FlushType.MemTable);
        await using (var writer = await SstWriter.CreateAsync(setup.Objects, "incoming/a.sst"))
        {
            await writer.PutAsync(B("ingested"), B("i"));
            await writer.CloseAsync();
        }

        setup.Fail("complete", "/compacted/");
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => setup.Db.IngestAsync(["incoming/a.sst"]));
        AssertFailure(e);
        Assert.Equal(CloseReason.None, setup.Db.CloseReason);
        Assert.Null(await setup.Db.GetAsync(B("ingested")));
        setup.Chaos.Permanent = null;
        await setup.Db.PutAsync(B("after"), B("ok"));
        setup.Acked["after"] = "ok";
        await AssertRecoveredAsync(setup);
    }

    [Theory]
    [InlineData("get", "/manifest/")]
    [InlineData("list", "db/wal/")]
    [InlineData("get-range", "/wal/")]
    [InlineData("put-if-absent", "/wal/")]
    public async Task A_failed_recovery_step_fails_the_open_with_unavailable_and_a_later_open_recovers_everything(string operation, string path)
    {
        var setup = await StartAsync();
        await setup.Db.CloseAsync();
        setup.Fail(operation, path);
        var e = await Assert.ThrowsAnyAsync<SlateFastException>(() => DbHandle.OpenAsync("db", Retrying(setup.Chaos, 1, attempts: 2), Options(10)));
        AssertFailure(e);
        await AssertRecoveredAsync(setup);
    }
}
