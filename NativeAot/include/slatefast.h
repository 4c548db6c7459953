/*
 * slatefast.h - C ABI of SlateFast, an LSM-tree key-value store on object storage whose
 * databases are byte-compatible with SlateDB 0.12. C99. Link with -lslatefast
 * (artifacts/native/libslatefast.so, built by scripts/build-native).
 *
 * Conventions
 * - Every function except the *_free functions and sf_version returns an sf_result_t. kind is
 *   SF_OK or an error kind; on error, message is a malloc'd UTF-8 string describing it. Always
 *   pass the result to sf_result_free (a no-op on SF_OK) or you leak the message.
 * - Handles (sf_db_t, sf_reader_t, sf_iterator_t, sf_snapshot_t, sf_transaction_t,
 *   sf_write_batch_t) are opaque tokens checked on every call against a table with generation
 *   numbers: a NULL, forged, stale (freed) or wrong-type handle is SF_ERR_INVALID, never a crash.
 *   Operations on a closed database or reader, and on the iterators, snapshots and transactions
 *   it handed out after it closed, are SF_ERR_CLOSED. Closing or freeing a handle twice is
 *   SF_ERR_INVALID. Each handle has exactly one function that frees it: sf_db_close,
 *   sf_reader_close, sf_iterator_close, sf_snapshot_close, sf_write_batch_free, and for a
 *   transaction sf_txn_commit or sf_txn_rollback.
 * - ABI 0.x: structs may gain fields at their end between versions; recompile against the
 *   header of the library you load.
 * - Inputs: pointer + length pairs are borrowed for the duration of the call only. A NULL pointer
 *   with a non-zero length is SF_ERR_INVALID. Keys are 1..65535 bytes. Strings are NUL-terminated
 *   UTF-8. Option structs are borrowed; NULL means the defaults (SF_*_OPTIONS_DEFAULT).
 * - Outputs: out-pointers marked "required" must not be NULL (SF_ERR_INVALID otherwise); they are
 *   set on entry (to 0/NULL/false) so they are defined whatever the result. Bytes handed out are
 *   owned by the caller and freed with sf_bytes_free; strings with sf_string_free.
 * - Thread safety: every function may be called from several threads at once, on the same or
 *   different handles. Calls block until the operation is done (a durable put waits for its WAL
 *   object). Do not call the library from a log callback.
 */
#ifndef SLATEFAST_H
#define SLATEFAST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- Results ------------------------------------------------------------------------------ */

/* Error kinds: what the caller should do next. */
enum {
    SF_OK = 0,
    SF_ERR_TRANSACTION = 1, /* a transaction conflicted; retry it */
    SF_ERR_CLOSED = 2,      /* the database is closed (see close_reason); open it again */
    SF_ERR_UNAVAILABLE = 3, /* the object store is unreachable or failing; retry later */
    SF_ERR_INVALID = 4,     /* bad arguments, handle or configuration; fix the call */
    SF_ERR_DATA = 5,        /* stored bytes are corrupt or of an unknown format */
    SF_ERR_INTERNAL = 6     /* a bug in SlateFast */
};

/* Why a database is closed; set only with SF_ERR_CLOSED. */
enum {
    SF_CLOSE_NONE = 0,
    SF_CLOSE_CLEAN = 1,  /* closed by its owner */
    SF_CLOSE_FENCED = 2, /* a newer writer opened the database */
    SF_CLOSE_PANIC = 3   /* a background task failed; the database closed itself */
};

/* Returned by value by every function. message: NULL on SF_OK, else owned by the caller
 * (free with sf_result_free). */
typedef struct {
    int32_t kind;
    int32_t close_reason;
    char *message;
} sf_result_t;

/* Frees result->message and sets it to NULL. NULL result or message: no-op. */
void sf_result_free(sf_result_t *result);

/* Frees bytes the library handed out (values, keys). ptr may be NULL. len is the length that
 * came with the pointer. */
void sf_bytes_free(uint8_t *ptr, size_t len);

/* Frees a string the library handed out (sf_db_metrics, sf_db_list_checkpoints, sf_admin_*). str may be NULL. */
void sf_string_free(char *str);

/* The library version, a static string: do not free. */
const char *sf_version(void);

/* ---- Options ------------------------------------------------------------------------------ */

enum { SF_TTL_DEFAULT = 0, SF_TTL_NO_EXPIRY = 1, SF_TTL_EXPIRE_AFTER = 2, SF_TTL_EXPIRE_AT = 3 };
enum { SF_DURABILITY_MEMORY = 0, SF_DURABILITY_REMOTE = 1 };
enum { SF_ORDER_ASCENDING = 0, SF_ORDER_DESCENDING = 1 };
enum { SF_FLUSH_WAL = 0, SF_FLUSH_MEMTABLE = 1 };

typedef struct {
    int32_t await_durable; /* non-zero: return once the write is in the object store */
    uint64_t seq_num;      /* 0: assigned by the database; else must exceed every number used */
} sf_write_options_t;
#define SF_WRITE_OPTIONS_DEFAULT { 1, 0 }

typedef struct {
    int32_t ttl_kind;  /* SF_TTL_* */
    int64_t ttl_value; /* ms for SF_TTL_EXPIRE_AFTER, Unix ms for SF_TTL_EXPIRE_AT, else ignored */
} sf_put_options_t;
#define SF_PUT_OPTIONS_DEFAULT { SF_TTL_DEFAULT, 0 }

typedef struct {
    int32_t durability_filter; /* SF_DURABILITY_*: MEMORY sees every applied write */
    int32_t dirty;             /* with REMOTE, also see writes not yet durable */
    int32_t cache_blocks;      /* keep fetched blocks in the block cache */
    int32_t hide_expired;      /* non-zero: a value whose TTL has passed reads as absent (default 0:
                                  as SlateDB 0.12, expired rows stay readable until a flush or
                                  compaction drops them) */
} sf_read_options_t;
#define SF_READ_OPTIONS_DEFAULT { SF_DURABILITY_MEMORY, 0, 1, 0 }

