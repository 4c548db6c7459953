using System.Runtime.InteropServices;

namespace SlateFast.Native;

/// <summary>
/// The C ABI entry points (NativeAot/include/slatefast.h). Each is one line forwarding to
/// <see cref="NativeApi"/>, which checks arguments and catches every exception: an exception
/// escaping an <see cref="UnmanagedCallersOnlyAttribute"/> method would end the process.
/// Handles are <c>nint</c> tokens; C's <c>bool</c> is a byte.
/// </summary>
public static unsafe class Exports
{
    /// <summary><c>const char *sf_version(void)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_version")]
    public static byte* Version() => NativeApi.Version();

    /// <summary><c>void sf_result_free(sf_result_t *result)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_result_free")]
    public static void ResultFree(NativeResult* result) => NativeApi.ResultFree(result);

    /// <summary><c>void sf_bytes_free(uint8_t *ptr, size_t len)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_bytes_free")]
    public static void BytesFree(byte* pointer, nuint length) => NativeApi.BytesFree(pointer, length);

    /// <summary><c>void sf_string_free(char *str)</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_string_free")]
    public static void StringFree(byte* text) => NativeApi.StringFree(text);

    /// <summary><c>sf_set_log_callback</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_set_log_callback")]
    public static NativeResult SetLogCallback(delegate* unmanaged<int, byte*, byte*, void*, void> callback, int minLevel, void* userData) => NativeApi.SetLogCallback(callback, minLevel, userData);

    /// <summary><c>sf_db_open</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_open")]
    public static NativeResult DbOpen(byte* path, byte* storeUrl, byte* optionsJson, nint* outDb) => NativeApi.Open(path, storeUrl, optionsJson, outDb);

    /// <summary><c>sf_db_close</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_close")]
    public static NativeResult DbClose(nint db) => NativeApi.Close(db);

    /// <summary><c>sf_db_put</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_put")]
    public static NativeResult DbPut(nint db, byte* key, nuint keyLength, byte* value, nuint valueLength, int awaitDurable, ulong* outSeq) =>
        NativeApi.Put(db, key, keyLength, value, valueLength, null, NativeOptionConversions.Write(awaitDurable), outSeq);

    /// <summary><c>sf_db_put_with_options</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_put_with_options")]
    public static NativeResult DbPutWithOptions(nint db, byte* key, nuint keyLength, byte* value, nuint valueLength, NativePutOptions* putOptions, NativeWriteOptions* writeOptions, ulong* outSeq) =>
        NativeApi.Put(db, key, keyLength, value, valueLength, putOptions, NativeOptionConversions.Write(writeOptions), outSeq);

    /// <summary><c>sf_db_merge</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_merge")]
    public static NativeResult DbMerge(nint db, byte* key, nuint keyLength, byte* operand, nuint operandLength, NativePutOptions* putOptions, NativeWriteOptions* writeOptions, ulong* outSeq) =>
        NativeApi.Merge(db, key, keyLength, operand, operandLength, putOptions, writeOptions, outSeq);

    /// <summary><c>sf_db_delete</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_delete")]
    public static NativeResult DbDelete(nint db, byte* key, nuint keyLength, int awaitDurable) =>
        NativeApi.Delete(db, key, keyLength, NativeOptionConversions.Write(awaitDurable), null);

    /// <summary><c>sf_db_delete_with_options</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_delete_with_options")]
    public static NativeResult DbDeleteWithOptions(nint db, byte* key, nuint keyLength, NativeWriteOptions* writeOptions, ulong* outSeq) =>
        NativeApi.Delete(db, key, keyLength, NativeOptionConversions.Write(writeOptions), outSeq);

    /// <summary><c>sf_db_write</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_write")]
    public static NativeResult DbWrite(nint db, nint batch, NativeWriteOptions* writeOptions, ulong* outSeq) => NativeApi.Write(db, batch, writeOptions, outSeq);

