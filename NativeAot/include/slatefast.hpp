// slatefast.hpp - header-only C++17 RAII wrapper over slatefast.h.
// Handles close in destructors (errors there are swallowed: call close() to see them); every
// error is thrown as a subclass of slatefast::Error chosen by its kind.
#ifndef SLATEFAST_HPP
#define SLATEFAST_HPP

#include "slatefast.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace slatefast {

class Error : public std::runtime_error {
public:
    Error(int32_t kind, int32_t close_reason, const std::string &message)
        : std::runtime_error(message), kind_(kind), close_reason_(close_reason) {}
    int32_t kind() const noexcept { return kind_; }
    int32_t close_reason() const noexcept { return close_reason_; }

private:
    int32_t kind_;
    int32_t close_reason_;
};

#define SLATEFAST_ERROR_CLASS(Name) \
    class Name : public Error {     \
    public:                         \
        using Error::Error;         \
    };
SLATEFAST_ERROR_CLASS(TransactionError)
SLATEFAST_ERROR_CLASS(ClosedError)
SLATEFAST_ERROR_CLASS(UnavailableError)
SLATEFAST_ERROR_CLASS(InvalidError)
SLATEFAST_ERROR_CLASS(DataError)
SLATEFAST_ERROR_CLASS(InternalError)
#undef SLATEFAST_ERROR_CLASS

namespace detail {
// Frees the C result and throws the matching exception.
inline void check(sf_result_t result) {
    if (result.kind == SF_OK) return;
    std::string message = result.message ? result.message : "unknown error";
    int32_t kind = result.kind, reason = result.close_reason;
    sf_result_free(&result);
    switch (kind) {
    case SF_ERR_TRANSACTION: throw TransactionError(kind, reason, message);
    case SF_ERR_CLOSED: throw ClosedError(kind, reason, message);
    case SF_ERR_UNAVAILABLE: throw UnavailableError(kind, reason, message);
    case SF_ERR_INVALID: throw InvalidError(kind, reason, message);
    case SF_ERR_DATA: throw DataError(kind, reason, message);
    default: throw InternalError(kind, reason, message);
    }
}

inline const uint8_t *bytes(std::string_view s) { return reinterpret_cast<const uint8_t *>(s.data()); }

// Takes ownership of library-allocated bytes.
inline std::string take(uint8_t *ptr, size_t len) {
    std::string out(reinterpret_cast<const char *>(ptr), len);
    sf_bytes_free(ptr, len);
    return out;
}

template <typename Handle, sf_result_t (*Close)(Handle *)>
class Owned {
public:
    Owned() = default;
    explicit Owned(Handle *h) : h_(h) {}
    Owned(const Owned &) = delete;
    Owned &operator=(const Owned &) = delete;
    Owned(Owned &&other) noexcept : h_(std::exchange(other.h_, nullptr)) {}
    Owned &operator=(Owned &&other) noexcept {
        if (this != &other) {
            reset();
            h_ = std::exchange(other.h_, nullptr);
        }
        return *this;
    }
    ~Owned() { reset(); }
    Handle *get() const noexcept { return h_; }
    // Gives up ownership (for calls that free the handle themselves, like sf_txn_commit).
    Handle *release() noexcept { return std::exchange(h_, nullptr); }
    // Closes now and reports errors.
    void close() {
        if (h_ != nullptr) check(Close(std::exchange(h_, nullptr)));
    }

private:
    void reset() noexcept {
        if (h_ != nullptr) {
            sf_result_t r = Close(std::exchange(h_, nullptr));
            sf_result_free(&r);
        }
    }
    Handle *h_ = nullptr;
};
} // namespace detail

using Row = std::pair<std::string, std::string>;