typedef struct {
    int32_t durability_filter; /* SF_DURABILITY_* */
    int32_t dirty;
    int32_t cache_blocks;      /* default 0: a scan does not evict hot blocks */
    int32_t order;             /* SF_ORDER_* */
    int64_t read_ahead_bytes;  /* 0: default (1) */
    int32_t max_fetch_tasks;   /* 0: default (1) */
    int32_t hide_expired;      /* non-zero: skip values whose TTL has passed */
} sf_scan_options_t;
#define SF_SCAN_OPTIONS_DEFAULT { SF_DURABILITY_MEMORY, 0, 0, SF_ORDER_ASCENDING, 0, 0, 0 }

/* ---- Logging ------------------------------------------------------------------------------ */

enum { SF_LOG_TRACE = 0, SF_LOG_DEBUG = 1, SF_LOG_INFO = 2, SF_LOG_WARN = 3, SF_LOG_ERROR = 4,
       SF_LOG_CRITICAL = 5, SF_LOG_NONE = 6 };

/* category and message are borrowed for the duration of the call. Called from any thread,
 * including the library's background threads; must not call back into the library. */
typedef void (*sf_log_callback_t)(int32_t level, const char *category, const char *message, void *user_data);

/* Sets the process-wide log callback for events at min_level (SF_LOG_*) and above; databases
 * opened later log to it, and a change applies to open databases at once. callback NULL: no
 * logging. user_data is passed back as is. */
sf_result_t sf_set_log_callback(sf_log_callback_t callback, int32_t min_level, void *user_data);

/* ---- Database ----------------------------------------------------------------------------- */

typedef struct sf_db sf_db_t;                   /* opaque; the value is a token checked in a handle table */
typedef struct sf_write_batch sf_write_batch_t; /* opaque */
typedef struct sf_iterator sf_iterator_t;       /* opaque */
typedef struct sf_snapshot sf_snapshot_t;       /* opaque */
typedef struct sf_transaction sf_transaction_t; /* opaque */
typedef struct sf_reader sf_reader_t;           /* opaque */
typedef struct sf_admin sf_admin_t;             /* opaque */
typedef struct sf_pinned sf_pinned_t;           /* opaque: a value held by sf_db_get_pinned */

/* Opens (creating if needed) the database at path inside the object store.
 * path: required, e.g. "orders". store_url: NULL for a local store rooted at the current
 * directory, or "file:///abs/root", "memory:///" (fresh), "memory:///name" (shared in the
 * process), "s3://bucket/prefix?endpoint=http://host:port&region=r".
 * options_json: NULL for defaults, or a SlateDB Settings document in JSON, bound as SlateDB
 * settings files are (docs/settings.md lists every key): SlateDB's names and durations, e.g.
 * {"flush_interval": "100ms", "l0_sst_size_bytes": 67108864, "compression_codec": "Zstd",
 * "compactor_options": {"poll_interval": "5s", "scheduler_options": {...}},
 * "garbage_collector_options": {"wal_options": {"interval": "60s", "min_age": "60s"}},
 * "object_store_cache_options": {"root_folder": "/var/cache/db"}}, plus SlateFast's own:
 * flush_on_durable_waiters, wal_recovery ("strict", "point_in_time"), block_size,
 * block_cache_data_bytes, block_cache_meta_bytes, block_cache_shard_count, seed, merge_operator
 * ("concat": the existing value followed by the operand), format_level ("detect", the default:
 * the level the database shows, 0.12 for a new one; "0.12", "0.13", "0.14" or "0.15": the oldest
 * SlateDB release that must read what is written), wal_store_url (a separate object store for
 * the WAL, as store_url; SlateDB's with_wal_object_store: a database created with one must always
 * be opened with it, else SF_ERR_INVALID). The first names of this ABI stay as aliases in whole
 * milliseconds: flush_interval_ms, manifest_poll_interval_ms, manifest_update_timeout_ms,
 * default_ttl_ms (an alias and its SlateDB name together are SF_ERR_INVALID).
 * Prefix keys (RFC 0031): filter_prefix_extractor ("fixed:N" or "delimiter:C", either optionally
 * followed by "@NAME"; prefix bloom filters for sf_db_scan_prefix, needs format_level "0.13" or
 * later), whole_key_filtering (false only with an extractor), segment_extractor (the same spec).
 * Unknown names, malformed values and SlateDB settings SlateFast cannot honour (e.g.
 * garbage_collector_options.*.dry_run true) are SF_ERR_INVALID naming the key's path.
 * Unknown names are SF_ERR_INVALID.
 * out_db: required; receives the handle, close it with sf_db_close. */
sf_result_t sf_db_open(const char *path, const char *store_url /* NULL: local store in cwd */,
                       const char *options_json /* NULL: defaults */, sf_db_t **out_db);

/* Writes buffered WAL rows and a final manifest, closes the database's open iterators and
 * snapshots and rolls back its open transactions (their handles then report SF_ERR_CLOSED
 * until closed, committed or rolled back), and retires the handle whatever the result. A second
 * close is SF_ERR_INVALID. */
sf_result_t sf_db_close(sf_db_t *db);

/* Puts val under key. await_durable non-zero: returns once the write is in the object store
 * (it then survives a crash of this process). out_seq: optional; the write's sequence number. */
sf_result_t sf_db_put(sf_db_t *db, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len,
                      int await_durable, uint64_t *out_seq /* nullable */);

/* sf_db_put with a TTL and full write options (each NULL: defaults, i.e. durable). */
sf_result_t sf_db_put_with_options(sf_db_t *db, const uint8_t *key, size_t key_len, const uint8_t *val,
                                   size_t val_len, const sf_put_options_t *put_options,
                                   const sf_write_options_t *write_options, uint64_t *out_seq /* nullable */);

/* Writes a merge operand for key. Reads resolve operands with the merge operator named by the
 * options_json of sf_db_open ("merge_operator"); without one, reads behave as SlateDB 0.12's. */
sf_result_t sf_db_merge(sf_db_t *db, const uint8_t *key, size_t key_len, const uint8_t *operand,
                        size_t operand_len, const sf_put_options_t *put_options,
                        const sf_write_options_t *write_options, uint64_t *out_seq /* nullable */);

/* Writes a tombstone for key. */
sf_result_t sf_db_delete(sf_db_t *db, const uint8_t *key, size_t key_len, int await_durable);