    /// <summary><c>sf_db_get</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_get")]
    public static NativeResult DbGet(nint db, byte* key, nuint keyLength, byte* outPresent, byte** outValue, nuint* outValueLength) =>
        NativeApi.Get(db, key, keyLength, null, outPresent, outValue, outValueLength);

    /// <summary><c>sf_db_get_with_options</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_get_with_options")]
    public static NativeResult DbGetWithOptions(nint db, byte* key, nuint keyLength, NativeReadOptions* options, byte* outPresent, byte** outValue, nuint* outValueLength) =>
        NativeApi.Get(db, key, keyLength, options, outPresent, outValue, outValueLength);

    /// <summary><c>sf_db_get_into</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_get_into")]
    public static NativeResult DbGetInto(nint db, byte* key, nuint keyLength, NativeReadOptions* options, byte* buffer, nuint capacity, byte* outPresent, nuint* outValueLength) =>
        NativeApi.GetInto(db, key, keyLength, options, buffer, capacity, outPresent, outValueLength);

    /// <summary><c>sf_db_get_pinned</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_get_pinned")]
    public static NativeResult DbGetPinned(nint db, byte* key, nuint keyLength, NativeReadOptions* options, nint* outPinned, byte** outValue, nuint* outValueLength) =>
        NativeApi.GetPinned(db, key, keyLength, options, outPinned, outValue, outValueLength);

    /// <summary><c>sf_pinned_free</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_pinned_free")]
    public static NativeResult PinnedFree(nint pinned) => NativeApi.PinnedFree(pinned);

    /// <summary><c>sf_db_flush</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_flush")]
    public static NativeResult DbFlush(nint db) => NativeApi.Flush(db, 0);

    /// <summary><c>sf_db_flush_with_type</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_flush_with_type")]
    public static NativeResult DbFlushWithType(nint db, int type) => NativeApi.Flush(db, type);

    /// <summary><c>sf_db_metrics</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_metrics")]
    public static NativeResult DbMetrics(nint db, byte** outJson) => NativeApi.Metrics(db, outJson);

    /// <summary><c>sf_db_scan</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_scan")]
    public static NativeResult DbScan(nint db, byte* start, nuint startLength, byte* end, nuint endLength, NativeScanOptions* options, nint* outIterator) =>
        NativeApi.Scan(db, start, startLength, end, endLength, options, outIterator);