class Iterator {
public:
    explicit Iterator(sf_iterator_t *h) : h_(h) {}
    // The next row, or nullopt after the last.
    std::optional<Row> next() {
        bool present = false;
        uint8_t *k = nullptr, *v = nullptr;
        size_t kl = 0, vl = 0;
        detail::check(sf_iterator_next(h_.get(), &present, &k, &kl, &v, &vl));
        if (!present) return std::nullopt;
        std::string key = detail::take(k, kl);
        return Row{std::move(key), detail::take(v, vl)};
    }
    void seek(std::string_view key) { detail::check(sf_iterator_seek(h_.get(), detail::bytes(key), key.size())); }
    void close() { h_.close(); }

private:
    detail::Owned<sf_iterator_t, sf_iterator_close> h_;
};

// One stored version from Db::scan_prefix_by_recency, unmerged (kind: SF_ROW_*; value empty
// and has_value false for a tombstone).
struct RecencyEntry {
    std::string key;
    int32_t kind;
    bool has_value;
    std::string value;
    uint64_t seq;
};

// Rows under a prefix source by source, newest source first (see sf_db_scan_prefix_by_recency).
class RecencyIterator {
public:
    explicit RecencyIterator(sf_recency_iterator_t *h) : h_(h) {}
    // The next row, or nullopt after the last.
    std::optional<RecencyEntry> next() {
        bool present = false;
        sf_row_entry_t row{};
        detail::check(sf_recency_iterator_next(h_.get(), &present, &row));
        if (!present) return std::nullopt;
        return RecencyEntry{std::string(reinterpret_cast<const char *>(row.key), row.key_len), row.kind, row.value != nullptr,
                            row.value ? std::string(reinterpret_cast<const char *>(row.value), row.value_len) : std::string(),
                            row.seq};
    }
    void close() { h_.close(); }

private:
    detail::Owned<sf_recency_iterator_t, sf_recency_iterator_close> h_;
};

class WriteBatch {
public:
    WriteBatch() {
        sf_write_batch_t *b = nullptr;
        detail::check(sf_write_batch_new(&b));
        h_ = decltype(h_)(b);
    }
    WriteBatch &put(std::string_view key, std::string_view value) {
        detail::check(sf_write_batch_put(h_.get(), detail::bytes(key), key.size(), detail::bytes(value), value.size(), nullptr));
        return *this;
    }
    WriteBatch &remove(std::string_view key) {
        detail::check(sf_write_batch_delete(h_.get(), detail::bytes(key), key.size()));
        return *this;
    }
    WriteBatch &merge(std::string_view key, std::string_view operand) {
        detail::check(sf_write_batch_merge(h_.get(), detail::bytes(key), key.size(), detail::bytes(operand), operand.size(), nullptr));
        return *this;
    }
    void clear() { detail::check(sf_write_batch_clear(h_.get())); }
    sf_write_batch_t *get() const noexcept { return h_.get(); }

private:
    detail::Owned<sf_write_batch_t, sf_write_batch_free> h_;
};

// Range bounds: nullopt is unbounded; start is inclusive, end exclusive.
struct Range {
    std::optional<std::string_view> start;
    std::optional<std::string_view> end;
};

namespace detail {
inline const uint8_t *bound(const std::optional<std::string_view> &b) { return b ? bytes(*b) : nullptr; }
inline size_t bound_len(const std::optional<std::string_view> &b) { return b ? b->size() : 0; }
inline sf_scan_options_t scan_options(bool reverse, bool hide_expired) {
    sf_scan_options_t options = SF_SCAN_OPTIONS_DEFAULT;
    options.order = reverse ? SF_ORDER_DESCENDING : SF_ORDER_ASCENDING;
    options.hide_expired = hide_expired ? 1 : 0;
    return options;
}
inline sf_read_options_t read_options(bool hide_expired) {
    sf_read_options_t options = SF_READ_OPTIONS_DEFAULT;
    options.hide_expired = hide_expired ? 1 : 0;
    return options;
}
inline std::optional<std::string> value(bool present, uint8_t *v, size_t vl) {
    if (!present) return std::nullopt;
    return take(v, vl);
}
inline std::string take_string(char *s) {
    std::string out(s);
    sf_string_free(s);
    return out;
}
} // namespace detail

