/* Status and subscribe through the C ABI (part of test_slatefast). */
#define _GNU_SOURCE
#include "test_support.h"

void test_status(void) {
    char url[8300];
    store_url(url, sizeof url, "status");
    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, NULL, &db));
    sf_status_t status;
    OK(sf_db_status(db, &status));
    CHECK(status.close_reason == SF_CLOSE_NONE && status.l0_ssts == 0 && status.last_l0_flush_ms == 0 && status.writer_epoch > 0);

    uint64_t seq = 0;
    OK(sf_db_put(db, K("k"), K("v"), 1, &seq));
    OK(sf_db_status(db, &status));
    CHECK(status.durable_seq == seq && status.last_seq == seq);

    /* a wait with no change times out and hands back the same status */
    bool changed = true;
    sf_status_t next;
    OK(sf_db_status_wait(db, &status, 20, &changed, &next));
    CHECK(!changed && next.durable_seq == status.durable_seq);

    /* a reader hears of newer data without refreshing itself */
    sf_reader_t *reader = NULL;
    OK(sf_reader_open("db", url, "{\"manifest_poll_interval_ms\": 20}", &reader));
    sf_status_t seen;
    OK(sf_reader_status_wait(reader, NULL, 0, &changed, &seen));
    CHECK(changed && seen.durable_seq == seq);
    uint64_t seq2 = 0;
    OK(sf_db_put(db, K("k2"), K("v2"), 1, &seq2));
    while (seen.durable_seq < seq2) {
        sf_status_t after;
        OK(sf_reader_status_wait(reader, &seen, 60 * 1000, &changed, &after));
        CHECK(changed);
        if (!changed) break;
        seen = after;
    }
    CHECK(seen.durable_seq >= seq2);
    OK(sf_reader_status(reader, &seen));
    CHECK(seen.close_reason == SF_CLOSE_NONE);

    /* a reader's snapshot keeps reading what it saw while the reader moves on */
    sf_snapshot_t *snap = NULL;
    OK(sf_reader_snapshot(reader, &snap));
    OK(sf_db_put(db, K("k2"), K("v3"), 1, NULL));
    OK(sf_reader_refresh(reader));
    bool present = false;
    uint8_t *val = NULL;
    size_t len = 0;
    OK(sf_snapshot_get(snap, K("k2"), NULL, &present, &val, &len));
    CHECK(present && len == 2 && memcmp(val, "v2", 2) == 0);
    sf_bytes_free(val, len);
    OK(sf_reader_get(reader, K("k2"), NULL, &present, &val, &len));
    CHECK(present && len == 2 && memcmp(val, "v3", 2) == 0);
    sf_bytes_free(val, len);
    OK(sf_snapshot_close(snap));
    OK(sf_reader_snapshot(reader, &snap)); /* left open: it closes with the reader */
    OK(sf_reader_close(reader));
    FAILS(SF_ERR_CLOSED, sf_snapshot_get(snap, K("k2"), NULL, &present, &val, &len));
    OK(sf_snapshot_close(snap));
    FAILS(SF_ERR_CLOSED, sf_reader_status(reader, &seen));

    OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE));
    OK(sf_db_status(db, &status));
    CHECK(status.l0_ssts == 1 && status.last_l0_seq > seq2 && status.last_l0_flush_ms > 0);

    FAILS(SF_ERR_INVALID, sf_db_status(db, NULL));
    FAILS(SF_ERR_INVALID, sf_db_status_wait(db, NULL, 0, NULL, &status));
    OK(sf_db_close(db));
    FAILS(SF_ERR_CLOSED, sf_db_status(db, &status));
}
