using System.Diagnostics.Metrics;
using SlateFast.Diagnostics;
using SlateFast.ObjectStore;
using SlateFast.Testing;

namespace SlateFast.Tests.ObjectStore;

public sealed class RetryingObjectStoreTests
{
    private static readonly RetryOptions s_fast = new() { InitialBackoff = TimeSpan.Zero, MaxBackoff = TimeSpan.Zero, Seed = 1 };

    [Fact]
    public async Task Transient_failures_are_retried_until_the_operation_succeeds()
    {
        var inner = new InMemoryObjectStore();
        var failures = 3;
        var faults = new FaultInjectingObjectStore(inner) { Rule = (op, _) => op == "put" && failures-- > 0 ? new Fault(FaultKind.SlowDown) : null };
        var store = new RetryingObjectStore(faults, s_fast);

        await store.PutAsync("k", new byte[] { 1 });

        Assert.Equal(3, store.Retries);
        Assert.NotNull(await inner.GetAsync("k"));
    }

    [Fact]
    public async Task Permanent_failures_surface_at_once_as_unavailable()
    {
        var faults = new FaultInjectingObjectStore(new InMemoryObjectStore()) { Rule = (_, _) => new Fault(FaultKind.Permanent) };
        var store = new RetryingObjectStore(faults, s_fast);

        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.GetAsync("k"));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.False(e.IsTransient);
        Assert.Equal(0, store.Retries);
    }

    [Fact]
    public async Task Retries_are_bounded()
    {
        var faults = new FaultInjectingObjectStore(new InMemoryObjectStore()) { Rule = (_, _) => new Fault(FaultKind.Timeout) };
        var store = new RetryingObjectStore(faults, s_fast with { MaxAttempts = 4 });

        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.HeadAsync("k"));

        Assert.True(e.IsTransient);
        Assert.Equal(3, store.Retries);
        Assert.Equal(4, faults.Injected);
    }

    [Fact]
    public async Task A_first_attempt_slower_than_the_operation_timeout_is_not_retried_and_the_error_says_why()
    {
        var clock = new SteppedClock();
        var faults = new FaultInjectingObjectStore(new InMemoryObjectStore())
        {
            Rule = (_, _) =>
            {
                clock.Advance(TimeSpan.FromSeconds(2));
                return new Fault(FaultKind.Timeout);
            },
        };
        var store = new RetryingObjectStore(faults, s_fast with { OperationTimeout = TimeSpan.FromSeconds(1), TimeProvider = clock });

        var e = await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.HeadAsync("k"));

        Assert.Equal(1, faults.Injected);
        Assert.Contains("gave up after 1 attempt in 2 s; limit: operation_timeout 1 s", e.Message, StringComparison.Ordinal);
    }

    // Elapsed time moves only when the test says so.
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);
    }

    [Fact]
    public async Task A_create_whose_response_was_lost_is_recognised_as_our_own_on_retry()
    {
        var inner = new InMemoryObjectStore();
        var calls = 0;
        var faults = new FaultInjectingObjectStore(inner)
        {
            Rule = (op, _) => op == "put-if-absent" && calls++ == 0 ? new Fault(FaultKind.ConnectionReset, AfterApply: true) : null,
        };
        var store = new RetryingObjectStore(faults, s_fast);

        var result = await store.PutIfAbsentAsync("wal/1", new byte[] { 7, 7 });

        Assert.Equal(PutOutcome.Stored, result.Outcome);
        Assert.Equal(1, store.Retries);
    }

    [Fact]
    public async Task A_create_that_lost_to_someone_else_after_a_transient_failure_still_reports_already_exists()
    {
        var inner = new InMemoryObjectStore();
        var once = true;
        var faults = new FaultInjectingObjectStore(inner)
        {
            Rule = (op, _) =>
            {
                if (op != "put-if-absent" || !once)
                {
                    return null;
                }

                once = false;

                // Another writer takes the name while our request fails.
                inner.PutIfAbsentAsync("wal/1", new byte[] { 9 }).AsTask().Wait();
                return new Fault(FaultKind.SlowDown);
            },
        };
        var store = new RetryingObjectStore(faults, s_fast);

        var result = await store.PutIfAbsentAsync("wal/1", new byte[] { 7 });

        Assert.Equal(PutOutcome.AlreadyExists, result.Outcome);
    }

    [Fact]
    public async Task A_server_error_after_if_match_is_resolved_by_rereading_not_by_replaying()
    {
        var inner = new InMemoryObjectStore();
        var v1 = await inner.PutAsync("manifest", new byte[] { 1 });
        var faults = new FaultInjectingObjectStore(inner) { Rule = (op, _) => op == "put-if-match" ? new Fault(FaultKind.InternalError, AfterApply: true) : null };
        var store = new RetryingObjectStore(faults, s_fast);

        var applied = await store.PutIfMatchAsync("manifest", new byte[] { 2 }, v1.ETag);
        Assert.Equal(PutOutcome.Stored, applied.Outcome);

        faults.Rule = (op, _) => op == "put-if-match" ? new Fault(FaultKind.InternalError, AfterApply: false) : null;
        var current = (await inner.HeadAsync("manifest"))!.Value.ETag;
        var notApplied = await store.PutIfMatchAsync("manifest", new byte[] { 3 }, current);
        Assert.Equal(PutOutcome.PreconditionFailed, notApplied.Outcome);
        Assert.Equal(new byte[] { 2 }, (await inner.GetAsync("manifest"))!.Data.ToArray());
    }
}