/* sf_db_delete with full write options (NULL: defaults). */
sf_result_t sf_db_delete_with_options(sf_db_t *db, const uint8_t *key, size_t key_len,
                                      const sf_write_options_t *write_options, uint64_t *out_seq /* nullable */);

/* Reads key. out_present, out_val, out_val_len: required. When present, *out_val is a malloc'd
 * copy of the value (never NULL, also for an empty value) that the caller frees with
 * sf_bytes_free(*out_val, *out_val_len); when absent it is NULL. */
sf_result_t sf_db_get(sf_db_t *db, const uint8_t *key, size_t key_len,
                      bool *out_present, uint8_t **out_val, size_t *out_val_len);

/* sf_db_get with read options (NULL: defaults). */
sf_result_t sf_db_get_with_options(sf_db_t *db, const uint8_t *key, size_t key_len,
                                   const sf_read_options_t *options, bool *out_present, uint8_t **out_val,
                                   size_t *out_val_len);

/* Reads key into the caller's buffer (buf may be NULL when buf_len is 0). out_present and
 * out_val_len: required. *out_val_len receives the value's full length; when it exceeds buf_len
 * the buffer's content is unspecified: call again with a buffer that large. Allocates nothing. */
sf_result_t sf_db_get_into(sf_db_t *db, const uint8_t *key, size_t key_len, const sf_read_options_t *options,
                           uint8_t *buf, size_t buf_len, bool *out_present, size_t *out_val_len);

/* Reads key without copying the value out of a cached SST block, as RocksDB's rocksdb_get_pinned:
 * when present, *out_pinned holds the value, *out_val points at it (*out_val_len bytes) and both
 * stay valid until sf_pinned_free(*out_pinned), even after the database closes. The block stays
 * allocated while pinned; a value from a memtable or an uncached block is copied once into the
 * pin. When absent, *out_pinned and *out_val are NULL. options: NULL for defaults. out_pinned,
 * out_val and out_val_len: required. */
sf_result_t sf_db_get_pinned(sf_db_t *db, const uint8_t *key, size_t key_len, const sf_read_options_t *options,
                             sf_pinned_t **out_pinned, const uint8_t **out_val, size_t *out_val_len);

/* Releases a value sf_db_get_pinned pinned. NULL does nothing; a second free is SF_ERR_INVALID. */
sf_result_t sf_pinned_free(sf_pinned_t *pinned);

/* Writes buffered WAL rows as a WAL object (same as sf_db_flush_with_type(db, SF_FLUSH_WAL)). */
sf_result_t sf_db_flush(sf_db_t *db);

/* SF_FLUSH_WAL, or SF_FLUSH_MEMTABLE: memtables become L0 SSTs listed in the manifest. */
sf_result_t sf_db_flush_with_type(sf_db_t *db, int32_t flush_type);

/* A JSON object of the database's state (path, close_reason, writer_epoch, last_seq,
 * durable_seq, l0_sst_count, memtable_count, unflushed_bytes, object_store_requests, and with a
 * disk cache object_store_cache_part_access_count, object_store_cache_part_hit_count and
 * object_store_cache_bytes).
 * out_json: required; free with sf_string_free. */
sf_result_t sf_db_metrics(sf_db_t *db, char **out_json);

/* ---- Write batches ------------------------------------------------------------------------ */

/* A batch is applied atomically under one sequence number. Not tied to a database. out_batch:
 * required; free with sf_write_batch_free. */
sf_result_t sf_write_batch_new(sf_write_batch_t **out_batch);
sf_result_t sf_write_batch_put(sf_write_batch_t *batch, const uint8_t *key, size_t key_len, const uint8_t *val,
                               size_t val_len, const sf_put_options_t *put_options /* NULL: defaults */);
sf_result_t sf_write_batch_merge(sf_write_batch_t *batch, const uint8_t *key, size_t key_len,
                                 const uint8_t *operand, size_t operand_len,
                                 const sf_put_options_t *put_options /* NULL: defaults */);
sf_result_t sf_write_batch_delete(sf_write_batch_t *batch, const uint8_t *key, size_t key_len);
/* Empties the batch so it can be reused. */
sf_result_t sf_write_batch_clear(sf_write_batch_t *batch);
/* A second free is SF_ERR_INVALID. */
sf_result_t sf_write_batch_free(sf_write_batch_t *batch);

/* Applies batch (which stays the caller's: free it after). An empty batch is SF_ERR_INVALID. */
sf_result_t sf_db_write(sf_db_t *db, sf_write_batch_t *batch, const sf_write_options_t *write_options,
                        uint64_t *out_seq /* nullable */);

/* ---- Iterators ---------------------------------------------------------------------------- */

/* Rows with start <= key < end in the order the options give (default ascending). start/end:
 * NULL with length 0 means unbounded. out_iter: required; close with sf_iterator_close. */
sf_result_t sf_db_scan(sf_db_t *db, const uint8_t *start, size_t start_len, const uint8_t *end, size_t end_len,
                       const sf_scan_options_t *options, sf_iterator_t **out_iter);

/* Rows whose key starts with prefix (a NULL prefix with length 0: every row). */
sf_result_t sf_db_scan_prefix(sf_db_t *db, const uint8_t *prefix, size_t prefix_len,
                              const sf_scan_options_t *options, sf_iterator_t **out_iter);

/* The next row. All out-pointers required. When present, *out_key and *out_val are malloc'd
 * copies (never NULL) freed with sf_bytes_free; after the last row *out_present is false. */
sf_result_t sf_iterator_next(sf_iterator_t *iter, bool *out_present, uint8_t **out_key, size_t *out_key_len,
                             uint8_t **out_val, size_t *out_val_len);

/* The next row without a malloc per row: *out_key and *out_val point into the iterator's own
 * buffer (the caller does not free them) and stay valid until the next call on this iterator
 * (sf_iterator_next, sf_iterator_next_borrowed, sf_iterator_seek) or its close, as a RocksDB
 * iterator's key() and value() do. Otherwise as sf_iterator_next. */
sf_result_t sf_iterator_next_borrowed(sf_iterator_t *iter, bool *out_present, const uint8_t **out_key, size_t *out_key_len,
                                      const uint8_t **out_val, size_t *out_val_len);

