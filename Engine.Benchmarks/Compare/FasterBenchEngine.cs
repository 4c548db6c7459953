using System.Buffers;
using System.Collections.Concurrent;
using FASTER.core;
using SlateFast.Cli.Bench;
using Session = FASTER.core.ClientSession<FASTER.core.SpanByte, FASTER.core.SpanByte, FASTER.core.SpanByte, System.Buffers.ArrayBufferWriter<byte>, FASTER.core.Empty, SlateFast.Benchmarks.Compare.FasterBenchEngine.Functions>;

namespace SlateFast.Benchmarks.Compare;

/// <summary>
/// FASTER KV (NuGet <c>Microsoft.FASTER.Core</c>) under test: a hash index over a hybrid log
/// (a mutable in-memory tail, a read-only in-memory region, the rest on disk), with
/// <see cref="SpanByte"/> keys and values stored inline in the log. A hash store keeps no key
/// order, so it cannot seek and scan a range (<see cref="OrderedScans"/>); a full scan is its log
/// iterator over the distinct live records, in log order. Memory is set like SlateFast's: the
/// in-memory log is 512 MiB (its data cache), the hash index 64 MiB (FASTER's default, room for
/// about 7 million keys; SlateFast's memtable is 64 MiB). The log device is FASTER's default on
/// Linux, write-through files (opened O_SYNC), so a log flush is on disk when it completes.
/// FASTER has no WAL: its durability is the CPR checkpoint, and its docs recommend frequent
/// log-only checkpoints of the fold-over kind ("very fast": flush the log to its tail, write a
/// small metadata file), with index checkpoints rarely (none here: recovery replays the log). Non-durable puts are upserts into memory; a durable put upserts, then
/// awaits a fold-over checkpoint that started after its upsert returned (so the checkpoint's
/// version contains it). Concurrent durable writers share checkpoints: while one runs, the
/// writers that arrive wait together for the next (group commit, as RocksDB's sync=true
/// writers share an fsync). FlushAsync takes the same checkpoint. Sessions are single-threaded
/// in FASTER, so callers borrow one from a pool for each call.
/// </summary>
internal sealed class FasterBenchEngine : IBenchEngine
{
    /// <summary>A hash index: no key order, so no seek + scan workloads.</summary>
    public const bool OrderedScans = false;

    /// <summary>The version Directory.Packages.props pins (the assembly itself says 1.0.0).</summary>
    public const string PackageVersion = "2.6.5";

    private const long IndexBytes = 64L << 20;
    private const long LogMemoryBytes = 512L << 20;
    private const long PageBytes = 32L << 20;
    private const int MinPoolThreads = 128;

    private readonly FasterKVSettings<SpanByte, SpanByte> _settings;
    private readonly FasterKV<SpanByte, SpanByte> _store;
    private readonly ConcurrentBag<Session> _sessions = [];
    private readonly Lock _commitGate = new();
    private List<TaskCompletionSource> _commitWaiters = [];
    private bool _committing;
    private int _closed;

    public FasterBenchEngine(string folder)
    {
        Directory.CreateDirectory(folder);
        _settings = new FasterKVSettings<SpanByte, SpanByte>(folder)
        {
            IndexSize = IndexBytes,
            MemorySize = LogMemoryBytes,
            PageSize = PageBytes,
            RemoveOutdatedCheckpoints = true,
        };
        _store = new FasterKV<SpanByte, SpanByte>(_settings);

        // The managed log device writes on the thread pool (async file I/O on Linux is blocking
        // calls on pool threads) while a checkpoint's completion (CompleteCheckpointAsync) spins
        // on a pool thread. With the default minimum (one thread per core, 2 here) spinning and
        // busy threads starve the flush the checkpoint waits for until the pool injects a thread,
        // about every half second: durable runs showed 0.5-0.9 s stalls. A FASTER application
        // with concurrent writers sizes its pool; this process runs only this engine.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, MinPoolThreads), io);
    }

    public static string Describe =>
        $"FASTER KV {PackageVersion} (NuGet Microsoft.FASTER.Core, SpanByte keys and values): " +
        $"hash index {IndexBytes >> 20} MiB, in-memory log {LogMemoryBytes >> 20} MiB ({PageBytes >> 20} MiB pages, mutable fraction 0.9), " +
        $"write-through (O_SYNC) log device, no read cache, LockTable concurrency (defaults), thread pool minimum {MinPoolThreads}; no WAL: non-durable puts are in-memory upserts, " +
        "durable puts await a fold-over hybrid-log checkpoint started after the upsert (CPR commit, shared by concurrent writers); " +
        "flush = the same checkpoint; no ordered scans (hash index), full scan = log iteration of live records";

    public string Name => "faster";

    public string Settings => Describe;

    public long? StoreRequests => null;

    public long? StoreBytesWritten => null;

    public long? NativeMemoryBytes => null;