    /// <summary><c>sf_db_scan_prefix</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_scan_prefix")]
    public static NativeResult DbScanPrefix(nint db, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeApi.ScanPrefix(db, prefix, prefixLength, options, outIterator);

    /// <summary><c>sf_db_scan_prefix_by_recency</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_scan_prefix_by_recency")]
    public static NativeResult DbScanPrefixByRecency(nint db, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeApi.ScanPrefixByRecency(db, prefix, prefixLength, options, outIterator);

    /// <summary><c>sf_recency_iterator_next</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_recency_iterator_next")]
    public static NativeResult RecencyIteratorNext(nint iterator, byte* outPresent, NativeRowEntry* outRow) =>
        NativeApi.RecencyIteratorNext(iterator, outPresent, outRow);

    /// <summary><c>sf_recency_iterator_close</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_recency_iterator_close")]
    public static NativeResult RecencyIteratorClose(nint iterator) => NativeApi.RecencyIteratorClose(iterator);

    /// <summary><c>sf_iterator_next_borrowed</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_iterator_next_borrowed")]
    public static NativeResult IteratorNextBorrowed(nint iterator, byte* outPresent, byte** outKey, nuint* outKeyLength, byte** outValue, nuint* outValueLength) =>
        NativeApi.IteratorNextBorrowed(iterator, outPresent, outKey, outKeyLength, outValue, outValueLength);

    /// <summary><c>sf_iterator_next</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_iterator_next")]
    public static NativeResult IteratorNext(nint iterator, byte* outPresent, byte** outKey, nuint* outKeyLength, byte** outValue, nuint* outValueLength) =>
        NativeApi.IteratorNext(iterator, outPresent, outKey, outKeyLength, outValue, outValueLength);

    /// <summary><c>sf_iterator_seek</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_iterator_seek")]
    public static NativeResult IteratorSeek(nint iterator, byte* key, nuint keyLength) => NativeApi.IteratorSeek(iterator, key, keyLength);

    /// <summary><c>sf_iterator_close</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_iterator_close")]
    public static NativeResult IteratorClose(nint iterator) => NativeApi.IteratorClose(iterator);

    /// <summary><c>sf_db_snapshot</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_snapshot")]
    public static NativeResult DbSnapshot(nint db, nint* outSnapshot) => NativeApi.Snapshot(db, outSnapshot);

    /// <summary><c>sf_snapshot_get</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_snapshot_get")]
    public static NativeResult SnapshotGet(nint snapshot, byte* key, nuint keyLength, NativeReadOptions* options, byte* outPresent, byte** outValue, nuint* outValueLength) =>
        NativeApi.SnapshotGet(snapshot, key, keyLength, options, outPresent, outValue, outValueLength);

    /// <summary><c>sf_snapshot_scan</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_snapshot_scan")]
    public static NativeResult SnapshotScan(nint snapshot, byte* start, nuint startLength, byte* end, nuint endLength, NativeScanOptions* options, nint* outIterator) =>
        NativeApi.SnapshotScan(snapshot, start, startLength, end, endLength, options, outIterator);

    /// <summary><c>sf_snapshot_scan_prefix</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_snapshot_scan_prefix")]
    public static NativeResult SnapshotScanPrefix(nint snapshot, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeApi.SnapshotScanPrefix(snapshot, prefix, prefixLength, options, outIterator);

    /// <summary><c>sf_snapshot_close</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_snapshot_close")]
    public static NativeResult SnapshotClose(nint snapshot) => NativeApi.SnapshotClose(snapshot);

    /// <summary><c>sf_write_batch_new</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_write_batch_new")]
    public static NativeResult BatchNew(nint* outBatch) => NativeApi.BatchNew(outBatch);

    /// <summary><c>sf_write_batch_put</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_write_batch_put")]
    public static NativeResult BatchPut(nint batch, byte* key, nuint keyLength, byte* value, nuint valueLength, NativePutOptions* options) =>
        NativeApi.BatchPut(batch, key, keyLength, value, valueLength, options);

    /// <summary><c>sf_write_batch_merge</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_write_batch_merge")]
    public static NativeResult BatchMerge(nint batch, byte* key, nuint keyLength, byte* operand, nuint operandLength, NativePutOptions* options) =>
        NativeApi.BatchMerge(batch, key, keyLength, operand, operandLength, options);

    /// <summary><c>sf_write_batch_delete</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_write_batch_delete")]
    public static NativeResult BatchDelete(nint batch, byte* key, nuint keyLength) => NativeApi.BatchDelete(batch, key, keyLength);

    /// <summary><c>sf_write_batch_clear</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_write_batch_clear")]
    public static NativeResult BatchClear(nint batch) => NativeApi.BatchClear(batch);

    /// <summary><c>sf_write_batch_free</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_write_batch_free")]
    public static NativeResult BatchFree(nint batch) => NativeApi.BatchFree(batch);

    /// <summary><c>sf_db_begin_transaction</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_begin_transaction")]
    public static NativeResult DbBeginTransaction(nint db, int isolation, nint* outTransaction) => NativeApi.BeginTransaction(db, isolation, outTransaction);

    /// <summary><c>sf_txn_get</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_get")]
    public static NativeResult TxnGet(nint txn, byte* key, nuint keyLength, NativeReadOptions* options, byte* outPresent, byte** outValue, nuint* outValueLength) =>
        NativeApi.TxnGet(txn, key, keyLength, options, outPresent, outValue, outValueLength);

    /// <summary><c>sf_txn_get_into</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_get_into")]
    public static NativeResult TxnGetInto(nint txn, byte* key, nuint keyLength, NativeReadOptions* options, byte* buffer, nuint capacity, byte* outPresent, nuint* outValueLength) =>
        NativeApi.TxnGetInto(txn, key, keyLength, options, buffer, capacity, outPresent, outValueLength);

    /// <summary><c>sf_txn_put</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_put")]
    public static NativeResult TxnPut(nint txn, byte* key, nuint keyLength, byte* value, nuint valueLength, NativePutOptions* options) =>
        NativeApi.TxnPut(txn, key, keyLength, value, valueLength, options);

    /// <summary><c>sf_txn_delete</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_delete")]
    public static NativeResult TxnDelete(nint txn, byte* key, nuint keyLength) => NativeApi.TxnDelete(txn, key, keyLength);

    /// <summary><c>sf_txn_merge</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_merge")]
    public static NativeResult TxnMerge(nint txn, byte* key, nuint keyLength, byte* operand, nuint operandLength, NativePutOptions* options) =>
        NativeApi.TxnMerge(txn, key, keyLength, operand, operandLength, options);

    /// <summary><c>sf_txn_scan</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_scan")]
    public static NativeResult TxnScan(nint txn, byte* start, nuint startLength, byte* end, nuint endLength, NativeScanOptions* options, nint* outIterator) =>
        NativeApi.TxnScan(txn, start, startLength, end, endLength, options, outIterator);

    /// <summary><c>sf_txn_scan_prefix</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_scan_prefix")]
    public static NativeResult TxnScanPrefix(nint txn, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeApi.TxnScanPrefix(txn, prefix, prefixLength, options, outIterator);

    /// <summary><c>sf_txn_mark_read</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_mark_read")]
    public static NativeResult TxnMarkRead(nint txn, byte* key, nuint keyLength) => NativeApi.TxnMarkRead(txn, key, keyLength);

    /// <summary><c>sf_txn_unmark_write</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_unmark_write")]
    public static NativeResult TxnUnmarkWrite(nint txn, byte* key, nuint keyLength) => NativeApi.TxnUnmarkWrite(txn, key, keyLength);

    /// <summary><c>sf_txn_commit</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_commit")]
    public static NativeResult TxnCommit(nint txn, int awaitDurable, ulong* outSeq, byte* outCommittedSomething) => NativeApi.TxnCommit(txn, awaitDurable, outSeq, outCommittedSomething);

    /// <summary><c>sf_txn_rollback</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_txn_rollback")]
    public static NativeResult TxnRollback(nint txn) => NativeApi.TxnRollback(txn);

    /// <summary><c>sf_db_create_checkpoint</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_create_checkpoint")]
    public static NativeResult DbCreateCheckpoint(nint db, int scope, long lifetimeMs, byte* name, byte* outId, ulong* outManifestId) =>
        NativeApi.CreateCheckpoint(db, scope, lifetimeMs, name, outId, outManifestId);

    /// <summary><c>sf_db_refresh_checkpoint</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_refresh_checkpoint")]
    public static NativeResult DbRefreshCheckpoint(nint db, byte* id, long lifetimeMs) => NativeApi.RefreshCheckpoint(db, id, lifetimeMs);

    /// <summary><c>sf_db_delete_checkpoint</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_delete_checkpoint")]
    public static NativeResult DbDeleteCheckpoint(nint db, byte* id, byte* outFound) => NativeApi.DeleteCheckpoint(db, id, outFound);

    /// <summary><c>sf_db_list_checkpoints</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_list_checkpoints")]
    public static NativeResult DbListCheckpoints(nint db, byte** outJson) => NativeApi.ListCheckpoints(db, outJson);

    /// <summary><c>sf_db_ingest</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_db_ingest")]
    public static NativeResult DbIngest(nint db, byte** paths, nuint count, ulong* outSeq) => NativeApi.Ingest(db, paths, count, outSeq);

    /// <summary><c>sf_reader_open</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_open")]
    public static NativeResult ReaderOpen(byte* path, byte* storeUrl, byte* optionsJson, nint* outReader) => NativeApi.ReaderOpen(path, storeUrl, optionsJson, outReader);

    /// <summary><c>sf_reader_get</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_get")]
    public static NativeResult ReaderGet(nint reader, byte* key, nuint keyLength, NativeReadOptions* options, byte* outPresent, byte** outValue, nuint* outValueLength) =>
        NativeApi.ReaderGet(reader, key, keyLength, options, outPresent, outValue, outValueLength);

    /// <summary><c>sf_reader_scan</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_scan")]
    public static NativeResult ReaderScan(nint reader, byte* start, nuint startLength, byte* end, nuint endLength, NativeScanOptions* options, nint* outIterator) =>
        NativeApi.ReaderScan(reader, start, startLength, end, endLength, options, outIterator);

    /// <summary><c>sf_reader_scan_prefix</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_scan_prefix")]
    public static NativeResult ReaderScanPrefix(nint reader, byte* prefix, nuint prefixLength, NativeScanOptions* options, nint* outIterator) =>
        NativeApi.ReaderScanPrefix(reader, prefix, prefixLength, options, outIterator);

    /// <summary><c>sf_reader_refresh</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_refresh")]
    public static NativeResult ReaderRefresh(nint reader) => NativeApi.ReaderRefresh(reader);

    /// <summary><c>sf_reader_close</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_reader_close")]
    public static NativeResult ReaderClose(nint reader) => NativeApi.ReaderClose(reader);

    /// <summary><c>sf_admin_open</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_open")]
    public static NativeResult AdminOpen(byte* path, byte* storeUrl, byte* walStoreUrl, nint* outAdmin) => NativeApi.AdminOpen(path, storeUrl, walStoreUrl, outAdmin);

    /// <summary><c>sf_admin_list_manifests</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_list_manifests")]
    public static NativeResult AdminListManifests(nint admin, byte** outJson) => NativeApi.AdminListManifests(admin, outJson);

    /// <summary><c>sf_admin_read_manifest</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_read_manifest")]
    public static NativeResult AdminReadManifest(nint admin, ulong id, byte** outJson) => NativeApi.AdminReadManifest(admin, id, outJson);

    /// <summary><c>sf_admin_read_compactions</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_read_compactions")]
    public static NativeResult AdminReadCompactions(nint admin, ulong id, byte** outJson) => NativeApi.AdminReadCompactions(admin, id, outJson);

    /// <summary><c>sf_admin_seq_to_ts</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_seq_to_ts")]
    public static NativeResult AdminSeqToTs(nint admin, ulong seq, byte roundUp, byte* outPresent, long* outUnixSeconds) => NativeApi.AdminSeqToTs(admin, seq, roundUp, outPresent, outUnixSeconds);

    /// <summary><c>sf_admin_ts_to_seq</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_ts_to_seq")]
    public static NativeResult AdminTsToSeq(nint admin, long unixSeconds, byte roundUp, byte* outPresent, ulong* outSeq) => NativeApi.AdminTsToSeq(admin, unixSeconds, roundUp, outPresent, outSeq);

    /// <summary><c>sf_admin_delete_db</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_delete_db")]
    public static NativeResult AdminDeleteDb(nint admin, byte force, ulong* outObjectsDeleted) => NativeApi.AdminDeleteDb(admin, force, outObjectsDeleted);

    /// <summary><c>sf_admin_close</c>.</summary>
    [UnmanagedCallersOnly(EntryPoint = "sf_admin_close")]
    public static NativeResult AdminClose(nint admin) => NativeApi.AdminClose(admin);
}
