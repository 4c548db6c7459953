using System.Buffers;
using SlateFast.Cache;
using SlateFast.Cli.Bench;
using static SlateFast.Benchmarks.Compare.RocksDbNative;

namespace SlateFast.Benchmarks.Compare;

/// <summary>
/// RocksDB under test through its C API, configured like SlateFast where they share a concept:
/// 64 MiB memtable (SlateFast's L0 SST size), 4 KiB blocks, 10-bit bloom filters, no
/// compression, an LRU block cache the size of SlateFast's data cache (512 MiB), WAL on.
/// Non-durable writes skip fsync; durable ones set <c>sync = true</c>, RocksDB's group commit
/// sharing one fsync among concurrent writers. Point reads use the pinned-slice get (no copy
/// into a malloc'ed buffer: the fastest read the C API offers). Calls block, so the runner's
/// clients get a thread each.
/// </summary>
internal sealed unsafe class RocksDbBenchEngine : IBenchEngine
{
    private const long WriteBufferBytes = 64L << 20;
    private const int BlockSize = 4096;
    private const double BloomBitsPerKey = 10;
    private static readonly long s_cacheBytes = BlockCacheOptions.DefaultDataCapacityBytes;

    private readonly nint _db;
    private readonly nint _options;
    private readonly nint _cache;
    private readonly nint _write;
    private readonly nint _syncWrite;
    private readonly nint _read;
    private int _closed;

    public RocksDbBenchEngine(string folder)
    {
        Directory.CreateDirectory(folder);
        _options = rocksdb_options_create();
        rocksdb_options_set_create_if_missing(_options, 1);
        rocksdb_options_set_write_buffer_size(_options, (nuint)WriteBufferBytes);
        rocksdb_options_set_compression(_options, 0);
        var table = rocksdb_block_based_options_create();
        rocksdb_block_based_options_set_block_size(table, BlockSize);
        rocksdb_block_based_options_set_filter_policy(table, rocksdb_filterpolicy_create_bloom(BloomBitsPerKey));
        _cache = rocksdb_cache_create_lru((nuint)s_cacheBytes);
        rocksdb_block_based_options_set_block_cache(table, _cache);
        rocksdb_options_set_block_based_table_factory(_options, table);
        rocksdb_block_based_options_destroy(table);
        nint error = 0;
        _db = rocksdb_open(_options, folder, &error);
        Check(error, "open");
        _write = rocksdb_writeoptions_create();
        _syncWrite = rocksdb_writeoptions_create();
        rocksdb_writeoptions_set_sync(_syncWrite, 1);
        _read = rocksdb_readoptions_create();
    }

    public static string Describe =>
        $"{RocksDbLibrary.Describe}: write_buffer_size {WriteBufferBytes >> 20} MiB, block_size {BlockSize}, " +
        $"bloom {BloomBitsPerKey} bits/key, LRU block cache {s_cacheBytes >> 20} MiB, compression none, WAL on " +
        "(non-durable: sync=false; durable: sync=true), other options default (2 background jobs, level compaction)";

    public string Name => "rocksdb";

    public string Settings => Describe;

    public long? StoreRequests => null;

    public long? StoreBytesWritten => null;

    public long? NativeMemoryBytes => null;

    public ValueTask PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, bool durable)
    {
        nint error = 0;
        fixed (byte* k = key.Span)
        fixed (byte* v = value.Span)
        {
            rocksdb_put(_db, durable ? _syncWrite : _write, k, (nuint)key.Length, v, (nuint)value.Length, &error);
        }

        Check(error, "put");
        return ValueTask.CompletedTask;
    }

    public ValueTask PutBatchAsync(OpList ops, int start, int end, WorkloadPlan plan)
    {
        var batch = rocksdb_writebatch_create();
        try
        {
            for (var i = start; i < end; i++)
            {
                var key = ops.Key(i).Span;
                var value = plan.Value(ops.ValueOffset(i)).Span;
                fixed (byte* k = key)
                fixed (byte* v = value)
                {
                    rocksdb_writebatch_put(batch, k, (nuint)key.Length, v, (nuint)value.Length);
                }
            }

            nint error = 0;
            rocksdb_write(_db, _write, batch, &error);
            Check(error, "write batch");
        }
        finally
        {
            rocksdb_writebatch_destroy(batch);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> GetAsync(ReadOnlyMemory<byte> key, ArrayBufferWriter<byte> value)
    {
        nint error = 0;
        nint slice;
        fixed (byte* k = key.Span)
        {
            slice = rocksdb_get_pinned(_db, _read, k, (nuint)key.Length, &error);
        }

        Check(error, "get");
        if (slice == 0)
        {
            return ValueTask.FromResult(false);
        }

        try
        {
            nuint length;
            var data = rocksdb_pinnableslice_value(slice, &length);
            value.Write(new ReadOnlySpan<byte>(data, (int)length));
        }
        finally
        {
            rocksdb_pinnableslice_destroy(slice);
        }

        return ValueTask.FromResult(true);
    }

    public ValueTask<int> ScanAsync(ReadOnlyMemory<byte> start, int limit, Memory<byte> firstKey, Memory<byte> lastKey, ArrayBufferWriter<byte> lastValue)
    {
        var iterator = rocksdb_create_iterator(_db, _read);
        try
        {
            fixed (byte* k = start.Span)
            {
                rocksdb_iter_seek(iterator, k, (nuint)start.Length);
            }

            var rows = 0;
            nuint length;
            while (rows < limit && rocksdb_iter_valid(iterator) != 0)
            {
                var key = new ReadOnlySpan<byte>(rocksdb_iter_key(iterator, &length), (int)length);
                if (rows == 0)
                {
                    key[..Math.Min(key.Length, firstKey.Length)].CopyTo(firstKey.Span);
                }

                key[..Math.Min(key.Length, lastKey.Length)].CopyTo(lastKey.Span);
                lastValue.ResetWrittenCount();
                lastValue.Write(new ReadOnlySpan<byte>(rocksdb_iter_value(iterator, &length), (int)length));
                if (++rows < limit)
                {
                    rocksdb_iter_next(iterator);
                }
            }

            nint error = 0;
            rocksdb_iter_get_error(iterator, &error);
            Check(error, "iterate");
            return ValueTask.FromResult(rows);
        }
        finally
        {
            rocksdb_iter_destroy(iterator);
        }
    }

    public Task FlushAsync()
    {
        var options = rocksdb_flushoptions_create();
        try
        {
            rocksdb_flushoptions_set_wait(options, 1);
            nint error = 0;
            rocksdb_flush(_db, options, &error);
            Check(error, "flush");
        }
        finally
        {
            rocksdb_flushoptions_destroy(options);
        }

        return Task.CompletedTask;
    }

    public Task<long> ScanAllAsync()
    {
        var iterator = rocksdb_create_iterator(_db, _read);
        try
        {
            long rows = 0;
            for (rocksdb_iter_seek_to_first(iterator); rocksdb_iter_valid(iterator) != 0; rocksdb_iter_next(iterator))
            {
                rows++;
            }

            nint error = 0;
            rocksdb_iter_get_error(iterator, &error);
            Check(error, "scan");
            return Task.FromResult(rows);
        }
        finally
        {
            rocksdb_iter_destroy(iterator);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            rocksdb_close(_db);
            rocksdb_writeoptions_destroy(_write);
            rocksdb_writeoptions_destroy(_syncWrite);
            rocksdb_readoptions_destroy(_read);
            rocksdb_options_destroy(_options);
            rocksdb_cache_destroy(_cache);
        }

        return ValueTask.CompletedTask;
    }
}