enum class Isolation : int32_t { Snapshot = SF_ISOLATION_SNAPSHOT, Serializable = SF_ISOLATION_SERIALIZABLE };
enum class CheckpointScope : int32_t { All = SF_CHECKPOINT_ALL, Durable = SF_CHECKPOINT_DURABLE };

struct Checkpoint {
    std::string id;       // UUID string
    uint64_t manifest_id; // the manifest version it pins
};

// An optimistic transaction. The destructor (and rollback()) discards it unless commit() ran;
// commit() finishes it whatever the outcome and throws TransactionError on a conflict.
class Transaction {
public:
    explicit Transaction(sf_transaction_t *h) : h_(h) {}
    std::optional<std::string> get(std::string_view key, bool hide_expired = false) {
        bool present = false;
        uint8_t *v = nullptr;
        size_t vl = 0;
        sf_read_options_t options = detail::read_options(hide_expired);
        detail::check(sf_txn_get(h_.get(), detail::bytes(key), key.size(), &options, &present, &v, &vl));
        return detail::value(present, v, vl);
    }
    void put(std::string_view key, std::string_view value) {
        detail::check(sf_txn_put(h_.get(), detail::bytes(key), key.size(), detail::bytes(value), value.size(), nullptr));
    }
    void remove(std::string_view key) { detail::check(sf_txn_delete(h_.get(), detail::bytes(key), key.size())); }
    void merge(std::string_view key, std::string_view operand) {
        detail::check(sf_txn_merge(h_.get(), detail::bytes(key), key.size(), detail::bytes(operand), operand.size(), nullptr));
    }
    // Closes with the transaction; cannot seek.
    Iterator scan(const Range &range = {}, bool reverse = false) {
        sf_scan_options_t options = detail::scan_options(reverse, false);
        sf_iterator_t *it = nullptr;
        detail::check(sf_txn_scan(h_.get(), detail::bound(range.start), detail::bound_len(range.start),
                                  detail::bound(range.end), detail::bound_len(range.end), &options, &it));
        return Iterator(it);
    }
    Iterator scan_prefix(std::string_view prefix, bool reverse = false) {
        sf_scan_options_t options = detail::scan_options(reverse, false);
        sf_iterator_t *it = nullptr;
        detail::check(sf_txn_scan_prefix(h_.get(), detail::bytes(prefix), prefix.size(), &options, &it));
        return Iterator(it);
    }
    void mark_read(std::string_view key) { detail::check(sf_txn_mark_read(h_.get(), detail::bytes(key), key.size())); }
    void unmark_write(std::string_view key) { detail::check(sf_txn_unmark_write(h_.get(), detail::bytes(key), key.size())); }
    // The commit's sequence number, or nullopt when the transaction wrote nothing.
    std::optional<uint64_t> commit(bool await_durable = true) {
        uint64_t seq = 0;
        bool committed = false;
        detail::check(sf_txn_commit(h_.release(), await_durable ? 1 : 0, &seq, &committed));
        if (!committed) return std::nullopt;
        return seq;
    }
    void rollback() { h_.close(); }

private:
    detail::Owned<sf_transaction_t, sf_txn_rollback> h_;
};

