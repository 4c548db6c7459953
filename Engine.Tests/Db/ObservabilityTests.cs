using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Logging;
using SlateFast.Diagnostics;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Db;

[Collection(AllocationCollection.Name)]
public sealed class ObservabilityTests
{
    [Fact]
    public async Task Writes_flushes_and_l0_count_are_published_on_the_SlateFast_meter()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == SlateFastMetrics.MeterName)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, _, _) => totals.AddOrUpdate(i.Name, v, (_, old) => i.Name == "slatefast.db.l0_sst_count" ? v : old + v));
        listener.Start();

        await using var db = await DbHandle.OpenAsync("db", new InMemoryObjectStore());
        var batch = new WriteBatch().Put("a"u8, "1"u8).Put("b"u8, "2"u8);
        await db.WriteAsync(batch);
        await db.PutAsync("c"u8.ToArray(), "3"u8.ToArray());
        await db.FlushAsync(FlushType.MemTable);
        listener.RecordObservableInstruments();

        Assert.True(totals.GetValueOrDefault("slatefast.db.write_ops") >= 3);
        Assert.True(totals.GetValueOrDefault("slatefast.db.write_batch_count") >= 2);
        Assert.True(totals.GetValueOrDefault("slatefast.db.wal_buffer_flushes") >= 1);
        Assert.True(totals.GetValueOrDefault("slatefast.db.wal_buffer_bytes") > 0);
        Assert.True(totals.GetValueOrDefault("slatefast.db.immutable_memtable_flushes") >= 1);
        Assert.True(totals.GetValueOrDefault("slatefast.db.l0_sst_count") >= 1);
        Assert.True(totals.GetValueOrDefault("slatefast.native_memory_bytes") > 0);
        Assert.True(totals.GetValueOrDefault("slatefast.object_store.requests") > 0);
    }

    [Fact]
    public async Task Two_databases_in_one_process_keep_their_measurements_apart_by_the_db_tag()
    {
        var first = $"metrics-a-{Guid.NewGuid():N}";
        var second = $"metrics-b-{Guid.NewGuid():N}";
        var totals = new ConcurrentDictionary<(string Instrument, string? Db), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter.Name == SlateFastMetrics.MeterName)
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, v, tags, _) =>
        {
            string? db = null;
            foreach (var tag in tags)
            {
                db = tag.Key == "db" ? tag.Value as string : db;
            }

            totals.AddOrUpdate((i.Name, db), v, (_, old) => i.Name == "slatefast.db.l0_sst_count" ? v : old + v);
        });
        listener.Start();

        await using var a = await DbHandle.OpenAsync(first, new InMemoryObjectStore());
        await using var b = await DbHandle.OpenAsync(second, new InMemoryObjectStore());
        await a.WriteAsync(new WriteBatch().Put("a"u8, "1"u8).Put("b"u8, "2"u8).Put("c"u8, "3"u8));
        for (var i = 0; i < 5; i++)
        {
            await b.PutAsync(new byte[] { (byte)i }, "v"u8.ToArray());
        }

        await b.FlushAsync(FlushType.MemTable);
        listener.RecordObservableInstruments();

        Assert.Equal((3L, 5L), (totals.GetValueOrDefault(("slatefast.db.write_ops", first)), totals.GetValueOrDefault(("slatefast.db.write_ops", second))));
        Assert.Equal((1L, 5L), (totals.GetValueOrDefault(("slatefast.db.write_batch_count", first)), totals.GetValueOrDefault(("slatefast.db.write_batch_count", second))));
        Assert.Equal((0L, 1L), (totals.GetValueOrDefault(("slatefast.db.l0_sst_count", first)), totals.GetValueOrDefault(("slatefast.db.l0_sst_count", second))));
        Assert.True(totals.GetValueOrDefault(("slatefast.object_store.requests", first)) > 0);
        Assert.True(totals.GetValueOrDefault(("slatefast.object_store.bytes_written", second)) > 0);
    }

    [Fact]
    public async Task Open_recovery_fencing_and_stalls_are_logged()
    {
        var logs = new CapturingLoggerFactory();
        var store = new InMemoryObjectStore();
        var options = new DbOptions { LoggerFactory = logs, FlushInterval = TimeSpan.FromMilliseconds(5) };
        var first = await DbHandle.OpenAsync("db", store, options);
        await first.PutAsync("a"u8.ToArray(), "1"u8.ToArray());
        await using var second = await DbHandle.OpenAsync("db", store, options);
        await Assert.ThrowsAsync<SlateFastException>(async () => await first.PutAsync("b"u8.ToArray(), "2"u8.ToArray()));
        await first.CloseAsync();

        Assert.Contains(logs.Messages, m => m.Contains("created database db", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.Contains("opened db as writer epoch 2", StringComparison.Ordinal) && m.Contains("replayed 1 rows", StringComparison.Ordinal));
        Assert.Contains(logs.Messages, m => m.Contains("was fenced", StringComparison.Ordinal));
    }

    private sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public void AddProvider(ILoggerProvider provider)
        {
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void Dispose()
        {
        }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Messages.Enqueue(formatter(state, exception));
    }
}
