/* Prefix bloom filters through sf_db_open's options JSON (RFC 0031): SSTs flushed with a prefix
 * extractor answer prefix scans (from the database, a snapshot, a transaction and a reader) and
 * point reads; without the 0.13 format the option is refused. */
#include "test_support.h"

#include <stdlib.h>

/* Appends "key=value," per row (a tombstone as "key=-") until the iterator ends. */
static void drain_recency(sf_recency_iterator_t *it, char *out, size_t size) {
    out[0] = '\0';
    bool present = true;
    sf_row_entry_t row;
    while (true) {
        OK(sf_recency_iterator_next(it, &present, &row));
        if (!present) break;
        size_t used = strlen(out);
        if (row.kind == SF_ROW_TOMBSTONE) {
            CHECK(row.value == NULL);
            snprintf(out + used, size - used, "%.*s=-,", (int)row.key_len, (const char *)row.key);
        } else {
            snprintf(out + used, size - used, "%.*s=%.*s,", (int)row.key_len, (const char *)row.key, (int)row.value_len,
                     (const char *)row.value);
        }
    }
}

void test_prefix_filters(void) {
    char url[4200];
    store_url(url, sizeof url, "prefix-filters");
    const char *options =
        "{\"format_level\": \"0.13\", \"filter_prefix_extractor\": \"fixed:3\", \"whole_key_filtering\": false,"
        " \"min_filter_keys\": 1, \"compactor_options\": null}";
    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, options, &db));
    const char *groups[] = {"aa/", "bb/", "cc/"};
    for (int g = 0; g < 3; g++) {
        for (int i = 0; i < 3; i++) {
            char key[16], value[16];
            snprintf(key, sizeof key, "%s%d", groups[g], i);
            snprintf(value, sizeof value, "v%d%d", g, i);
            OK(sf_db_put(db, K(key), K(value), 0, NULL));
        }
        OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE));
    }

    char rows[512];
    sf_iterator_t *it = NULL;
    OK(sf_db_scan_prefix(db, K("bb/"), NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "bb/0=v10,bb/1=v11,bb/2=v12,") == 0);
    OK(sf_iterator_close(it));

    OK(sf_db_scan_prefix(db, K("zz/"), NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "") == 0);
    OK(sf_iterator_close(it));

    /* An empty prefix is every key. */
    OK(sf_db_scan_prefix(db, NULL, 0, NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strncmp(rows, "aa/0=v00,", 9) == 0 && strstr(rows, "cc/2=v22,") != NULL);
    OK(sf_iterator_close(it));

    CHECK(get_str(db, "cc/2", "v22"));
    CHECK(get_str(db, "cc/9", NULL));
    CHECK(get_str(db, "dd/0", NULL));

    /* Every read view scans a prefix: a snapshot misses later writes, a transaction sees its own,
     * in either order. */
    sf_snapshot_t *snapshot = NULL;
    OK(sf_db_snapshot(db, &snapshot));
    OK(sf_db_put(db, K("bb/3"), K("v13"), 0, NULL));
    sf_scan_options_t reverse = SF_SCAN_OPTIONS_DEFAULT;
    reverse.order = SF_ORDER_DESCENDING;
    OK(sf_snapshot_scan_prefix(snapshot, K("bb/"), &reverse, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "bb/2=v12,bb/1=v11,bb/0=v10,") == 0);
    OK(sf_iterator_close(it));
    OK(sf_snapshot_close(snapshot));

    sf_transaction_t *txn = NULL;
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &txn));
    OK(sf_txn_delete(txn, K("bb/0")));
    OK(sf_txn_put(txn, K("bb/4"), K("t14"), NULL));
    OK(sf_txn_scan_prefix(txn, K("bb/"), NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "bb/1=v11,bb/2=v12,bb/3=v13,bb/4=t14,") == 0);
    OK(sf_iterator_close(it));
    it = (sf_iterator_t *)1;
    FAILS(SF_ERR_INVALID, sf_txn_scan_prefix(txn, NULL, 2, NULL, &it));
    CHECK(it == NULL);
    OK(sf_txn_rollback(txn));
    OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE));

    /* A reader given the writer's extractor scans with the same filters. */
    sf_reader_t *reader = NULL;
    OK(sf_reader_open("db", url, "{\"filter_prefix_extractor\": \"fixed:3\"}", &reader));
    OK(sf_reader_scan_prefix(reader, K("bb/"), NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "bb/0=v10,bb/1=v11,bb/2=v12,bb/3=v13,") == 0);
    OK(sf_iterator_close(it));
    OK(sf_reader_scan_prefix(reader, K("dd/"), NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "") == 0);
    OK(sf_iterator_close(it));
    it = (sf_iterator_t *)1;
    FAILS(SF_ERR_INVALID, sf_reader_scan_prefix(reader, NULL, 1, NULL, &it));
    CHECK(it == NULL);
    OK(sf_reader_close(reader));

    /* A recency scan: the memtable's rows, then the newer L0 SST's, then the older one's, unmerged. */
    OK(sf_db_put(db, K("bb/1"), K("new"), 0, NULL));
    OK(sf_db_delete(db, K("bb/2"), 0));
    sf_recency_iterator_t *recent = NULL;
    OK(sf_db_scan_prefix_by_recency(db, K("bb/"), NULL, &recent));
    drain_recency(recent, rows, sizeof rows);
    CHECK(strcmp(rows, "bb/1=new,bb/2=-,bb/3=v13,bb/0=v10,bb/1=v11,bb/2=v12,") == 0);
    sf_row_entry_t row;
    bool present = true;
    OK(sf_recency_iterator_next(recent, &present, &row));
    CHECK(!present);
    OK(sf_recency_iterator_close(recent));
    FAILS(SF_ERR_INVALID, sf_recency_iterator_close(recent));
    recent = (sf_recency_iterator_t *)1;
    FAILS(SF_ERR_INVALID, sf_db_scan_prefix_by_recency(db, NULL, 2, NULL, &recent));
    CHECK(recent == NULL);

    /* One left open closes with the database and then answers SF_ERR_CLOSED until freed. */
    OK(sf_db_scan_prefix_by_recency(db, K("bb/"), NULL, &recent));
    OK(sf_db_close(db));
    FAILS(SF_ERR_CLOSED, sf_recency_iterator_next(recent, &present, &row));
    OK(sf_recency_iterator_close(recent));

    /* A new database at the detected (0.12) level cannot name its filters. */
    sf_db_t *refused = NULL;
    sf_result_t r = sf_db_open("refused", "memory:///", "{\"filter_prefix_extractor\": \"fixed:3\"}", &refused);
    CHECK(r.kind == SF_ERR_INVALID);
    CHECK(r.message != NULL && strstr(r.message, "FilterPrefixExtractor") != NULL);
    CHECK(refused == NULL);
    sf_result_free(&r);
}