public sealed class FaultInjectingObjectStoreTests
{
    [Fact]
    public async Task The_same_seed_injects_the_same_faults()
    {
        static async Task<string> Pattern(int seed)
        {
            var store = new FaultInjectingObjectStore(new InMemoryObjectStore(), new FaultOptions { Seed = seed, ErrorRate = 0.3 });
            var pattern = new System.Text.StringBuilder();
            for (var i = 0; i < 200; i++)
            {
                try
                {
                    await store.PutAsync($"k{i}", new byte[] { 1 });
                    pattern.Append('.');
                }
                catch (ObjectStoreException e)
                {
                    pattern.Append(e.Message[^3..]);
                }
            }

            return pattern.ToString();
        }

        var a = await Pattern(42);
        Assert.Equal(a, await Pattern(42));
        Assert.NotEqual(a, await Pattern(43));
        Assert.Contains('.', a);
        Assert.NotEqual(200, a.Count(c => c == '.'));
    }

    [Fact]
    public async Task Faults_can_be_limited_to_operations_and_paths()
    {
        var store = new FaultInjectingObjectStore(new InMemoryObjectStore(), new FaultOptions
        {
            ErrorRate = 1,
            Operations = new HashSet<string> { "put" },
            PathPrefix = "wal/",
        });

        await store.PutAsync("manifest/1", new byte[] { 1 });
        await store.GetAsync("wal/1");
        await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.PutAsync("wal/1", new byte[] { 1 }));
    }

    [Fact]
    public async Task A_fault_after_apply_loses_the_response_but_keeps_the_write()
    {
        var inner = new InMemoryObjectStore();
        var store = new FaultInjectingObjectStore(inner) { Rule = (_, _) => new Fault(FaultKind.ConnectionReset, AfterApply: true) };

        await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.PutAsync("k", new byte[] { 5 }));

        Assert.NotNull(await inner.GetAsync("k"));
    }
}

public sealed class InstrumentedObjectStoreTests
{
    [Fact]
    public async Task Requests_bytes_errors_and_latency_are_recorded_per_operation()
    {
        var measurements = new List<(string Instrument, string Op, double Value)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SlateFastMetrics.MeterName && instrument.Name.StartsWith("slatefast.object_store.", StringComparison.Ordinal))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
        {
            var op = string.Empty;
            foreach (var t in tags)
            {
                if (t.Key == "op")
                {
                    op = (string)t.Value!;
                }
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, op, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.Start();

        var faults = new FaultInjectingObjectStore(new InMemoryObjectStore());
        var store = new InstrumentedObjectStore(faults);
        var unique = $"instrumented-{Guid.NewGuid():N}";
        await store.PutAsync(unique, new byte[100]);
        await store.GetAsync(unique);
        faults.Rule = (_, _) => new Fault(FaultKind.Permanent);
        await Assert.ThrowsAsync<ObjectStoreException>(async () => await store.HeadAsync(unique));

        Assert.Equal(3, store.Requests);
        lock (measurements)
        {
            Assert.Contains(measurements, m => m is { Instrument: "slatefast.object_store.requests", Op: "put" });
            Assert.Contains(measurements, m => m is { Instrument: "slatefast.object_store.bytes_written", Op: "put", Value: 100 });
            Assert.Contains(measurements, m => m is { Instrument: "slatefast.object_store.bytes_read", Op: "get", Value: 100 });
            Assert.Contains(measurements, m => m is { Instrument: "slatefast.object_store.errors", Op: "head" });
            Assert.Contains(measurements, m => m is { Instrument: "slatefast.object_store.latency", Op: "get" });
        }
    }
}
