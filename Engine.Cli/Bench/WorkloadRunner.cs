using System.Buffers;
using System.Diagnostics;

namespace SlateFast.Cli.Bench;

/// <summary>
/// Runs a <see cref="WorkloadPlan"/> against an <see cref="IBenchEngine"/>: loads in batches,
/// flushes and warms when the workload reads loaded data, times the planned operations with one
/// task per client (every latency recorded), flushes, then verifies. Every read in the timed
/// phase is checked against the plan, so a fast wrong answer shows up as mismatches.
/// </summary>
internal sealed class WorkloadRunner
{
    public const int LoadBatchSize = 1000;

    private readonly WorkloadPlan _plan;
    private readonly IBenchEngine _engine;
    private readonly BenchProgress _progress;
    private long _checked;
    private long _mismatches;
    private string? _firstMismatch;

    private WorkloadRunner(WorkloadPlan plan, IBenchEngine engine, BenchProgress? progress)
    {
        _plan = plan;
        _engine = engine;
        _progress = progress ?? new BenchProgress();
    }

    public static async Task<WorkloadResult> RunAsync(WorkloadPlan plan, IBenchEngine engine, BenchProgress? progress = null)
    {
        var runner = new WorkloadRunner(plan, engine, progress);
        using var sampler = new PeakSampler(engine);
        return await runner.RunAsync(sampler).ConfigureAwait(false);
    }

    /// <summary>
    /// Runs the timed phase of <paramref name="plan"/> again on data an earlier run loaded (the
    /// engine reopened in between, say), checked like the first, reported as <paramref name="name"/>.
    /// </summary>
    public static async Task<WorkloadResult> RunTimedAgainAsync(WorkloadPlan plan, IBenchEngine engine, string name, BenchProgress? progress = null)
    {
        var runner = new WorkloadRunner(plan, engine, progress);
        using var sampler = new PeakSampler(engine);
        var requestsBefore = engine.StoreRequests;
        var (histogram, _, elapsed) = await runner.TimedAsync().ConfigureAwait(false);
        sampler.Sample();
        return runner.Result(name, histogram, elapsed, sampler) with { StoreRequests = engine.StoreRequests - requestsBefore };
    }

    private async Task<WorkloadResult> RunAsync(PeakSampler sampler)
    {
        await LoadAsync().ConfigureAwait(false);
        if (_plan.WarmRows >= 0)
        {
            _progress.Begin("flush + warm", 1);
            await _engine.FlushAsync().ConfigureAwait(false);
            var rows = await _engine.ScanAllAsync().ConfigureAwait(false);
            Check(rows == _plan.WarmRows, $"a full scan after loading counted {rows} rows, expected {_plan.WarmRows}");
        }

        await WarmupAsync().ConfigureAwait(false);
        var writtenBefore = _engine.StoreBytesWritten ?? ProcessProbe.WrittenBytes();
        var requestsBefore = _engine.StoreRequests;
        var (histogram, completed, elapsed) = await TimedAsync().ConfigureAwait(false);
        _progress.Begin("flush", 1);
        await _engine.FlushAsync().ConfigureAwait(false);
        var written = (_engine.StoreBytesWritten ?? ProcessProbe.WrittenBytes()) - writtenBefore;
        var requests = _engine.StoreRequests - requestsBefore;

        await VerifyAsync(completed).ConfigureAwait(false);
        sampler.Sample();
        long puts = 0;
        for (var w = 0; w < _plan.Writers; w++)
        {
            var (start, _) = _plan.Timed.Slice(w, _plan.Writers);
            for (var i = start; i < start + completed[w]; i++)
            {
                puts += _plan.Timed.Kind(i) == OpKind.Put ? 1 : 0;
            }
        }

        return Result(_plan.Workload.Name, histogram, elapsed, sampler) with
        {
            UserBytesWritten = _plan.TimedUserBytes(puts),
            StorageBytesWritten = written,
            StorageBytesSource = _engine.StoreBytesWritten is null ? "write-syscalls" : "object-store",
            StoreRequests = requests,
        };
    }

