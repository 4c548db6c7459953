using System.Buffers;
using SlateFast.Cli.Bench;
using SlateFast.ObjectStore;

namespace SlateFast.Tests.Bench;

public sealed class WorkloadRunnerTests
{
    private static Workload Named(string name) => Workloads.All.Single(w => w.Name == name);

    [Theory]
    [InlineData("overwrite")]
    [InlineData("readrandom")]
    [InlineData("readmissing")]
    [InlineData("seekrandom")]
    [InlineData("mixzipf")]
    [InlineData("durable16")]
    public async Task SlateFast_passes_every_check_of_a_tiny_plan(string workload)
    {
        var plan = WorkloadPlan.Build(Named(workload), 0.01);
        await using var engine = await SlateFastBenchEngine.OpenAsync(new InMemoryObjectStore(), "db");

        var result = await WorkloadRunner.RunAsync(plan, engine);

        Assert.True(result.Mismatches == 0, result.FirstMismatch);
        Assert.True(result.Checked > 0);
        Assert.True(result.Ops > 0);
        Assert.True(result.P50Us > 0 && result.P50Us <= result.P99Us && result.P99Us <= result.P999Us);
        Assert.NotNull(result.StoreRequests);
        Assert.True(result.PeakNativeBytes > 0, "the engine's native_memory_bytes gauge holds at least the memtable arena");
    }

    [Fact]
    public async Task An_engine_that_loses_writes_is_caught_by_the_checks()
    {
        var plan = WorkloadPlan.Build(Named("fillrandom"), 0.01);
        await using var engine = new ForgetfulEngine(dropEvery: 100);

        var result = await WorkloadRunner.RunAsync(plan, engine);

        Assert.True(result.Mismatches > 0);
        Assert.Contains("was not found", result.FirstMismatch, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_that_returns_rows_for_absent_keys_is_caught()
    {
        var plan = WorkloadPlan.Build(Named("readmissing"), 0.01);
        await using var engine = new ForgetfulEngine(dropEvery: 0) { AnswerEverything = true };

        var result = await WorkloadRunner.RunAsync(plan, engine);

        Assert.Equal(plan.Timed.Count, result.Mismatches);
    }

    [Fact]
    public async Task Write_amplification_counts_bytes_the_store_received_per_user_byte()
    {
        var plan = WorkloadPlan.Build(Named("fillrandom"), 0.01);
        await using var engine = await SlateFastBenchEngine.OpenAsync(new InMemoryObjectStore(), "db");

        var result = await WorkloadRunner.RunAsync(plan, engine);

        Assert.Equal(plan.Timed.Count * 116L, result.UserBytesWritten);
        // At least the WAL and the L0 SST each hold every row once.
        Assert.InRange(result.WriteAmplification!.Value, 1.5, 10);
    }

    /// <summary>A dictionary "engine" that can drop writes or invent rows, to prove the checks bite.</summary>
    private sealed class ForgetfulEngine(int dropEvery) : IBenchEngine
    {
        private readonly SortedDictionary<byte[], byte[]> _rows = new(Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b)));
        private int _puts;

        public bool AnswerEverything { get; init; }

        public string Name => "forgetful";

        public string Settings => "none";

        public long? StoreRequests => null;

        public long? StoreBytesWritten => 0;

        public long? NativeMemoryBytes => null;

        public ValueTask PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, bool durable)
        {
            if (dropEvery == 0 || ++_puts % dropEvery != 0)
            {
                lock (_rows)
                {
                    _rows[key.ToArray()] = value.ToArray();
                }
            }

            return ValueTask.CompletedTask;
        }

        public async ValueTask PutBatchAsync(OpList ops, int start, int end, WorkloadPlan plan)
        {
            for (var i = start; i < end; i++)
            {
                await PutAsync(ops.Key(i), plan.Value(ops.ValueOffset(i)), false);
            }
        }

        public ValueTask<bool> GetAsync(ReadOnlyMemory<byte> key, ArrayBufferWriter<byte> value)
        {
            lock (_rows)
            {
                if (_rows.TryGetValue(key.ToArray(), out var v))
                {
                    value.Write(v);
                    return ValueTask.FromResult(true);
                }
            }

            if (AnswerEverything)
            {
                value.Write(new byte[100]);
            }

            return ValueTask.FromResult(AnswerEverything);
        }

        public ValueTask<int> ScanAsync(ReadOnlyMemory<byte> start, int limit, Memory<byte> firstKey, Memory<byte> lastKey, ArrayBufferWriter<byte> lastValue) =>
            throw new NotSupportedException();

        public Task FlushAsync() => Task.CompletedTask;

        public Task<long> ScanAllAsync() => Task.FromResult((long)_rows.Count);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
