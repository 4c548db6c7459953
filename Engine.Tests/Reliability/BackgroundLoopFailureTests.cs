using System.Text;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Reliability;

/// <summary>
/// A background loop that dies of an exception nobody expected (a bug, a native library that
/// will not load) turns waiting into an error: the database or reader closes with a reason that
/// names the loop, and every caller waiting on that loop's work, or arriving later, gets
/// <see cref="ErrorKind.Closed"/> with <see cref="CloseReason.Panic"/>. Nothing waits forever.
/// </summary>
public sealed class BackgroundLoopFailureTests
{
    // Generous: only a hang (the bug these tests guard against) gets anywhere near it.
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    private static DbOptions Options => new()
    {
        FlushInterval = TimeSpan.FromMilliseconds(5),
        FormatLevel = FormatLevel.SlateDb012,
        GarbageCollector = null,
        Compactor = new() { Enabled = false },
    };

    [Fact]
    public async Task A_WAL_writer_that_throws_something_unexpected_fails_the_durable_put_instead_of_hanging()
    {
        var store = new BugStore(new InMemoryObjectStore());
        await using var db = await DbHandle.OpenAsync("db", store, Options);
        store.Arm((op, path) => op == "put-if-absent" && path.Contains("/wal/", StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<SlateFastException>(() => db.PutAsync(B("k"), B("v")).AsTask().WaitAsync(s_hang));

        AssertPanic(error, "WAL writer");
        AssertPanic(await Assert.ThrowsAsync<SlateFastException>(() => db.PutAsync(B("k2"), B("v")).AsTask().WaitAsync(s_hang)), "WAL writer");
    }

    [Fact]
    public async Task A_memtable_flusher_that_throws_something_unexpected_fails_the_flush_and_closes_the_database()
    {
        var store = new BugStore(new InMemoryObjectStore());
        await using var db = await DbHandle.OpenAsync("db", store, Options);
        await db.PutAsync(B("k"), B("v"));
        store.Arm((op, path) => path.Contains("/compacted/", StringComparison.Ordinal) && op is "open-writer" or "put" or "put-if-absent");

        var error = await Assert.ThrowsAsync<SlateFastException>(() => db.FlushAsync(FlushType.MemTable).WaitAsync(s_hang));

        AssertPanic(error, "memtable flusher");
        AssertPanic(await db.Failure.WaitAsync(s_hang), "memtable flusher");
        AssertPanic(await Assert.ThrowsAsync<SlateFastException>(() => db.PutAsync(B("k2"), B("v")).AsTask()), "memtable flusher");
    }

    [Fact]
    public async Task A_compactor_whose_pass_throws_something_unexpected_closes_its_database()
    {
        var store = new BugStore(new InMemoryObjectStore());
        var options = Options with { Compactor = new() { Enabled = true, PollInterval = TimeSpan.FromMilliseconds(10) } };
        await using var db = await DbHandle.OpenAsync("db", store, options);
        await db.CompactAsync();
        store.Arm((op, path) => path.Contains("/compactions/", StringComparison.Ordinal));

        var reason = await db.Failure.WaitAsync(s_hang);

        AssertPanic(reason, "compactor");
        AssertPanic(await Assert.ThrowsAsync<SlateFastException>(() => db.PutAsync(B("k"), B("v")).AsTask()), "compactor");
    }

    [Fact]
    public async Task A_compactor_whose_start_throws_something_unexpected_closes_its_database()
    {
        var store = new BugStore(new InMemoryObjectStore());
        // The writer's open only lists the compactions; claiming the compactor epoch writes them.
        store.Arm((op, path) => op.StartsWith("put", StringComparison.Ordinal) && path.Contains("/compactions/", StringComparison.Ordinal));
        var options = Options with { Compactor = new() { Enabled = true, PollInterval = TimeSpan.FromMilliseconds(10) } };
        await using var db = await DbHandle.OpenAsync("db", store, options);

        AssertPanic(await db.Failure.WaitAsync(s_hang), "compactor start");
        AssertPanic(await Assert.ThrowsAsync<SlateFastException>(() => db.CompactAsync()), "compactor start");
    }

    [Fact]
    public async Task A_garbage_collector_that_throws_something_unexpected_closes_its_database()
    {
        var store = new BugStore(new InMemoryObjectStore());
        var every = new GarbageCollectorDirectoryOptions { Interval = TimeSpan.FromMilliseconds(10), MinAge = TimeSpan.Zero };
        var options = Options with { GarbageCollector = new() { Manifest = null, Compacted = null, Compactions = null, Wal = every } };
        await using var db = await DbHandle.OpenAsync("db", store, options);
        store.Arm((op, path) => op == "list" && path.Contains("/wal", StringComparison.Ordinal));

        AssertPanic(await db.Failure.WaitAsync(s_hang), "garbage collector");
        AssertPanic(await Assert.ThrowsAsync<SlateFastException>(() => db.PutAsync(B("k"), B("v")).AsTask()), "garbage collector");
    }

    [Fact]
    public async Task A_reader_whose_poller_throws_something_unexpected_closes_and_its_reads_fail()
    {
        var objects = new InMemoryObjectStore();
        await using var db = await DbHandle.OpenAsync("db", objects, Options);
        await db.PutAsync(B("k"), B("v"));
        var readerStore = new BugStore(objects);
        await using var reader = await DbReader.OpenAsync("db", readerStore, new DbReaderOptions { ManifestPollInterval = TimeSpan.FromMilliseconds(10) });
        Assert.Equal(B("v"), await reader.GetAsync(B("k")));
        readerStore.Arm((op, path) => op == "list" && path.Contains("/manifest", StringComparison.Ordinal));

        AssertPanic(await reader.Failure.WaitAsync(s_hang), "poller");
        AssertPanic(await Assert.ThrowsAsync<SlateFastException>(() => reader.GetAsync(B("k")).AsTask()), "poller");
        AssertPanic(await Assert.ThrowsAsync<SlateFastException>(() => reader.RefreshAsync()), "poller");
        readerStore.Arm((_, _) => false);
    }

    private static void AssertPanic(SlateFastException error, string mentions)
    {
        Assert.Equal(ErrorKind.Closed, error.Kind);
        Assert.Equal(CloseReason.Panic, error.CloseReason);
        Assert.Contains(mentions, error.Message, StringComparison.Ordinal);
    }

    /// <summary>Throws an exception of a type no store ever throws, once armed, for the requests a rule picks.</summary>
    private sealed class BugStore(IObjectStore inner) : ObjectStoreDecorator(inner)
    {
        private volatile Func<string, string, bool>? _rule;

        /// <summary>From now on, throws for the requests <paramref name="rule"/> picks (replacing any earlier rule).</summary>

        public void Arm(Func<string, string, bool> rule) => _rule = rule;

        protected override ValueTask<T> Execute<T>(string operation, string path, Func<CancellationToken, ValueTask<T>> call, CancellationToken cancellationToken) =>
            _rule?.Invoke(operation, path) == true
                ? throw new InvalidOperationException($"injected bug in {operation} {path}")
                : call(cancellationToken);
    }
}
