/* The WAL reader (change data capture) through the C ABI (part of test_slatefast). */
#define _GNU_SOURCE
#include "test_support.h"

#include <stdlib.h>

/* Whether the row is kind with key and value (NULL: none). */
static bool row_is(const sf_wal_row_t *row, int32_t kind, const char *key, const char *value) {
    if (row->kind != kind || row->key_len != strlen(key) || memcmp(row->key, key, row->key_len) != 0) return false;
    if (value == NULL) return row->value == NULL && row->value_len == 0;
    return row->value != NULL && row->value_len == strlen(value) && memcmp(row->value, value, row->value_len) == 0;
}

void test_wal_reader(void) {
    char url[8300];
    store_url(url, sizeof url, "wal-reader");
    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, "{\"merge_operator\": \"concat\"}", &db));
    uint64_t seq_a = 0, seq_m = 0;
    OK(sf_db_put(db, K("a"), K("1"), 1, &seq_a));
    OK(sf_db_delete(db, K("b"), 1));
    sf_put_options_t ttl = {SF_TTL_EXPIRE_AFTER, 60 * 1000};
    OK(sf_db_merge(db, K("m"), K("x"), &ttl, NULL, &seq_m));

    sf_wal_reader_t *reader = NULL;
    OK(sf_wal_reader_open("db", url, "{\"poll_interval_ms\": 10}", &reader));

    char *json = NULL;
    OK(sf_wal_reader_list(reader, 0, 0, &json));
    CHECK(json != NULL && json[0] == '[' && strstr(json, "\"last_modified_ms\":") != NULL);
    sf_string_free(json);

    /* following from the beginning: the three commits in order, with their kinds and times */
    sf_wal_cursor_t *follow = NULL;
    OK(sf_wal_reader_follow(reader, SF_WAL_START_BEGINNING, 0, 0, &follow));
    sf_wal_row_t row;
    bool present = false;
    OK(sf_wal_cursor_next(follow, -1, &present, &row));
    CHECK(present && row_is(&row, SF_ROW_VALUE, "a", "1") && row.seq == seq_a && row.has_create_ts && !row.has_expire_ts);
    uint64_t first_wal = row.wal_id;
    OK(sf_wal_cursor_next(follow, -1, &present, &row));
    CHECK(present && row_is(&row, SF_ROW_TOMBSTONE, "b", NULL) && row.seq > seq_a);
    OK(sf_wal_cursor_next(follow, -1, &present, &row));
    CHECK(present && row_is(&row, SF_ROW_MERGE, "m", "x") && row.seq == seq_m && row.has_expire_ts && row.expire_ts > row.create_ts);
    uint64_t merge_wal = row.wal_id;

    /* caught up: no row within the timeout, then the next commit arrives */
    OK(sf_wal_cursor_next(follow, 0, &present, &row));
    CHECK(!present);
    OK(sf_wal_cursor_next(follow, 20, &present, &row));
    CHECK(!present);
    OK(sf_db_put(db, K("c"), K("3"), 1, NULL));
    OK(sf_wal_cursor_next(follow, 60 * 1000, &present, &row));
    CHECK(present && row_is(&row, SF_ROW_VALUE, "c", "3"));
    OK(sf_wal_cursor_close(follow));
    FAILS(SF_ERR_INVALID, sf_wal_cursor_close(follow));

    /* resuming after the merge: the put of c next */
    OK(sf_wal_reader_follow(reader, SF_WAL_START_AFTER, merge_wal, seq_m, &follow));
    OK(sf_wal_cursor_next(follow, 60 * 1000, &present, &row));
    CHECK(present && row_is(&row, SF_ROW_VALUE, "c", "3"));
    OK(sf_wal_cursor_close(follow));

    /* one object's rows, then the end */
    sf_wal_cursor_t *one = NULL;
    OK(sf_wal_reader_read(reader, first_wal, &one));
    OK(sf_wal_cursor_next(one, 0, &present, &row));
    CHECK(present && row_is(&row, SF_ROW_VALUE, "a", "1") && row.wal_id == first_wal);
    OK(sf_wal_cursor_next(one, 0, &present, &row));
    CHECK(!present);
    OK(sf_wal_cursor_close(one));

    /* misuse */
    FAILS(SF_ERR_INVALID, sf_wal_reader_read(reader, 1000000, &one));
    CHECK(one == NULL);
    FAILS(SF_ERR_INVALID, sf_wal_reader_follow(reader, 99, 0, 0, &one));
    FAILS(SF_ERR_INVALID, sf_wal_reader_follow(reader, SF_WAL_START_AT_WAL_ID, 0, 0, &one));
    FAILS(SF_ERR_INVALID, sf_wal_reader_follow(reader, SF_WAL_START_END, 0, 0, NULL));
    FAILS(SF_ERR_INVALID, sf_wal_reader_open("db", url, "{\"poll_interval\": 5}", &(sf_wal_reader_t *){NULL}));

    /* closing the reader closes its cursors */
    OK(sf_wal_reader_follow(reader, SF_WAL_START_END, 0, 0, &follow));
    OK(sf_wal_reader_close(reader));
    FAILS(SF_ERR_CLOSED, sf_wal_cursor_next(follow, 0, &present, &row));
    OK(sf_wal_cursor_close(follow));
    FAILS(SF_ERR_INVALID, sf_wal_reader_close(reader));
    OK(sf_db_close(db));
}