    public ValueTask PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, bool durable)
    {
        var session = Rent();
        try
        {
            Upsert(session, key.Span, value.Span);
        }
        finally
        {
            _sessions.Add(session);
        }

        return durable ? new ValueTask(CommitAsync()) : ValueTask.CompletedTask;
    }

    public ValueTask PutBatchAsync(OpList ops, int start, int end, WorkloadPlan plan)
    {
        // FASTER has no write batch: the batch is its upserts on one session.
        var session = Rent();
        try
        {
            for (var i = start; i < end; i++)
            {
                Upsert(session, ops.Key(i).Span, plan.Value(ops.ValueOffset(i)).Span);
            }
        }
        finally
        {
            _sessions.Add(session);
        }

        return ValueTask.CompletedTask;
    }

    public unsafe ValueTask<bool> GetAsync(ReadOnlyMemory<byte> key, ArrayBufferWriter<byte> value)
    {
        var session = Rent();
        try
        {
            Status status;
            fixed (byte* k = key.Span)
            {
                var spanKey = SpanByte.FromPointer(k, key.Length);
                status = session.Read(ref spanKey, ref value);
            }

            if (status.IsPending)
            {
                // The record is below the in-memory log: wait for its read from the device. The
                // functions copy the value into this same writer when it arrives.
                session.CompletePendingWithOutputs(out var completed, wait: true);
                using (completed)
                {
                    status = completed.Next() ? completed.Current.Status : throw new InvalidOperationException("FASTER: a pending read did not complete");
                }
            }

            if (status.IsFaulted)
            {
                throw new InvalidOperationException($"FASTER: read failed ({status})");
            }

            return ValueTask.FromResult(status.Found);
        }
        finally
        {
            _sessions.Add(session);
        }
    }

    public ValueTask<int> ScanAsync(ReadOnlyMemory<byte> start, int limit, Memory<byte> firstKey, Memory<byte> lastKey, ArrayBufferWriter<byte> lastValue) =>
        throw new NotSupportedException("FASTER KV is a hash index: it has no key order to seek and scan (CompareCommand skips these workloads)");

    public Task FlushAsync() => CommitAsync();

    public Task<long> ScanAllAsync()
    {
        // Every distinct live record once, in log order (the count is what the runner checks).
        var session = Rent();
        try
        {
            long rows = 0;
            using var iterator = session.Iterate();
            while (iterator.GetNext(out _))
            {
                rows++;
            }

            return Task.FromResult(rows);
        }
        finally
        {
            _sessions.Add(session);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            Task? last = null;
            lock (_commitGate)
            {
                if (_committing)
                {
                    last = CommitLocked();
                }
            }

            if (last is not null)
            {
                await last.ConfigureAwait(false);
            }

            while (_sessions.TryTake(out var session))
            {
                session.Dispose();
            }

            _store.Dispose();
            _settings.Dispose();
        }
    }

    private static unsafe void Upsert(Session session, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        Status status;
        fixed (byte* k = key)
        fixed (byte* v = value)
        {
            var spanKey = SpanByte.FromPointer(k, key.Length);
            var spanValue = SpanByte.FromPointer(v, value.Length);
            status = session.Upsert(ref spanKey, ref spanValue);
        }

        if (status.IsPending)
        {
            session.CompletePending(wait: true);
        }
        else if (status.IsFaulted)
        {
            throw new InvalidOperationException($"FASTER: upsert failed ({status})");
        }
    }

    private Session Rent() => _sessions.TryTake(out var session) ? session : _store.For(new Functions()).NewSession<Functions>();

    /// <summary>Completes when a fold-over checkpoint that started after this call has persisted the log.</summary>
    private Task CommitAsync()
    {
        lock (_commitGate)
        {
            return CommitLocked();
        }
    }

    private Task CommitLocked()
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _commitWaiters.Add(waiter);
        if (!_committing)
        {
            _committing = true;
            _ = Task.Run(CommitLoopAsync);
        }

        return waiter.Task;
    }

    private async Task CommitLoopAsync()
    {
        while (true)
        {
            List<TaskCompletionSource> batch;
            lock (_commitGate)
            {
                if (_commitWaiters.Count == 0)
                {
                    _committing = false;
                    return;
                }

                batch = _commitWaiters;
                _commitWaiters = [];
            }

            try
            {
                // Every waiter of the batch enqueued after its upsert returned, so the version this
                // checkpoint closes holds its record. Only this loop takes checkpoints, so one starts.
                var (started, _) = await _store.TakeHybridLogCheckpointAsync(CheckpointType.FoldOver).ConfigureAwait(false);
                if (!started)
                {
                    throw new InvalidOperationException("FASTER: the checkpoint did not start");
                }

                foreach (var waiter in batch)
                {
                    waiter.SetResult();
                }
            }
            catch (Exception e)
            {
                foreach (var waiter in batch)
                {
                    waiter.SetException(e);
                }
            }
        }
    }

    /// <summary>Reads copy the value straight into the caller's writer (the read's output).</summary>
    internal sealed class Functions : SpanByteFunctions<SpanByte, ArrayBufferWriter<byte>, Empty>
    {
        public override bool SingleReader(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref ArrayBufferWriter<byte> dst, ref ReadInfo readInfo)
        {
            dst.Write(value.AsReadOnlySpan());
            return true;
        }

        public override bool ConcurrentReader(ref SpanByte key, ref SpanByte input, ref SpanByte value, ref ArrayBufferWriter<byte> dst, ref ReadInfo readInfo)
        {
            dst.Write(value.AsReadOnlySpan());
            return true;
        }
    }
}