/* Moves so the next row is the first at or after key (ascending) or at or before it
 * (descending). Past the end of the range, nothing is left to read. */
sf_result_t sf_iterator_seek(sf_iterator_t *iter, const uint8_t *key, size_t key_len);

/* Releases the iterator; also needed for one its database's close already closed. */
sf_result_t sf_iterator_close(sf_iterator_t *iter);

/* ---- Recency scans (RFC 0033, SlateDB 0.15's scan_prefix_by_recency) ---------------------- */

typedef struct sf_recency_iterator sf_recency_iterator_t; /* opaque */

/* One stored version of a key, unmerged. key and value are lent by the iterator: valid until the
 * next call on it or its close, never freed by the caller. value is NULL for a tombstone.
 * Timestamps are ms since the Unix epoch, meaningful only when their has_ flag is set. */
typedef struct {
    uint64_t seq;
    int32_t kind; /* SF_ROW_* */
    bool has_create_ts;
    bool has_expire_ts;
    int64_t create_ts;
    int64_t expire_ts;
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
} sf_row_entry_t;

/* Every stored version under prefix, source by source from the newest: the memtables, the L0
 * SSTs newest first, then the sorted runs newest first; keys within a source in options' order,
 * each key's versions newest first. Nothing is merged across sources (a key may come once per
 * source), tombstones and merge operands come as written, expired rows are not hidden. An SST is
 * opened only when the walk reaches it. A prefix spanning two or more segments is
 * SF_ERR_INVALID. out_iter: required; close with sf_recency_iterator_close (it also closes with
 * the database). */
sf_result_t sf_db_scan_prefix_by_recency(sf_db_t *db, const uint8_t *prefix, size_t prefix_len,
                                         const sf_scan_options_t *options, sf_recency_iterator_t **out_iter);

/* The next row into *out_row, or *out_present false after the last. Both out-pointers required. */
sf_result_t sf_recency_iterator_next(sf_recency_iterator_t *iter, bool *out_present, sf_row_entry_t *out_row);

/* Frees the iterator; also needed for one its database's close already closed. */
sf_result_t sf_recency_iterator_close(sf_recency_iterator_t *iter);

/* ---- Snapshots ---------------------------------------------------------------------------- */

/* A consistent view as of now: later writes are invisible through it. out_snapshot: required;
 * close with sf_snapshot_close. */
sf_result_t sf_db_snapshot(sf_db_t *db, sf_snapshot_t **out_snapshot);
sf_result_t sf_snapshot_get(sf_snapshot_t *snapshot, const uint8_t *key, size_t key_len,
                            const sf_read_options_t *options, bool *out_present, uint8_t **out_val,
                            size_t *out_val_len);
sf_result_t sf_snapshot_scan(sf_snapshot_t *snapshot, const uint8_t *start, size_t start_len, const uint8_t *end,
                             size_t end_len, const sf_scan_options_t *options, sf_iterator_t **out_iter);
/* Rows whose key starts with prefix as of the snapshot, as sf_db_scan_prefix. */
sf_result_t sf_snapshot_scan_prefix(sf_snapshot_t *snapshot, const uint8_t *prefix, size_t prefix_len,
                                    const sf_scan_options_t *options, sf_iterator_t **out_iter);
sf_result_t sf_snapshot_close(sf_snapshot_t *snapshot);

/* ---- Transactions ------------------------------------------------------------------------- */

enum {
    SF_ISOLATION_SNAPSHOT = 0,    /* commit fails if a key it writes was written after it began */
    SF_ISOLATION_SERIALIZABLE = 1 /* also if a key it read or a range it scanned was written */
};

/* Starts an optimistic transaction reading the database as of now (every applied write), with
 * its own writes buffered until commit. isolation: SF_ISOLATION_*. out_txn: required; finish it
 * with sf_txn_commit or sf_txn_rollback, which both free the handle. A transaction is used by
 * one thread at a time (concurrent calls on one handle are serialised); separate transactions
 * run in parallel. */
sf_result_t sf_db_begin_transaction(sf_db_t *db, int32_t isolation, sf_transaction_t **out_txn);

/* Reads key as the transaction sees it: its snapshot overlaid with its own writes. Under
 * SF_ISOLATION_SERIALIZABLE the key counts as read. Outputs as sf_db_get. */
sf_result_t sf_txn_get(sf_transaction_t *txn, const uint8_t *key, size_t key_len, const sf_read_options_t *options,
                       bool *out_present, uint8_t **out_val, size_t *out_val_len);

/* sf_txn_get into the caller's buffer; *out_val_len is the full length (retry with a buffer
 * that large when it exceeds buf_len). */
sf_result_t sf_txn_get_into(sf_transaction_t *txn, const uint8_t *key, size_t key_len, const sf_read_options_t *options,
                            uint8_t *buf, size_t buf_len, bool *out_present, size_t *out_val_len);

/* Buffer a put, delete or merge operand; nothing is visible to others before commit. */
sf_result_t sf_txn_put(sf_transaction_t *txn, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len,
                       const sf_put_options_t *put_options /* NULL: defaults */);
sf_result_t sf_txn_delete(sf_transaction_t *txn, const uint8_t *key, size_t key_len);
sf_result_t sf_txn_merge(sf_transaction_t *txn, const uint8_t *key, size_t key_len, const uint8_t *operand,
                         size_t operand_len, const sf_put_options_t *put_options /* NULL: defaults */);

/* Rows with start <= key < end as the transaction sees them, as sf_db_scan. Under
 * SF_ISOLATION_SERIALIZABLE the whole range counts as read (a key a later commit inserts into it
 * is a conflict). The iterator sees the transaction's writes made before this call, cannot seek
 * (SF_ERR_INVALID), and closes when the transaction finishes (then SF_ERR_CLOSED); free it with
 * sf_iterator_close. */
sf_result_t sf_txn_scan(sf_transaction_t *txn, const uint8_t *start, size_t start_len, const uint8_t *end, size_t end_len,
                        const sf_scan_options_t *options, sf_iterator_t **out_iter);