// A read-only view of a database (SlateDB's DbReader); see sf_reader_open for options_json.
class Reader {
public:
    static Reader open(const std::string &path, const std::string &store_url = {}, const std::string &options_json = {}) {
        sf_reader_t *r = nullptr;
        detail::check(sf_reader_open(path.c_str(), store_url.empty() ? nullptr : store_url.c_str(),
                                     options_json.empty() ? nullptr : options_json.c_str(), &r));
        return Reader(r);
    }
    std::optional<std::string> get(std::string_view key, bool hide_expired = false) {
        bool present = false;
        uint8_t *v = nullptr;
        size_t vl = 0;
        sf_read_options_t options = detail::read_options(hide_expired);
        detail::check(sf_reader_get(h_.get(), detail::bytes(key), key.size(), &options, &present, &v, &vl));
        return detail::value(present, v, vl);
    }
    Iterator scan(const Range &range = {}, bool reverse = false) {
        sf_scan_options_t options = detail::scan_options(reverse, false);
        sf_iterator_t *it = nullptr;
        detail::check(sf_reader_scan(h_.get(), detail::bound(range.start), detail::bound_len(range.start),
                                     detail::bound(range.end), detail::bound_len(range.end), &options, &it));
        return Iterator(it);
    }
    Iterator scan_prefix(std::string_view prefix, bool reverse = false) {
        sf_scan_options_t options = detail::scan_options(reverse, false);
        sf_iterator_t *it = nullptr;
        detail::check(sf_reader_scan_prefix(h_.get(), detail::bytes(prefix), prefix.size(), &options, &it));
        return Iterator(it);
    }
    void refresh() { detail::check(sf_reader_refresh(h_.get())); }
    void close() { h_.close(); }

private:
    explicit Reader(sf_reader_t *h) : h_(h) {}
    detail::Owned<sf_reader_t, sf_reader_close> h_;
};

class Snapshot {
public:
    explicit Snapshot(sf_snapshot_t *h) : h_(h) {}
    std::optional<std::string> get(std::string_view key) {
        bool present = false;
        uint8_t *v = nullptr;
        size_t vl = 0;
        detail::check(sf_snapshot_get(h_.get(), detail::bytes(key), key.size(), nullptr, &present, &v, &vl));
        if (!present) return std::nullopt;
        return detail::take(v, vl);
    }
    Iterator scan(const Range &range = {}, bool reverse = false) {
        sf_scan_options_t options = SF_SCAN_OPTIONS_DEFAULT;
        options.order = reverse ? SF_ORDER_DESCENDING : SF_ORDER_ASCENDING;
        sf_iterator_t *it = nullptr;
        detail::check(sf_snapshot_scan(h_.get(), detail::bound(range.start), detail::bound_len(range.start),
                                       detail::bound(range.end), detail::bound_len(range.end), &options, &it));
        return Iterator(it);
    }
    Iterator scan_prefix(std::string_view prefix, bool reverse = false) {
        sf_scan_options_t options = detail::scan_options(reverse, false);
        sf_iterator_t *it = nullptr;
        detail::check(sf_snapshot_scan_prefix(h_.get(), detail::bytes(prefix), prefix.size(), &options, &it));
        return Iterator(it);
    }
    void close() { h_.close(); }

private:
    detail::Owned<sf_snapshot_t, sf_snapshot_close> h_;
};

