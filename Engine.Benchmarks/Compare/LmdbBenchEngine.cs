using System.Buffers;
using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using LightningDB;
using SlateFast.Cli.Bench;

namespace SlateFast.Benchmarks.Compare;

/// <summary>
/// LMDB (Debian's liblmdb0, through NuGet <c>LightningDB</c>) under test: a copy-on-write B+tree
/// in one memory-mapped file, keys in memcmp order (LMDB's default). The map is 16 GiB, a sparse
/// reservation far above the full scale's data; LMDB has no cache of its own (reads are the page
/// cache through the map) and no memtable (a commit writes the changed pages), so the memory
/// settings of the others have no counterpart. Durability is chosen per run with the environment
/// flags, as LMDB syncs per environment: non-durable runs open it with MDB_NOSYNC (a commit
/// writes its pages to the file and returns), durable runs without it, so every commit is LMDB's
/// synced commit (fdatasync of the data, then the meta page written synchronously); LMDB has one
/// writer at a time and no group commit, so concurrent durable writers queue on its writer lock.
/// A put is one write transaction, a load batch one transaction. A point read renews a read-only
/// transaction from a pool of reset ones (mdb_txn_reset/renew, LMDB's cheapest read: no reader
/// slot or handle allocation per read), copies the value out of the map into the caller's
/// buffer, and resets it; MDB_NOTLS ties reader slots to transactions, so pooled transactions can
/// move between threads. Scans are cursors in the same pooled transactions.
/// </summary>
internal sealed class LmdbBenchEngine : IBenchEngine
{
    private const long MapSizeBytes = 16L << 30;
    private const int MaxReaders = 512;

    private readonly LightningEnvironment _env;
    private readonly LightningDatabase _db;
    private readonly ConcurrentBag<LightningTransaction> _readers = [];
    private int _closed;

    /// <param name="folder">An empty folder for the environment.</param>
    /// <param name="durable">Whether the run makes durable puts (selects MDB_NOSYNC or synced commits).</param>
    public LmdbBenchEngine(string folder, bool durable)
    {
        LmdbLibrary.Install();
        Directory.CreateDirectory(folder);
        _env = new LightningEnvironment(folder, new EnvironmentConfiguration { MapSize = MapSizeBytes, MaxReaders = MaxReaders });
        _env.Open(EnvironmentOpenFlags.NoThreadLocalStorage | (durable ? EnvironmentOpenFlags.None : EnvironmentOpenFlags.NoSync));
        using var tx = _env.BeginTransaction();
        _db = tx.OpenDatabase(new DatabaseConfiguration { Flags = DatabaseOpenFlags.Create }, closeOnDispose: true);
        tx.Commit().ThrowOnError();
    }

    public static string Describe =>
        $"{LmdbLibrary.Describe}: map size {MapSizeBytes >> 30} GiB (sparse), memcmp key order, no cache but the OS page cache (mmap), " +
        "MDB_NOTLS; non-durable runs MDB_NOSYNC, durable runs synced commits (fdatasync + synchronous meta page, one writer at a time, no group commit); " +
        "a put = one write transaction, a load batch = one transaction; reads and scans in pooled reset/renewed read-only transactions; flush = mdb_env_sync(force)";

    public string Name => "lmdb";

    public string Settings => Describe;

    public long? StoreRequests => null;

    public long? StoreBytesWritten => null;

    public long? NativeMemoryBytes => null;