/* Rows whose key starts with prefix as the transaction sees them, as sf_txn_scan (under
 * SF_ISOLATION_SERIALIZABLE every key with the prefix counts as read). */
sf_result_t sf_txn_scan_prefix(sf_transaction_t *txn, const uint8_t *prefix, size_t prefix_len,
                               const sf_scan_options_t *options, sf_iterator_t **out_iter);

/* Counts key as read without reading it (a conflict under SF_ISOLATION_SERIALIZABLE if a later
 * commit writes it). */
sf_result_t sf_txn_mark_read(sf_transaction_t *txn, const uint8_t *key, size_t key_len);

/* Keeps the buffered write of key but exempts it from write-write conflict checks (for writes
 * known to commute, such as merge counters). */
sf_result_t sf_txn_unmark_write(sf_transaction_t *txn, const uint8_t *key, size_t key_len);

/* Checks for conflicts and applies every buffered write atomically under one sequence number.
 * await_durable non-zero: returns once the writes are in the object store. out_seq (nullable):
 * the commit's sequence number, 0 when nothing was written. out_committed_something (nullable):
 * false for a transaction that wrote nothing (it never conflicts). A conflict is
 * SF_ERR_TRANSACTION and applies nothing: retry the whole transaction. Whatever the result, the
 * handle is finished and freed: any later use, a second commit or a rollback is SF_ERR_INVALID
 * (a transaction its database's close rolled back answers SF_ERR_CLOSED once, and is freed). */
sf_result_t sf_txn_commit(sf_transaction_t *txn, int await_durable, uint64_t *out_seq /* nullable */,
                          bool *out_committed_something /* nullable */);

/* Discards the buffered writes and frees the handle; also for a transaction its database's close
 * already rolled back. A second rollback, or one after commit, is SF_ERR_INVALID. */
sf_result_t sf_txn_rollback(sf_transaction_t *txn);

/* ---- Checkpoints -------------------------------------------------------------------------- */

enum {
    SF_CHECKPOINT_ALL = 0,    /* writes WAL rows and flushes memtables first: every write made so far */
    SF_CHECKPOINT_DURABLE = 1 /* only what is already durable; faster */
};

/* Size of the buffer that receives a checkpoint id: 36 characters of the UUID form and a NUL. */
#define SF_CHECKPOINT_ID_LEN 37

/* Creates a checkpoint: a manifest version garbage collection keeps (with every SST and WAL
 * object it needs) until it expires or is deleted; open an sf_reader_t at it. scope:
 * SF_CHECKPOINT_*. lifetime_ms: 0 never expires, else positive. name: nullable label.
 * out_id: required, a caller buffer of SF_CHECKPOINT_ID_LEN bytes that receives the id as a
 * NUL-terminated lowercase UUID string. out_manifest_id (nullable): the version it pins. */
sf_result_t sf_db_create_checkpoint(sf_db_t *db, int32_t scope, int64_t lifetime_ms, const char *name /* nullable */,
                                    char *out_id, uint64_t *out_manifest_id /* nullable */);

/* Sets checkpoint id (a UUID string) to expire lifetime_ms from now (0: never). A missing
 * checkpoint is SF_ERR_INVALID. */
sf_result_t sf_db_refresh_checkpoint(sf_db_t *db, const char *id, int64_t lifetime_ms);

/* Deletes checkpoint id. A missing one is SF_OK with *out_found false. */
sf_result_t sf_db_delete_checkpoint(sf_db_t *db, const char *id, bool *out_found /* nullable */);

/* The checkpoints of the latest manifest as a JSON array of objects {"id", "manifest_id",
 * "create_time_s", "expire_time_s" (null: never), "name" (null: none)}, times in Unix seconds.
 * out_json: required; free with sf_string_free. */
sf_result_t sf_db_list_checkpoints(sf_db_t *db, char **out_json);

/* ---- Ingestion ---------------------------------------------------------------------------- */

/* Adds SSTs (object paths on the database's store, e.g. "staging/0001.sst", written by SlateFast's
 * SstWriter or flushed by a database) atomically under one new sequence number: visible above
 * every earlier write and below every later one. The files must hold sorted keys and not overlap
 * each other; they are copied, never changed. A corrupt file is SF_ERR_DATA, an unsuitable one
 * SF_ERR_INVALID, and either way nothing changes. paths: count borrowed NUL-terminated strings
 * (NULL only with count 0, which is SF_ERR_INVALID). Durable when it returns. out_seq: nullable. */
sf_result_t sf_db_ingest(sf_db_t *db, const char *const *paths, size_t count, uint64_t *out_seq /* nullable */);

/* ---- Readers ------------------------------------------------------------------------------ */

/* Opens a read-only view of the database at path that another process (or this one) writes; it
 * never fences the writer. store_url as sf_db_open. options_json: NULL for defaults, or a SlateDB
 * DbReaderOptions document in JSON: manifest_poll_interval and checkpoint_lifetime (durations,
 * "10s", "10m"), max_memtable_bytes, skip_wal_replay, object_store_cache_options (as sf_db_open's),
 * plus SlateFast's mode ("managed_checkpoint": the default, the reader keeps a checkpoint of
 * its own and follows new data; "fixed_checkpoint": reads exactly checkpoint_id, writes nothing;
 * "follow_latest": follows the latest manifest without a checkpoint), checkpoint_id (implies
 * fixed_checkpoint), wal_recovery, block_cache_data_bytes, block_cache_meta_bytes,
 * block_cache_shard_count, merge_operator, wal_store_url, and segment_extractor and
 * filter_prefix_extractor (the writer's specs, as sf_db_open); manifest_poll_interval_ms and
 * checkpoint_lifetime_ms stay as aliases in milliseconds. No database at path, or a
 * missing checkpoint, is SF_ERR_INVALID. out_reader: required; close with sf_reader_close. */
sf_result_t sf_reader_open(const char *path, const char *store_url /* NULL: local store in cwd */,
                           const char *options_json /* NULL: defaults */, sf_reader_t **out_reader);

/* Reads key; outputs as sf_db_get. */
sf_result_t sf_reader_get(sf_reader_t *reader, const uint8_t *key, size_t key_len, const sf_read_options_t *options,
                          bool *out_present, uint8_t **out_val, size_t *out_val_len);