class Db {
public:
    // See sf_db_open; empty store_url / options_json mean NULL.
    static Db open(const std::string &path, const std::string &store_url = {}, const std::string &options_json = {}) {
        sf_db_t *db = nullptr;
        detail::check(sf_db_open(path.c_str(), store_url.empty() ? nullptr : store_url.c_str(),
                                 options_json.empty() ? nullptr : options_json.c_str(), &db));
        return Db(db);
    }
    // sf_db_open_with_callbacks: the C callbacks (and their user data) must outlive the Db.
    static Db open(const std::string &path, const std::string &store_url, const std::string &options_json,
                   const sf_callbacks_t &callbacks) {
        sf_db_t *db = nullptr;
        detail::check(sf_db_open_with_callbacks(path.c_str(), store_url.empty() ? nullptr : store_url.c_str(),
                                                options_json.empty() ? nullptr : options_json.c_str(), &callbacks, &db));
        return Db(db);
    }
    // Returns the write's sequence number.
    uint64_t put(std::string_view key, std::string_view value, bool await_durable = true) {
        uint64_t seq = 0;
        detail::check(sf_db_put(h_.get(), detail::bytes(key), key.size(), detail::bytes(value), value.size(), await_durable ? 1 : 0, &seq));
        return seq;
    }
    void remove(std::string_view key, bool await_durable = true) {
        detail::check(sf_db_delete(h_.get(), detail::bytes(key), key.size(), await_durable ? 1 : 0));
    }
    // Needs "merge_operator" in the options_json of open().
    uint64_t merge(std::string_view key, std::string_view operand, bool await_durable = true) {
        sf_write_options_t options = {await_durable ? 1 : 0, 0};
        uint64_t seq = 0;
        detail::check(sf_db_merge(h_.get(), detail::bytes(key), key.size(), detail::bytes(operand), operand.size(), nullptr, &options, &seq));
        return seq;
    }
    Transaction begin_transaction(Isolation isolation = Isolation::Snapshot) {
        sf_transaction_t *t = nullptr;
        detail::check(sf_db_begin_transaction(h_.get(), static_cast<int32_t>(isolation), &t));
        return Transaction(t);
    }
    // lifetime_ms 0: never expires.
    Checkpoint create_checkpoint(CheckpointScope scope = CheckpointScope::All, int64_t lifetime_ms = 0, const std::string &name = {}) {
        char id[SF_CHECKPOINT_ID_LEN];
        uint64_t manifest = 0;
        detail::check(sf_db_create_checkpoint(h_.get(), static_cast<int32_t>(scope), lifetime_ms, name.empty() ? nullptr : name.c_str(), id, &manifest));
        return Checkpoint{id, manifest};
    }
    void refresh_checkpoint(const std::string &id, int64_t lifetime_ms = 0) {
        detail::check(sf_db_refresh_checkpoint(h_.get(), id.c_str(), lifetime_ms));
    }
    // False when there was no such checkpoint.
    bool delete_checkpoint(const std::string &id) {
        bool found = false;
        detail::check(sf_db_delete_checkpoint(h_.get(), id.c_str(), &found));
        return found;
    }
    // A JSON array; see sf_db_list_checkpoints.
    std::string list_checkpoints_json() {
        char *json = nullptr;
        detail::check(sf_db_list_checkpoints(h_.get(), &json));
        return detail::take_string(json);
    }
    // Object paths of SSTs on the database's store; returns the ingestion's sequence number.
    uint64_t ingest(const std::vector<std::string> &paths) {
        std::vector<const char *> c_paths;
        c_paths.reserve(paths.size());
        for (const auto &p : paths) c_paths.push_back(p.c_str());
        uint64_t seq = 0;
        detail::check(sf_db_ingest(h_.get(), c_paths.data(), c_paths.size(), &seq));
        return seq;
    }
    uint64_t write(const WriteBatch &batch, bool await_durable = true) {
        sf_write_options_t options = {await_durable ? 1 : 0, 0};
        uint64_t seq = 0;
        detail::check(sf_db_write(h_.get(), batch.get(), &options, &seq));
        return seq;
    }
    std::optional<std::string> get(std::string_view key) {
        bool present = false;
        uint8_t *v = nullptr;
        size_t vl = 0;
        detail::check(sf_db_get(h_.get(), detail::bytes(key), key.size(), &present, &v, &vl));
        if (!present) return std::nullopt;
        return detail::take(v, vl);
    }
    Iterator scan(const Range &range = {}, bool reverse = false) {
        sf_scan_options_t options = SF_SCAN_OPTIONS_DEFAULT;
        options.order = reverse ? SF_ORDER_DESCENDING : SF_ORDER_ASCENDING;
        sf_iterator_t *it = nullptr;
        detail::check(sf_db_scan(h_.get(), detail::bound(range.start), detail::bound_len(range.start),
                                 detail::bound(range.end), detail::bound_len(range.end), &options, &it));
        return Iterator(it);
    }
    Iterator scan_prefix(std::string_view prefix, bool reverse = false) {
        sf_scan_options_t options = SF_SCAN_OPTIONS_DEFAULT;
        options.order = reverse ? SF_ORDER_DESCENDING : SF_ORDER_ASCENDING;
        sf_iterator_t *it = nullptr;
        detail::check(sf_db_scan_prefix(h_.get(), detail::bytes(prefix), prefix.size(), &options, &it));
        return Iterator(it);
    }
    RecencyIterator scan_prefix_by_recency(std::string_view prefix, bool reverse = false) {
        sf_scan_options_t options = detail::scan_options(reverse, false);
        sf_recency_iterator_t *it = nullptr;
        detail::check(sf_db_scan_prefix_by_recency(h_.get(), detail::bytes(prefix), prefix.size(), &options, &it));
        return RecencyIterator(it);
    }
    Snapshot snapshot() {
        sf_snapshot_t *s = nullptr;
        detail::check(sf_db_snapshot(h_.get(), &s));
        return Snapshot(s);
    }
    void flush(int32_t type = SF_FLUSH_WAL) { detail::check(sf_db_flush_with_type(h_.get(), type)); }
    std::string metrics_json() {
        char *json = nullptr;
        detail::check(sf_db_metrics(h_.get(), &json));
        std::string out(json);
        sf_string_free(json);
        return out;
    }
    void compact() { detail::check(sf_db_compact(h_.get())); }
    bool drop_segment(std::string_view prefix) {
        bool dropped = false;
        detail::check(sf_db_drop_segment(h_.get(), detail::bytes(prefix), prefix.size(), &dropped));
        return dropped;
    }
    /* The segment prefixes as a JSON array of hex strings. */
    std::string list_segments_json() {
        char *json = nullptr;
        detail::check(sf_db_list_segments(h_.get(), &json));
        return detail::take_string(json);
    }
    void close() { h_.close(); }

private:
    explicit Db(sf_db_t *h) : h_(h) {}
    detail::Owned<sf_db_t, sf_db_close> h_;
};

