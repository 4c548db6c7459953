using System.Buffers;
using System.Diagnostics.Metrics;
using SlateFast.Diagnostics;
using SlateFast.ObjectStore;

namespace SlateFast.Cli.Bench;

/// <summary>
/// SlateFast under test: a database at a path of any object store, with SlateDB's default
/// settings (compactor and garbage collector on) except <see cref="DbOptions.L0MaxSsts"/>, raised
/// so a load phase never waits for the compactor to drain L0, as RocksDB's write stalls are also
/// out of the measured phases. Requests
/// are counted by an <see cref="InstrumentedObjectStore"/>, bytes by its meter.
/// </summary>
internal sealed class SlateFastBenchEngine : IBenchEngine
{
    public const int BenchL0MaxSsts = 64;

    private const string BytesWritten = "slatefast.object_store.bytes_written";
    private const string NativeMemory = "slatefast.native_memory_bytes";

    private static readonly ScanOptions s_scan = new() { CacheBlocks = true };
    private readonly InstrumentedObjectStore _store;
    private readonly string _path;
    private DbHandle _db;
    private readonly MeterListener _listener;
    private long _bytesWritten;
    private long _nativeMemoryBytes = -1;

    private SlateFastBenchEngine(DbHandle db, string path, InstrumentedObjectStore store, MeterListener listener)
    {
        _db = db;
        _path = path;
        _store = store;
        _listener = listener;
    }

    public static DbOptions Options { get; } = new() { L0MaxSsts = BenchL0MaxSsts };

    public string Name => "slatefast";

    public string Settings =>
        $"SlateFast {VersionInfo.Version}: SlateDB defaults (flush_interval {Options.FlushInterval.TotalMilliseconds} ms, l0_sst_size {Options.L0SstSizeBytes >> 20} MiB, " +
        $"block {Options.BlockSize} B, bloom {Options.FilterBitsPerKey} bits/key, no compression, block cache {Options.BlockCache.DataCapacityBytes >> 20} MiB data + {Options.BlockCache.MetaCapacityBytes >> 20} MiB meta), " +
        $"FlushOnDurableWaiters {Options.FlushOnDurableWaiters}, L0MaxSsts {Options.L0MaxSsts}, compactor and garbage collector on (defaults)";

    public long? StoreRequests => _store.Requests;

    public long? StoreBytesWritten
    {
        get
        {
            _listener.RecordObservableInstruments();
            return Interlocked.Read(ref _bytesWritten);
        }
    }

    // Read from the engine's slatefast.native_memory_bytes gauge, as any user would; null until
    // the engine has published it.
    public long? NativeMemoryBytes
    {
        get
        {
            _listener.RecordObservableInstruments();
            var bytes = Interlocked.Read(ref _nativeMemoryBytes);
            return bytes < 0 ? null : bytes;
        }
    }

    public static async Task<SlateFastBenchEngine> OpenAsync(IObjectStore store, string path)
    {
        var instrumented = new InstrumentedObjectStore(store);
        var listener = new MeterListener();
        SlateFastBenchEngine? engine = null;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SlateFastMetrics.MeterName && instrument.Name is BytesWritten or NativeMemory)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (engine is null)
            {
                return;
            }

            if (instrument.Name == BytesWritten)
            {
                Interlocked.Add(ref engine._bytesWritten, value);
            }
            else
            {
                Interlocked.Exchange(ref engine._nativeMemoryBytes, value);
            }
        });
        try
        {
            var db = await DbHandle.OpenAsync(path, instrumented, Options).ConfigureAwait(false);
            engine = new SlateFastBenchEngine(db, path, instrumented, listener);
            listener.Start();
            return engine;
        }
        catch
        {
            listener.Dispose();
            throw;
        }
    }

    /// <summary>What the disk cache served, when the database was reopened with one.</summary>
    public DiskCacheStats? DiskCacheStats => _db.DiskCacheStats;

    /// <summary>
    /// Closes the database and opens it again, as a restarted process would: the in-memory block
    /// cache starts empty, and <paramref name="diskCache"/> (null: none) fronts the store.
    /// </summary>
    public async Task ReopenAsync(ObjectStoreCacheOptions? diskCache)
    {
        await _db.CloseAsync().ConfigureAwait(false);
        _db = await DbHandle.OpenAsync(_path, _store, Options with { ObjectStoreCache = diskCache ?? new() }).ConfigureAwait(false);
    }

    public ValueTask PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, bool durable)
    {
        var pending = _db.PutAsync(key, value, writeOptions: durable ? WriteOptions.Default : WriteOptions.NoWait);
        return pending.IsCompletedSuccessfully ? ValueTask.CompletedTask : Await(pending);

        static async ValueTask Await(ValueTask<WriteHandle> pending) => await pending.ConfigureAwait(false);
    }

    public async ValueTask PutBatchAsync(OpList ops, int start, int end, WorkloadPlan plan)
    {
        var batch = new WriteBatch();
        for (var i = start; i < end; i++)
        {
            batch.Put(ops.Key(i).Span, plan.Value(ops.ValueOffset(i)).Span);
        }

        await _db.WriteAsync(batch, WriteOptions.NoWait).ConfigureAwait(false);
    }

    public ValueTask<bool> GetAsync(ReadOnlyMemory<byte> key, ArrayBufferWriter<byte> value) => _db.TryGetAsync(key, value);

    public async ValueTask<int> ScanAsync(ReadOnlyMemory<byte> start, int limit, Memory<byte> firstKey, Memory<byte> lastKey, ArrayBufferWriter<byte> lastValue)
    {
        await using var iterator = _db.ScanAsync(new KeyRange(KeyBound.Included(start.Span), KeyBound.Unbounded), s_scan);
        var rows = 0;
        KeyValue? last = null;
        while (rows < limit && await iterator.NextAsync().ConfigureAwait(false) is { } row)
        {
            if (rows == 0)
            {
                row.Key.AsSpan(0, Math.Min(row.Key.Length, firstKey.Length)).CopyTo(firstKey.Span);
            }

            last = row;
            rows++;
        }

        if (last is not null)
        {
            last.Key.AsSpan(0, Math.Min(last.Key.Length, lastKey.Length)).CopyTo(lastKey.Span);
            lastValue.Write(last.Value);
        }

        return rows;
    }

    public async Task FlushAsync() => await _db.FlushAsync(FlushType.MemTable).ConfigureAwait(false);

    public async Task<long> ScanAllAsync()
    {
        long rows = 0;
        await using var iterator = _db.ScanAsync(KeyRange.All, s_scan);
        while (await iterator.NextAsync().ConfigureAwait(false) is not null)
        {
            rows++;
        }

        return rows;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _db.CloseAsync().ConfigureAwait(false);
        }
        finally
        {
            _listener.Dispose();
        }
    }
}