/* Rows with start <= key < end, as sf_db_scan; the iterator closes with the reader. */
sf_result_t sf_reader_scan(sf_reader_t *reader, const uint8_t *start, size_t start_len, const uint8_t *end,
                           size_t end_len, const sf_scan_options_t *options, sf_iterator_t **out_iter);

/* Rows whose key starts with prefix, as sf_db_scan_prefix (prefix bloom filters are consulted
 * when the reader was opened with the writer's filter_prefix_extractor); closes with the reader. */
sf_result_t sf_reader_scan_prefix(sf_reader_t *reader, const uint8_t *prefix, size_t prefix_len,
                                  const sf_scan_options_t *options, sf_iterator_t **out_iter);

/* Polls for a newer manifest and WAL objects now instead of at the next interval (nothing at a
 * fixed checkpoint). */
sf_result_t sf_reader_refresh(sf_reader_t *reader);

/* A snapshot of what the reader shows now (sf_snapshot_get, sf_snapshot_scan, sf_snapshot_close)
 * that stays as it is however the reader refreshes meanwhile; in managed_checkpoint mode the
 * checkpoint it reads through stays in the manifest until it is closed, so garbage collection
 * keeps its SSTs. It closes with the reader. out_snapshot: required. */
sf_result_t sf_reader_snapshot(sf_reader_t *reader, sf_snapshot_t **out_snapshot);

/* Stops polling, deletes the reader's own checkpoint (managed mode), closes its iterators (they
 * then answer SF_ERR_CLOSED until closed). A second close is SF_ERR_INVALID. */
sf_result_t sf_reader_close(sf_reader_t *reader);

/* ---- Status and subscribe ------------------------------------------------------------------ */

/* What a database or reader shows at one moment (SlateDB's DbStatus and more). */
typedef struct {
    uint64_t durable_seq;     /* the highest durable sequence number (a reader: the highest it sees) */
    uint64_t last_seq;        /* the highest sequence number a read sees now */
    int32_t close_reason;     /* SF_CLOSE_*; SF_CLOSE_NONE while open */
    uint64_t manifest_id;     /* the manifest version reads consult */
    uint64_t writer_epoch;    /* that manifest's writer epoch */
    uint64_t compactor_epoch; /* that manifest's compactor epoch */
    uint64_t last_l0_seq;     /* the highest sequence number flushed into L0 SSTs */
    int64_t last_l0_flush_ms; /* when the newest L0 SST was written (Unix ms); 0: none yet */
    int32_t frozen_memtables; /* memtables waiting for their L0 flush */
    int32_t l0_ssts;          /* L0 SSTs in the manifest */
    int32_t sorted_runs;      /* sorted runs in the manifest */
} sf_status_t;

/* The status now. A database that closed itself (fenced, a failed background task) still answers,
 * with its close_reason. out_status: required. */
sf_result_t sf_db_status(sf_db_t *db, sf_status_t *out_status);
sf_result_t sf_reader_status(sf_reader_t *reader, sf_status_t *out_status);

/* Subscribe, as a wait: returns at once with the status now when last is NULL; otherwise waits up
 * to timeout_ms (negative: without limit) for a status that differs from *last (a durable write,
 * a flush, newer data a reader found, the close). *out_changed false: none within the time, and
 * *out_status is *last. A reader's waits replace polling with sf_reader_refresh. out_changed and
 * out_status: required. */
sf_result_t sf_db_status_wait(sf_db_t *db, const sf_status_t *last /* nullable */, int64_t timeout_ms,
                              bool *out_changed, sf_status_t *out_status);
sf_result_t sf_reader_status_wait(sf_reader_t *reader, const sf_status_t *last /* nullable */, int64_t timeout_ms,
                                  bool *out_changed, sf_status_t *out_status);

/* ---- WAL reader: change data capture ------------------------------------------------------ */

typedef struct sf_wal_reader sf_wal_reader_t; /* opaque */
typedef struct sf_wal_cursor sf_wal_cursor_t; /* opaque */

/* What a WAL row holds. */
enum {
    SF_ROW_VALUE = 0,     /* a put */
    SF_ROW_TOMBSTONE = 1, /* a delete; value is NULL */
    SF_ROW_MERGE = 2      /* a merge operand */
};

/* Where sf_wal_reader_follow starts. */
enum {
    SF_WAL_START_BEGINNING = 0,   /* the oldest WAL object still in the store */
    SF_WAL_START_END = 1,         /* only WAL objects written after the newest there is now */
    SF_WAL_START_AT_WAL_ID = 2,   /* every row of WAL object wal_id and of the later ones */
    SF_WAL_START_AFTER_SEQ = 3,   /* rows with a sequence number above seq */
    SF_WAL_START_AFTER = 4        /* rows of WAL object wal_id above seq, then every later object:
                                     resume after the last row processed, passing its wal_id and seq */
};

/* One row of a WAL object. key and value are lent by the cursor: valid until the next call on it
 * or its close, never freed by the caller. value is NULL for a tombstone. Timestamps are ms since
 * the Unix epoch, meaningful only when their has_ flag is set. */
typedef struct {
    uint64_t wal_id;
    uint64_t seq;
    int32_t kind; /* SF_ROW_* */
    bool has_create_ts;
    bool has_expire_ts;
    int64_t create_ts;
    int64_t expire_ts;
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value;
    size_t value_len;
} sf_wal_row_t;

/* Opens a reader of the write-ahead log of the database at path (SlateDB's WalReader). It only
 * reads: it never fences a writer. store_url as sf_db_open. options_json: NULL, or a JSON object
 * with any of wal_store_url (the database's separate WAL store) and poll_interval_ms (how long a
 * follower waits before looking for new WAL objects once caught up; default 1000). out_reader:
 * required; close with sf_wal_reader_close. */
sf_result_t sf_wal_reader_open(const char *path, const char *store_url /* NULL: local store in cwd */,
                               const char *options_json /* NULL: defaults */, sf_wal_reader_t **out_reader);

/* The WAL objects with start_id <= id < end_id (0: unbounded) as a JSON array of objects
 * {"id", "path", "size", "last_modified_ms"} in id order (free with sf_string_free). Fences a
 * newer writer wrote are listed too and hold no rows. */