    private WorkloadResult Result(string name, LatencyHistogram histogram, TimeSpan elapsed, PeakSampler sampler) => new()
    {
        Workload = name,
        Engine = _engine.Name,
        Writers = _plan.Writers,
        Ops = histogram.Count,
        Seconds = elapsed.TotalSeconds,
        P50Us = histogram.Percentile(0.50) / 1000.0,
        P99Us = histogram.Percentile(0.99) / 1000.0,
        P999Us = histogram.Percentile(0.999) / 1000.0,
        MeanUs = histogram.Mean / 1000.0,
        MaxUs = histogram.Max / 1000.0,
        PeakRssBytes = sampler.PeakRss,
        PeakNativeBytes = sampler.PeakNative,
        PlanBytes = _plan.MemoryBytes,
        Checked = _checked,
        Mismatches = _mismatches,
        FirstMismatch = _firstMismatch,
        Settings = _engine.Settings,
    };

    private async Task LoadAsync()
    {
        var load = _plan.Load;
        _progress.Begin("load", load.Count);
        for (var start = 0; start < load.Count; start += LoadBatchSize)
        {
            var end = Math.Min(load.Count, start + LoadBatchSize);
            await _engine.PutBatchAsync(load, start, end, _plan).ConfigureAwait(false);
            _progress.Add(0, end - start);
        }
    }

    private async Task WarmupAsync()
    {
        var ops = _plan.Timed;
        var value = new ArrayBufferWriter<byte>(Math.Max(256, _plan.ValueSize * 2));
        var key = new byte[_plan.KeySize];
        _progress.Begin("warm-up", _plan.WarmupOps);
        for (var i = 0; i < _plan.WarmupOps; i++)
        {
            value.ResetWrittenCount();
            if (ops.Kind(i) == OpKind.Scan)
            {
                await _engine.ScanAsync(ops.Key(i), Workload.ScanLength, key, key, value).ConfigureAwait(false);
            }
            else
            {
                await _engine.GetAsync(ops.Key(i), value).ConfigureAwait(false);
            }
        }
    }