// Administration without a writer (sf_admin_*): manifests and the compactions file as JSON,
// sequence number <-> time lookups, deleting a database.
class Admin {
public:
    static Admin open(const std::string &path, const std::string &store_url = {}, const std::string &wal_store_url = {}) {
        sf_admin_t *a = nullptr;
        detail::check(sf_admin_open(path.c_str(), store_url.empty() ? nullptr : store_url.c_str(),
                                    wal_store_url.empty() ? nullptr : wal_store_url.c_str(), &a));
        return Admin(a);
    }
    std::string list_manifests_json() {
        char *json = nullptr;
        detail::check(sf_admin_list_manifests(h_.get(), &json));
        return detail::take_string(json);
    }
    // id 0: the latest.
    std::string read_manifest_json(uint64_t id = 0) {
        char *json = nullptr;
        detail::check(sf_admin_read_manifest(h_.get(), id, &json));
        return detail::take_string(json);
    }
    // nullopt when there is no compactions file (no compactor has run).
    std::optional<std::string> read_compactions_json(uint64_t id = 0) {
        char *json = nullptr;
        detail::check(sf_admin_read_compactions(h_.get(), id, &json));
        if (json == nullptr) return std::nullopt;
        return detail::take_string(json);
    }
    std::optional<int64_t> seq_to_ts(uint64_t seq, bool round_up = false) {
        bool present = false;
        int64_t ts = 0;
        detail::check(sf_admin_seq_to_ts(h_.get(), seq, round_up, &present, &ts));
        return present ? std::optional<int64_t>(ts) : std::nullopt;
    }
    std::optional<uint64_t> ts_to_seq(int64_t unix_s, bool round_up = false) {
        bool present = false;
        uint64_t seq = 0;
        detail::check(sf_admin_ts_to_seq(h_.get(), unix_s, round_up, &present, &seq));
        return present ? std::optional<uint64_t>(seq) : std::nullopt;
    }
    uint64_t delete_db(bool force = false) {
        uint64_t deleted = 0;
        detail::check(sf_admin_delete_db(h_.get(), force, &deleted));
        return deleted;
    }
    void close() { h_.close(); }

private:
    explicit Admin(sf_admin_t *h) : h_(h) {}
    detail::Owned<sf_admin_t, sf_admin_close> h_;
};

inline std::string version() { return sf_version(); }

} // namespace slatefast

#endif // SLATEFAST_HPP