sf_result_t sf_wal_reader_list(sf_wal_reader_t *reader, uint64_t start_id, uint64_t end_id, char **out_json);

/* A cursor over the rows of WAL object wal_id in the order it stores them (by key); it ends after
 * the last row. A WAL object that was never written is SF_ERR_INVALID, as is one garbage
 * collection removed (the message names it); a damaged one is SF_ERR_DATA. */
sf_result_t sf_wal_reader_read(sf_wal_reader_t *reader, uint64_t wal_id, sf_wal_cursor_t **out_cursor);

/* A cursor that follows every row writers commit from start on (SF_WAL_START_*; wal_id and seq as
 * the start needs, else 0), in commit order: by sequence number, the rows of one write batch
 * together. It never ends; a WAL object it needs that garbage collection removed is SF_ERR_INVALID
 * naming the first missing id. */
sf_result_t sf_wal_reader_follow(sf_wal_reader_t *reader, int32_t start, uint64_t wal_id, uint64_t seq,
                                 sf_wal_cursor_t **out_cursor);

/* Waits up to timeout_ms (negative: without limit) for the cursor's next row into *out_row.
 * *out_present false: a read cursor has ended, or a follower had no new row in time (call again).
 * out_present and out_row: required. Closing the cursor from another thread ends a wait with
 * SF_ERR_CLOSED. */
sf_result_t sf_wal_cursor_next(sf_wal_cursor_t *cursor, int64_t timeout_ms, bool *out_present, sf_wal_row_t *out_row);

/* Stops and frees the cursor; also needed for one its reader's close already closed. */
sf_result_t sf_wal_cursor_close(sf_wal_cursor_t *cursor);

/* Closes the reader and its cursors (they then answer SF_ERR_CLOSED until closed). A second close
 * is SF_ERR_INVALID. */
sf_result_t sf_wal_reader_close(sf_wal_reader_t *reader);

/* ---- Administration ----------------------------------------------------------------------- */

/* Administers the database at path without opening a writer (SlateDB's Admin): reads manifests
 * and the compactions file, maps sequence numbers to times, deletes the database. Nothing is read
 * until a call needs it, so opening never fails for a missing database. store_url as
 * sf_db_open; wal_store_url: the database's separate WAL store (NULL: none), whose WAL
 * sf_admin_delete_db deletes too. out_admin: required; close with sf_admin_close. */
sf_result_t sf_admin_open(const char *path, const char *store_url /* NULL: local store in cwd */,
                          const char *wal_store_url /* nullable */, sf_admin_t **out_admin);

/* Every manifest version, oldest first, as a JSON array of objects {"id", "size",
 * "last_modified_s", "decodes", "error" (when it does not decode), "writer_epoch",
 * "compactor_epoch", "replay_after_wal_id", "last_l0_seq", "l0", "sorted_runs", "checkpoints"}.
 * No database is SF_ERR_INVALID. out_json: required; free with sf_string_free. */
sf_result_t sf_admin_list_manifests(sf_admin_t *admin, char **out_json);

/* Manifest version id (0: the latest) as a JSON object: epochs, WAL ids, "l0" and "sorted_runs"
 * with every SST (ids, hex keys, format), "segments", "checkpoints", "external_dbs" and
 * "sequence_tracker" ([{"seq", "ts"}], ts in Unix seconds). A missing version or database is
 * SF_ERR_INVALID, one that does not decode SF_ERR_DATA. out_json: required; sf_string_free. */
sf_result_t sf_admin_read_manifest(sf_admin_t *admin, uint64_t id, char **out_json);

/* Compactions file version id (0: the latest) as a JSON object {"id", "path", "version",
 * "compactor_epoch", "compactions": [{"id", "start_time_ms", "status", "kind", "l0_sources",
 * "sorted_run_sources", "destination", "output_ssts", ...}]}. *out_json is NULL (and the result
 * SF_OK) when there is no such file (no compactor has run). out_json: required; sf_string_free. */
sf_result_t sf_admin_read_compactions(sf_admin_t *admin, uint64_t id, char **out_json);

/* When sequence number seq was written (Unix seconds), from the latest manifest's sequence
 * tracker; between two samples round_up takes the later one, else the earlier. *out_present is
 * false when there is no sample on that side. out_present, out_unix_s: required. */
sf_result_t sf_admin_seq_to_ts(sf_admin_t *admin, uint64_t seq, bool round_up, bool *out_present, int64_t *out_unix_s);

/* The sequence number current at unix_s, from the latest manifest's sequence tracker; rounding
 * and *out_present as sf_admin_seq_to_ts. out_present, out_seq: required. */
sf_result_t sf_admin_ts_to_seq(sf_admin_t *admin, int64_t unix_s, bool round_up, bool *out_present, uint64_t *out_seq);

/* Deletes every object of the database (manifests last; the WAL in the WAL store too). Unless
 * force, a database that looks in use (an unexpired checkpoint, a manifest or WAL object written
 * in the last minute, objects under the path that are not the database's) is SF_ERR_INVALID.
 * Deleting again deletes nothing (SF_OK, 0 objects). out_objects_deleted: nullable. */
sf_result_t sf_admin_delete_db(sf_admin_t *admin, bool force, uint64_t *out_objects_deleted /* nullable */);

/* Releases the handle. A second close is SF_ERR_INVALID. */
sf_result_t sf_admin_close(sf_admin_t *admin);

/* ---- Callbacks: merge operator, compaction filter, block transformer (RFC 0028) ----
 *
 * Callbacks run on engine threads (reads, writes, flushes, compactions), possibly several at
 * once; they must be thread-safe, must not call back into the database, and their user data must
 * stay valid until sf_db_close returns.
 *
 * Output buffer protocol, for every callback that produces bytes: the engine passes out (out_cap
 * bytes). Return SF_CALLBACK_OK after writing *out_len <= out_cap bytes. If the result does not
 * fit, return SF_CALLBACK_BUFFER_TOO_SMALL with *out_len set to the size needed: the engine calls
 * once more with a buffer that large. Return SF_CALLBACK_ERROR_MESSAGE with a UTF-8 message in
 * out[0..*out_len) to fail with that message, or any other non-zero code to fail with the code.
 * A failure reaches the caller as SF_ERR_INVALID naming the callback (a block transformer's as
 * SF_ERR_DATA; a compaction filter's fails that compaction, and sf_db_compact reports it). */