    private async Task<(LatencyHistogram Histogram, long[] Completed, TimeSpan Elapsed)> TimedAsync()
    {
        var writers = _plan.Writers;
        var histograms = new LatencyHistogram[writers];
        var completed = new long[writers];
        _progress.Begin("run", _plan.Timed.Count, writers, _plan.TimeLimit);
        var deadline = _plan.TimeLimit is { } limit ? Stopwatch.GetTimestamp() + (long)(limit.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var started = Stopwatch.GetTimestamp();

        // A dedicated thread per client: engines with blocking calls (RocksDB) get real
        // concurrency, and async engines continue on the thread pool after their first wait.
        var tasks = new Task[writers];
        for (var w = 0; w < writers; w++)
        {
            var worker = w;
            histograms[w] = new LatencyHistogram();
            tasks[w] = Task.Factory.StartNew(
                () => ClientAsync(worker, histograms[worker], deadline, completed),
                CancellationToken.None,
                TaskCreationOptions.LongRunning,
                TaskScheduler.Default).Unwrap();
        }

        await Task.WhenAll(tasks).ConfigureAwait(false);
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = new LatencyHistogram();
        foreach (var h in histograms)
        {
            all.Add(h);
        }

        return (all, completed, elapsed);
    }

    private async Task ClientAsync(int worker, LatencyHistogram histogram, long deadline, long[] completed)
    {
        var ops = _plan.Timed;
        var (start, end) = ops.Slice(worker, _plan.Writers);
        var durable = _plan.Workload.Durable;
        var value = new ArrayBufferWriter<byte>(Math.Max(256, _plan.ValueSize * 2));
        var first = new byte[_plan.KeySize];
        var last = new byte[_plan.KeySize];
        var i = start;
        for (; i < end; i++)
        {
            var t0 = Stopwatch.GetTimestamp();
            if (t0 >= deadline)
            {
                break;
            }

            switch (ops.Kind(i))
            {
                case OpKind.Put:
                    await _engine.PutAsync(ops.Key(i), _plan.Value(ops.ValueOffset(i)), durable).ConfigureAwait(false);
                    histogram.RecordTicks(Stopwatch.GetTimestamp() - t0);
                    break;

                case OpKind.Get:
                    value.ResetWrittenCount();
                    var found = await _engine.GetAsync(ops.Key(i), value).ConfigureAwait(false);
                    histogram.RecordTicks(Stopwatch.GetTimestamp() - t0);
                    CheckGet(ops, i, found, value);
                    break;

                case OpKind.Scan:
                    value.ResetWrittenCount();
                    var rows = await _engine.ScanAsync(ops.Key(i), Workload.ScanLength, first, last, value).ConfigureAwait(false);
                    histogram.RecordTicks(Stopwatch.GetTimestamp() - t0);
                    CheckScan(ops, i, rows, first, last, value);
                    break;
            }

            if ((i & 63) == 63)
            {
                _progress.Add(worker, 64);
            }
        }

        completed[worker] = i - start;
    }

    private async Task VerifyAsync(long[] completed)
    {
        var value = new ArrayBufferWriter<byte>(Math.Max(256, _plan.ValueSize * 2));
        if (_plan.TimeLimited)
        {
            // Every writer's completed puts were of distinct keys: read back a sample of them,
            // always including each writer's last (the most likely to be lost).
            var total = completed.Sum();
            var stride = Math.Max(1, (total + WorkloadPlan.VerifySample - 1) / WorkloadPlan.VerifySample);
            _progress.Begin("verify", total / stride);
            for (var w = 0; w < _plan.Writers; w++)
            {
                var (start, _) = _plan.Timed.Slice(w, _plan.Writers);
                for (var j = 0L; j < completed[w]; j++)
                {
                    if (j % stride == 0 || j == completed[w] - 1)
                    {
                        var i = (int)(start + j);
                        value.ResetWrittenCount();
                        CheckGet(_plan.Timed, i, await _engine.GetAsync(_plan.Timed.Key(i), value).ConfigureAwait(false), value);
                    }
                }
            }

            return;
        }

        var verify = _plan.Verify;
        _progress.Begin("verify", verify.Count);
        for (var i = 0; i < verify.Count; i++)
        {
            value.ResetWrittenCount();
            CheckGet(verify, i, await _engine.GetAsync(verify.Key(i), value).ConfigureAwait(false), value);
        }
    }

    private void CheckGet(OpList ops, int i, bool found, ArrayBufferWriter<byte> value)
    {
        var expected = ops.ValueOffset(i);
        if (ops.Kind(i) == OpKind.Put || expected >= 0)
        {
            if (!found || !value.WrittenSpan.SequenceEqual(_plan.Value(expected).Span))
            {
                Fail(found ? $"key {Hex(ops.Key(i).Span)} read a wrong value ({value.WrittenCount} bytes)" : $"key {Hex(ops.Key(i).Span)} was not found");
                return;
            }
        }
        else if (found)
        {
            Fail($"absent key {Hex(ops.Key(i).Span)} was found");
            return;
        }

        Interlocked.Increment(ref _checked);
    }

    private void CheckScan(OpList ops, int i, int rows, byte[] first, byte[] last, ArrayBufferWriter<byte> lastValue)
    {
        var ok = rows == ops.ExpectedRows(i)
            && first.AsSpan().SequenceEqual(ops.Key(i).Span)
            && last.AsSpan().SequenceEqual(ops.LastKey(i))
            && lastValue.WrittenSpan.SequenceEqual(_plan.Value(ops.ValueOffset(i)).Span);
        Check(ok, $"scan from {Hex(ops.Key(i).Span)} returned {rows} rows ending at {Hex(last)}, expected {ops.ExpectedRows(i)} ending at {Hex(ops.LastKey(i))}");
    }

    private void Check(bool ok, string message)
    {
        if (ok)
        {
            Interlocked.Increment(ref _checked);
        }
        else
        {
            Fail(message);
        }
    }

    private void Fail(string message)
    {
        Interlocked.Increment(ref _checked);
        Interlocked.Increment(ref _mismatches);
        Interlocked.CompareExchange(ref _firstMismatch, message, null);
    }

    private static string Hex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>Samples resident and native memory every 20 ms and keeps the peaks.</summary>
    private sealed class PeakSampler : IDisposable
    {
        private readonly IBenchEngine _engine;
        private readonly Timer _timer;
        private readonly Lock _peaksLock = new(); // guards the peaks: the timer and the phases both sample
        private long _peakRss;
        private long? _peakNative;

        public PeakSampler(IBenchEngine engine)
        {
            _engine = engine;
            Sample();
            _timer = new Timer(_ => Sample(), null, 20, 20);
        }

        public long PeakRss
        {
            get
            {
                lock (_peaksLock)
                {
                    return _peakRss;
                }
            }
        }

        public long? PeakNative
        {
            get
            {
                lock (_peaksLock)
                {
                    return _peakNative;
                }
            }
        }

        public void Sample()
        {
            var rss = ProcessProbe.ResidentBytes();
            var native = _engine.NativeMemoryBytes;
            lock (_peaksLock)
            {
                _peakRss = Math.Max(_peakRss, rss);
                if (native is { } n)
                {
                    _peakNative = Math.Max(_peakNative ?? 0, n);
                }
            }
        }

        public void Dispose() => _timer.Dispose();
    }
}
