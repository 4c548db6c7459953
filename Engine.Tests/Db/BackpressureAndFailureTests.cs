using SlateFast.ObjectStore;
using SlateFast.Testing;

namespace SlateFast.Tests.Db;

public sealed class BackpressureAndFailureTests
{
    [Fact]
    public async Task Writers_wait_while_unflushed_bytes_exceed_the_limit_and_memory_stays_bounded()
    {
        // Every L0 upload is slowed down, so writers outrun the memtable flusher.
        var slow = new FaultInjectingObjectStore(new InMemoryObjectStore(), new FaultOptions
        {
            Operations = new HashSet<string> { "open-writer" },
            MinLatency = TimeSpan.FromMilliseconds(20),
            MaxLatency = TimeSpan.FromMilliseconds(40),
        });
        var options = new DbOptions
        {
            FlushInterval = TimeSpan.FromMilliseconds(5),
            L0SstSizeBytes = 16 * 1024,
            MaxUnflushedBytes = 64 * 1024,
            L0MaxSsts = 10_000,
        };
        await using var db = await DbHandle.OpenAsync("db", slow, options);
        var backpressure = 0L;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Name == "slatefast.db.backpressure_count")
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => Interlocked.Add(ref backpressure, v));
        listener.Start();

        var peakUnflushed = 0L;
        var peakMemtables = 0L;
        var value = new byte[500];
        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 150; i++)
            {
                await db.PutAsync(System.Text.Encoding.ASCII.GetBytes($"w{w}-{i:d4}"), value, writeOptions: WriteOptions.NoWait);
                InterlockedMax(ref peakUnflushed, db.UnflushedBytes);
                InterlockedMax(ref peakMemtables, db.MemtableCount);
            }
        })));

        await db.FlushAsync(FlushType.MemTable);
        Assert.True(Interlocked.Read(ref backpressure) > 0, "no write ever waited");

        // 300 KB of values went in; unflushed data stayed near its 64 KiB bound (each of the four
        // writers may commit one row past it) and only a few memtables were ever alive.
        Assert.InRange(Interlocked.Read(ref peakUnflushed), options.L0SstSizeBytes, options.MaxUnflushedBytes + (4 * 600));
        Assert.InRange(Interlocked.Read(ref peakMemtables), 1, 6);
        Assert.Equal(value, await db.GetAsync("w3-0149"u8.ToArray()));
    }

    [Fact]
    public async Task A_failed_wal_write_fails_exactly_its_writes_and_closes_the_database_with_the_cause()
    {
        var inner = new InMemoryObjectStore();
        var faults = new FaultInjectingObjectStore(inner);
        await using var db = await DbHandle.OpenAsync("db", new RetryingObjectStore(faults, new RetryOptions { MaxAttempts = 2, InitialBackoff = TimeSpan.Zero }), new DbOptions { FlushInterval = TimeSpan.FromMilliseconds(5) });
        await db.PutAsync("before"u8.ToArray(), "1"u8.ToArray());

        faults.Rule = (op, path) => op == "put-if-absent" && path.Contains("/wal/", StringComparison.Ordinal) ? new Fault(FaultKind.Permanent) : null;
        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await db.PutAsync("doomed"u8.ToArray(), "2"u8.ToArray()));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Equal(CloseReason.Panic, db.CloseReason);

        // The failed write's sequence number was consumed all the same.
        Assert.Equal(2UL, db.LastSeq);
        var after = await Assert.ThrowsAsync<SlateFastException>(async () => await db.PutAsync("after"u8.ToArray(), "3"u8.ToArray()));
        Assert.Equal((ErrorKind.Closed, CloseReason.Panic), (after.Kind, after.CloseReason));
        Assert.Contains("injected permanent failure", after.Message, StringComparison.Ordinal);

        // Nothing unacknowledged became durable; the acknowledged write survives.
        faults.Rule = null;
        await using var reopened = await DbHandle.OpenAsync("db", inner);
        Assert.Equal("1"u8.ToArray(), await reopened.GetAsync("before"u8.ToArray()));
        Assert.Null(await reopened.GetAsync("doomed"u8.ToArray()));
    }

    [Fact]
    public async Task A_writer_waiting_for_room_gets_an_error_not_a_hang_when_the_flusher_dies()
    {
        var inner = new InMemoryObjectStore();
        var faults = new FaultInjectingObjectStore(inner);
        var options = new DbOptions { FlushInterval = TimeSpan.FromMilliseconds(5), L0SstSizeBytes = 4096, MaxUnflushedBytes = 8192, L0MaxSsts = 10_000 };
        await using var db = await DbHandle.OpenAsync("db", new RetryingObjectStore(faults, new RetryOptions { MaxAttempts = 1 }), options);
        faults.Rule = (op, path) => op == "open-writer" && path.Contains("/compacted/", StringComparison.Ordinal) ? new Fault(FaultKind.Permanent) : null;

        var e = await Assert.ThrowsAsync<SlateFastException>(async () =>
        {
            for (var i = 0; i < 1000; i++)
            {
                await db.PutAsync(BitConverter.GetBytes(i), new byte[200], writeOptions: WriteOptions.NoWait);
            }
        });

        Assert.Equal(ErrorKind.Closed, e.Kind);
        Assert.Equal(CloseReason.Panic, e.CloseReason);
    }

    [Fact]
    public async Task An_L0_flush_that_fails_transiently_for_longer_than_one_uploads_retries_is_tried_again_and_the_database_stays_open()
    {
        var inner = new InMemoryObjectStore();
        var faults = new FaultInjectingObjectStore(inner);
        var options = new DbOptions { FlushInterval = TimeSpan.FromMilliseconds(5), GarbageCollector = null, Compactor = new() { Enabled = false } };
        await using var db = await DbHandle.OpenAsync("db", new RetryingObjectStore(faults, new RetryOptions { MaxAttempts = 1 }), options);
        await db.PutAsync("k"u8.ToArray(), "v"u8.ToArray());

        // One more failure than a single upload retries: before, the database closed itself here.
        var failuresLeft = UploadRetry.MaxAttempts + 1;
        faults.Rule = (op, path) => op == "open-writer" && path.Contains("/compacted/", StringComparison.Ordinal) && Interlocked.Decrement(ref failuresLeft) >= 0
            ? new Fault(FaultKind.SlowDown)
            : null;

        await db.FlushAsync(FlushType.MemTable);

        Assert.True(failuresLeft < 0, "every injected failure was used");
        Assert.Equal(CloseReason.None, db.CloseReason);
        Assert.Equal(1, db.L0Count);
        await db.PutAsync("k2"u8.ToArray(), "v2"u8.ToArray());
    }

    private static void InterlockedMax(ref long field, long value)
    {
        var current = Interlocked.Read(ref field);
        while (value > current && Interlocked.CompareExchange(ref field, value, current) != current)
        {
            current = Interlocked.Read(ref field);
        }
    }
}