enum { SF_CALLBACK_OK = 0, SF_CALLBACK_BUFFER_TOO_SMALL = 1, SF_CALLBACK_ERROR_MESSAGE = 2 };

/* A compaction filter sees rows of the kinds SF_ROW_* (defined with the WAL reader above). */

/* A compaction filter's decisions. DROP deletes the version: a merge operand leaves its chain; a
 * value or tombstone becomes a tombstone, so older versions never reappear (it vanishes where
 * nothing older lies beneath). VALUE and MERGE replace the row with out[0..*out_len). */
enum {
    SF_COMPACTION_KEEP = 0,
    SF_COMPACTION_DROP = 1,
    SF_COMPACTION_TOMBSTONE = 2,
    SF_COMPACTION_VALUE = 3,
    SF_COMPACTION_MERGE = 4
};

/* One row a compaction writes (after TTL expiry, snapshot retention and merge folding), with its
 * job's context. Pointers are valid during the call only. */
typedef struct sf_compaction_entry {
    const uint8_t *key;
    size_t key_len;
    const uint8_t *value; /* NULL for a tombstone */
    size_t value_len;
    uint64_t seq;
    int32_t kind; /* SF_ROW_* */
    int32_t has_create_ts;
    int64_t create_ts;
    int32_t has_expire_ts;
    int64_t expire_ts;
    uint32_t destination;      /* the sorted run the job writes */
    int32_t is_dest_last_run;  /* non-zero: nothing older lies beneath it */
    int64_t clock_tick;        /* the tick the job expires TTLs against */
    uint64_t retention_min_seq; /* versions above it may be read by snapshots */
} sf_compaction_entry_t;

/* Writes operand applied to existing (has_existing zero: the key has no value) into out. Must be
 * associative and deterministic (see the .NET IMergeOperator). */
typedef int32_t (*sf_merge_fn)(void *user_data, const uint8_t *key, size_t key_len, int32_t has_existing,
                               const uint8_t *existing, size_t existing_len, const uint8_t *operand,
                               size_t operand_len, uint8_t *out, size_t out_cap, size_t *out_len);

/* Sets *out_decision (SF_COMPACTION_*), writing the new value or operand into out for VALUE/MERGE. */
typedef int32_t (*sf_compaction_filter_fn)(void *user_data, const sf_compaction_entry_t *entry, int32_t *out_decision,
                                           uint8_t *out, size_t out_cap, size_t *out_len);

/* Encodes or decodes one SST block (after compression, before the checksum, as SlateDB 0.12's
 * BlockTransformer); decode must invert encode exactly. */
typedef int32_t (*sf_block_transform_fn)(void *user_data, const uint8_t *in, size_t in_len, uint8_t *out,
                                         size_t out_cap, size_t *out_len);

/* Every field is optional (NULL: not used). block_encode and block_decode go together. */
typedef struct sf_callbacks {
    const char *merge_operator_name; /* for errors; NULL: "c-merge" */
    sf_merge_fn merge;               /* excludes options_json "merge_operator" */
    void *merge_user_data;
    sf_compaction_filter_fn compaction_filter;
    void *compaction_filter_user_data;
    sf_block_transform_fn block_encode;
    sf_block_transform_fn block_decode;
    void *block_transformer_user_data;
} sf_callbacks_t;

/* sf_db_open with callbacks (NULL: none). A database written with a block transformer must
 * always be opened with it; without it, reads fail with SF_ERR_DATA. */
sf_result_t sf_db_open_with_callbacks(const char *path, const char *store_url, const char *options_json,
                                      const sf_callbacks_t *callbacks, sf_db_t **out_db);

/* sf_reader_open with the database's merge operator and block transformer as callbacks (NULL:
 * none); compaction_filter must be NULL (a reader compacts nothing: SF_ERR_INVALID). The
 * callbacks must stay valid until sf_reader_close. */
sf_result_t sf_reader_open_with_callbacks(const char *path, const char *store_url, const char *options_json,
                                          const sf_callbacks_t *callbacks, sf_reader_t **out_reader);

/* Compacts every L0 SST and sorted run into one sorted run now (after running compactions
 * finish). Needs the in-process compactor (the default). */
sf_result_t sf_db_compact(sf_db_t *db);

/* One garbage collection pass over the database at path (store_url as in sf_db_open), with
 * SlateDB's minimum ages, expired checkpoints first. dry_run non-zero: nothing is deleted.
 * out_removed: optional; the objects deleted (or that would be). */
sf_result_t sf_admin_collect_garbage(const char *path, const char *store_url, int dry_run, uint64_t *out_removed);

/* Makes path a clone of parent_path in the same store, as of checkpoint parent_checkpoint_id
 * (NULL: a new short-lived checkpoint of its durable state). Calling it again resumes an
 * interrupted clone. out_created: optional; false when path already was that clone. */
sf_result_t sf_admin_create_clone(const char *path, const char *store_url, const char *parent_path,
                                  const char *parent_checkpoint_id, bool *out_created);

/* Segments (SlateDB 0.13): open with options_json "segment_extractor" ("fixed:N" or
 * "delimiter:C") when creating the database and ever after. */

/* Drops the segment whose prefix is prefix[0..prefix_len) with one manifest write, after flushing
 * the memtables: every key starting with it written before the call is gone. Needs a segmented
 * database and the in-process compactor (else SF_ERR_INVALID). out_dropped: optional; false when
 * there was no such segment. */
sf_result_t sf_db_drop_segment(sf_db_t *db, const uint8_t *prefix, size_t prefix_len, bool *out_dropped);

/* The segments of a segmented database (in the manifest or only in memtables so far), as a JSON
 * array of upper-case hex prefixes, ascending; "[]" without segments. out_json: required; free
 * with sf_string_free. */
sf_result_t sf_db_list_segments(sf_db_t *db, char **out_json);

#ifdef __cplusplus
}
#endif

#endif /* SLATEFAST_H */