    public ValueTask PutAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, bool durable)
    {
        // The environment's flags make the commit synced in durable runs; `durable` is the run's.
        using var tx = _env.BeginTransaction();
        tx.Put(_db, key.Span, value.Span).ThrowOnError();
        tx.Commit().ThrowOnError();
        return ValueTask.CompletedTask;
    }

    public ValueTask PutBatchAsync(OpList ops, int start, int end, WorkloadPlan plan)
    {
        using var tx = _env.BeginTransaction();
        for (var i = start; i < end; i++)
        {
            tx.Put(_db, ops.Key(i).Span, plan.Value(ops.ValueOffset(i)).Span).ThrowOnError();
        }

        tx.Commit().ThrowOnError();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> GetAsync(ReadOnlyMemory<byte> key, ArrayBufferWriter<byte> value)
    {
        var tx = RentReader();
        try
        {
            return ValueTask.FromResult(tx.TryGet(_db, key.Span, value));
        }
        finally
        {
            ReturnReader(tx);
        }
    }

    public ValueTask<int> ScanAsync(ReadOnlyMemory<byte> start, int limit, Memory<byte> firstKey, Memory<byte> lastKey, ArrayBufferWriter<byte> lastValue)
    {
        var tx = RentReader();
        try
        {
            using var cursor = tx.CreateCursor(_db);
            var rows = 0;
            if (cursor.SetRange(start.Span).ThrowOnReadError() == MDBResultCode.NotFound)
            {
                return ValueTask.FromResult(0);
            }

            var (code, key, data) = cursor.GetCurrent().ThrowOnReadError();
            while (rows < limit && code == MDBResultCode.Success)
            {
                var k = key.AsSpan();
                if (rows == 0)
                {
                    k[..Math.Min(k.Length, firstKey.Length)].CopyTo(firstKey.Span);
                }

                k[..Math.Min(k.Length, lastKey.Length)].CopyTo(lastKey.Span);
                lastValue.ResetWrittenCount();
                lastValue.Write(data.AsSpan());
                if (++rows < limit)
                {
                    (code, key, data) = cursor.Next().ThrowOnReadError();
                }
            }

            return ValueTask.FromResult(rows);
        }
        finally
        {
            ReturnReader(tx);
        }
    }

    public Task FlushAsync()
    {
        // No memtable to move: committed pages are in the file; force them to disk (MDB_NOSYNC runs).
        _env.Flush(force: true).ThrowOnError();
        return Task.CompletedTask;
    }

    public Task<long> ScanAllAsync()
    {
        var tx = RentReader();
        try
        {
            using var cursor = tx.CreateCursor(_db);
            long rows = 0;
            for (var (code, _, _) = cursor.First().ThrowOnReadError(); code == MDBResultCode.Success; (code, _, _) = cursor.Next().ThrowOnReadError())
            {
                rows++;
            }

            return Task.FromResult(rows);
        }
        finally
        {
            ReturnReader(tx);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) == 0)
        {
            while (_readers.TryTake(out var tx))
            {
                tx.Dispose();
            }

            _db.Dispose();
            _env.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    private LightningTransaction RentReader()
    {
        if (_readers.TryTake(out var tx))
        {
            tx.Renew().ThrowOnError();
            return tx;
        }

        return _env.BeginTransaction(TransactionBeginFlags.ReadOnly);
    }

    private void ReturnReader(LightningTransaction tx)
    {
        // Reset releases the snapshot (so writers can reuse its pages) but keeps the handle and slot.
        tx.Reset();
        _readers.Add(tx);
    }
}

/// <summary>
/// Points LightningDB's P/Invokes (library name "lmdb") at Debian's liblmdb.so.0 (package
/// liblmdb0, scripts/install-deps) rather than the LMDB 1.0 build the NuGet package carries
/// (Engine.Benchmarks.csproj leaves its native assets out): the peer is the LMDB that Debian
/// ships. The 0.9 C API that LightningDB's core calls is the same in both.
/// </summary>
internal static partial class LmdbLibrary
{
    public const string Name = "lmdb";

    /// <summary>Debian's soname of liblmdb0.</summary>
    public const string Path = "liblmdb.so.0";

    private static int s_installed;

    /// <summary>The peer as the results name it, with the version the loaded library reports.</summary>
    public static string Describe
    {
        get
        {
            // mdb_version's string is "LMDB 0.9.24: (July 24, 2019)".
            var version = Marshal.PtrToStringUTF8(mdb_version(0, 0, 0))?.Split(':')[0] ?? "LMDB";
            var lightning = typeof(LightningEnvironment).Assembly.GetName().Version?.ToString(3);
            return $"{version} (Debian liblmdb0 {Path}, via NuGet LightningDB {lightning})";
        }
    }

    /// <summary>Maps <see cref="Name"/> to <see cref="Path"/> for LightningDB's P/Invokes; once, before its first call.</summary>
    public static void Install()
    {
        if (Interlocked.Exchange(ref s_installed, 1) == 0)
        {
            NativeLibrary.SetDllImportResolver(typeof(LightningEnvironment).Assembly, Resolve);
        }
    }

    private static IntPtr Resolve(string library, Assembly assembly, DllImportSearchPath? searchPath) =>
        library == Name ? NativeLibrary.Load(Path) : IntPtr.Zero;

    [LibraryImport(Path)]
    private static partial nint mdb_version(nint major, nint minor, nint patch);
}
