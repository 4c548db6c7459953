using System.Diagnostics.Metrics;

namespace SlateFast.Diagnostics;

/// <summary>
/// Instruments of the write path, named after SlateDB's <c>db.*</c> metrics. Every measurement
/// carries the tag <c>db</c> (<see cref="Tag"/>), so two databases in one process stay apart.
/// </summary>
internal static class DbMetrics
{
    public static readonly Counter<long> WriteOps = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.write_ops", "{row}", "Rows written");
    public static readonly Counter<long> WriteBatches = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.write_batch_count", "{batch}", "Write batches committed");
    public static readonly Counter<long> PrefixFilterSkips = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.prefix_filter_skips", "{sst}", "SSTs a prefix scan skipped by their prefix bloom filter");
    public static readonly Counter<long> Backpressure = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.backpressure_count", "{wait}", "Writes that waited for flushes to catch up");
    public static readonly Counter<long> MemtableFlushes = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.immutable_memtable_flushes", "{flush}", "Memtables written as L0 SSTs");
    public static readonly Counter<long> WalFlushes = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.wal_buffer_flushes", "{flush}", "WAL objects written");
    public static readonly Counter<long> TransactionConflicts = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.transaction_conflicts", "{transaction}", "Transaction commits rejected for a conflict");
    public static readonly Counter<long> WalBytes = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.wal_buffer_bytes", "By", "Bytes of WAL objects written");
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<DbHandle, byte> s_open = new();

    static DbMetrics()
    {
        SlateFastMetrics.Meter.CreateObservableGauge("slatefast.db.l0_sst_count", () => s_open.Keys.Select(db => new Measurement<long>(db.L0Count, Tag(db.Path))), "{sst}", "L0 SSTs listed by the manifests of open databases");
    }

    /// <summary>The tag naming the database at <paramref name="path"/>.</summary>
    public static KeyValuePair<string, object?> Tag(string path) => new("db", path);

    public static void Opened(DbHandle db) => s_open.TryAdd(db, 0);

    public static void Closed(DbHandle db) => s_open.TryRemove(db, out _);
}
