using System.Diagnostics.Metrics;

namespace SlateFast.Diagnostics;

/// <summary>Instruments of the write path, named after SlateDB's <c>db.*</c> metrics.</summary>
internal static class DbMetrics
{
    public static readonly Counter<long> WriteOps = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.write_ops", "{row}", "Rows written");
    public static readonly Counter<long> WriteBatches = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.write_batch_count", "{batch}", "Write batches committed");
    public static readonly Counter<long> Backpressure = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.backpressure_count", "{wait}", "Writes that waited for flushes to catch up");
    public static readonly Counter<long> MemtableFlushes = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.immutable_memtable_flushes", "{flush}", "Memtables written as L0 SSTs");
    public static readonly Counter<long> WalFlushes = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.wal_buffer_flushes", "{flush}", "WAL objects written");
    public static readonly Counter<long> WalBytes = SlateFastMetrics.Meter.CreateCounter<long>("slatefast.db.wal_buffer_bytes", "By", "Bytes of WAL objects written");
    public static readonly UpDownCounter<long> L0Ssts = SlateFastMetrics.Meter.CreateUpDownCounter<long>("slatefast.db.l0_sst_count", "{sst}", "L0 SSTs of open databases");
}
