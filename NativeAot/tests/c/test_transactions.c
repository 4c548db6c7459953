/* Transactions, the merge operator and TTL read options through the C ABI (part of test_slatefast). */
#define _GNU_SOURCE
#include "test_support.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>

/* Whether the transaction sees expected under key (NULL: absent). */
static bool txn_str(sf_transaction_t *txn, const char *key, const char *expected) {
    bool present = true;
    uint8_t *val = (uint8_t *)1;
    size_t len = 99;
    sf_result_t r = sf_txn_get(txn, K(key), NULL, &present, &val, &len);
    bool ok = r.kind == SF_OK;
    if (!ok) fprintf(stderr, "sf_txn_get(%s): %s\n", key, r.message);
    sf_result_free(&r);
    if (!ok) return false;
    if (expected == NULL) return !present && val == NULL && len == 0;
    ok = present && len == strlen(expected) && memcmp(val, expected, len) == 0;
    sf_bytes_free(val, len);
    return ok;
}

void test_transactions(void) {
    sf_db_t *db = NULL;
    OK(sf_db_open("txn", "memory:///", "{\"merge_operator\": \"concat\"}", &db));
    OK(sf_db_put(db, K("a"), K("1"), 0, NULL));
    OK(sf_db_put(db, K("b"), K("2"), 0, NULL));
    OK(sf_db_put(db, K("m"), K("x"), 0, NULL));

    sf_transaction_t *txn = NULL;
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &txn));
    CHECK(txn != NULL);
    CHECK(txn_str(txn, "a", "1"));
    OK(sf_txn_put(txn, K("a"), K("one"), NULL));
    OK(sf_txn_put(txn, K("c"), K("3"), NULL));
    OK(sf_txn_delete(txn, K("b")));
    OK(sf_txn_merge(txn, K("m"), K("y"), NULL));
    sf_put_options_t ttl = {SF_TTL_EXPIRE_AFTER, 3600 * 1000};
    OK(sf_txn_put(txn, K("t"), K("ttl"), &ttl));
    /* the transaction reads its own writes over its snapshot; others do not see them */
    CHECK(txn_str(txn, "a", "one"));
    CHECK(txn_str(txn, "b", NULL));
    CHECK(txn_str(txn, "m", "xy"));
    CHECK(get_str(db, "a", "1"));
    CHECK(get_str(db, "c", NULL));
    OK(sf_db_put(db, K("later"), K("z"), 0, NULL)); /* after the start: invisible to it */
    CHECK(txn_str(txn, "later", NULL));

    uint8_t buf[4];
    bool present = false;
    size_t need = 0;
    OK(sf_txn_get_into(txn, K("a"), NULL, buf, sizeof buf, &present, &need));
    CHECK(present && need == 3 && memcmp(buf, "one", 3) == 0);
    OK(sf_txn_get_into(txn, K("m"), NULL, buf, 1, &present, &need));
    CHECK(present && need == 2);
    OK(sf_txn_get_into(txn, K("b"), NULL, NULL, 0, &present, &need));
    CHECK(!present && need == 0);

    char rows[256];
    sf_iterator_t *it = NULL;
    OK(sf_txn_scan(txn, NULL, 0, NULL, 0, NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "a=one,c=3,m=xy,t=ttl,") == 0);
    OK(sf_iterator_close(it));
    sf_scan_options_t reverse = SF_SCAN_OPTIONS_DEFAULT;
    reverse.order = SF_ORDER_DESCENDING;
    OK(sf_txn_scan(txn, K("b"), K("n"), &reverse, &it));
    FAILS(SF_ERR_INVALID, sf_iterator_seek(it, K("c"))); /* a transaction's scan cannot seek */
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "m=xy,c=3,") == 0);
    OK(sf_iterator_close(it));

    OK(sf_txn_mark_read(txn, K("zz")));
    OK(sf_txn_unmark_write(txn, K("c")));
    /* an iterator left open closes with the transaction */
    OK(sf_txn_scan(txn, NULL, 0, NULL, 0, NULL, &it));
    uint64_t seq = 0;
    bool committed = false;
    OK(sf_txn_commit(txn, 0, &seq, &committed));
    CHECK(committed && seq > 0);
    CHECK(get_str(db, "a", "one") && get_str(db, "b", NULL) && get_str(db, "c", "3") && get_str(db, "m", "xy"));
    uint8_t *k = NULL, *v = NULL;
    size_t kl = 0, vl = 0;
    FAILS(SF_ERR_CLOSED, sf_iterator_next(it, &present, &k, &kl, &v, &vl));
    OK(sf_iterator_close(it));

    /* the handle is finished: every later use is invalid */
    FAILS(SF_ERR_INVALID, sf_txn_put(txn, K("a"), K("again"), NULL));
    FAILS(SF_ERR_INVALID, sf_txn_get(txn, K("a"), NULL, &present, &v, &vl));
    FAILS(SF_ERR_INVALID, sf_txn_commit(txn, 0, &seq, &committed));
    CHECK(seq == 0 && !committed);
    FAILS(SF_ERR_INVALID, sf_txn_rollback(txn));

    /* a read-only transaction commits nothing, durably or not, and never conflicts */
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SERIALIZABLE, &txn));
    CHECK(txn_str(txn, "a", "one"));
    OK(sf_db_put(db, K("a"), K("changed"), 0, NULL));
    committed = true;
    OK(sf_txn_commit(txn, 1, &seq, &committed));
    CHECK(!committed && seq == 0);

    /* rollback discards; out-pointers of commit are optional */
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &txn));
    OK(sf_txn_put(txn, K("gone"), K("x"), NULL));
    OK(sf_txn_rollback(txn));
    CHECK(get_str(db, "gone", NULL));
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &txn));
    OK(sf_txn_put(txn, K("kept"), K("x"), NULL));
    OK(sf_txn_commit(txn, 1, NULL, NULL)); /* durable */
    CHECK(get_str(db, "kept", "x"));
    OK(sf_db_close(db));
}

void test_transaction_conflicts(void) {
    sf_db_t *db = NULL;
    OK(sf_db_open("conflicts", "memory:///", NULL, &db));
    OK(sf_db_put(db, K("x"), K("on"), 0, NULL));
    OK(sf_db_put(db, K("y"), K("on"), 0, NULL));
    uint64_t seq = 7;
    bool committed = true;

    /* lost update: both read-modify-write the same key; the second commit fails, applying nothing */
    sf_transaction_t *t1 = NULL, *t2 = NULL;
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &t1));
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &t2));
    CHECK(txn_str(t1, "x", "on") && txn_str(t2, "x", "on"));
    OK(sf_txn_put(t1, K("x"), K("t1"), NULL));
    OK(sf_txn_put(t2, K("x"), K("t2"), NULL));
    OK(sf_txn_put(t2, K("side"), K("effect"), NULL));
    OK(sf_txn_commit(t1, 0, NULL, NULL));
    FAILS(SF_ERR_TRANSACTION, sf_txn_commit(t2, 0, &seq, &committed));
    CHECK(seq == 0 && !committed);
    CHECK(get_str(db, "x", "t1") && get_str(db, "side", NULL));
    FAILS(SF_ERR_INVALID, sf_txn_rollback(t2)); /* a conflict finished the handle too */

    /* write skew: each reads both keys and turns off the other one. Snapshot isolation lets
     * both commit; serializable rejects the second. */
    for (int isolation = SF_ISOLATION_SNAPSHOT; isolation <= SF_ISOLATION_SERIALIZABLE; isolation++) {
        OK(sf_db_put(db, K("x"), K("on"), 0, NULL));
        OK(sf_db_put(db, K("y"), K("on"), 0, NULL));
        OK(sf_db_begin_transaction(db, isolation, &t1));
        OK(sf_db_begin_transaction(db, isolation, &t2));
        CHECK(txn_str(t1, "x", "on") && txn_str(t1, "y", "on"));
        CHECK(txn_str(t2, "x", "on") && txn_str(t2, "y", "on"));
        OK(sf_txn_put(t1, K("x"), K("off"), NULL));
        OK(sf_txn_put(t2, K("y"), K("off"), NULL));
        OK(sf_txn_commit(t1, 0, NULL, NULL));
        if (isolation == SF_ISOLATION_SNAPSHOT) {
            OK(sf_txn_commit(t2, 0, NULL, NULL));
            CHECK(get_str(db, "x", "off") && get_str(db, "y", "off"));
        } else {
            FAILS(SF_ERR_TRANSACTION, sf_txn_commit(t2, 0, NULL, NULL));
            CHECK(get_str(db, "x", "off") && get_str(db, "y", "on"));
        }
    }

    /* phantom: a serializable scan counts its range as read */
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SERIALIZABLE, &t1));
    sf_iterator_t *it = NULL;
    OK(sf_txn_scan(t1, K("p"), K("q"), NULL, &it));
    OK(sf_iterator_close(it));
    OK(sf_txn_put(t1, K("count"), K("0"), NULL));
    OK(sf_db_put(db, K("p1"), K("new"), 0, NULL));
    FAILS(SF_ERR_TRANSACTION, sf_txn_commit(t1, 0, NULL, NULL));

    /* mark_read makes an unread key conflict; unmark_write exempts a blind write */
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SERIALIZABLE, &t1));
    OK(sf_txn_mark_read(t1, K("watched")));
    OK(sf_txn_put(t1, K("other"), K("1"), NULL));
    OK(sf_db_put(db, K("watched"), K("w"), 0, NULL));
    FAILS(SF_ERR_TRANSACTION, sf_txn_commit(t1, 0, NULL, NULL));
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &t1));
    OK(sf_txn_put(t1, K("blind"), K("t1"), NULL));
    OK(sf_txn_unmark_write(t1, K("blind")));
    OK(sf_db_put(db, K("blind"), K("db"), 0, NULL));
    OK(sf_txn_commit(t1, 0, NULL, NULL));
    CHECK(get_str(db, "blind", "t1"));
    OK(sf_db_close(db));
}

/* Threads increment one counter in serializable transactions, retrying on conflict: no
 * increment is lost. */
enum { TXN_THREADS = 4, INCREMENTS = 20 };
static sf_db_t *counter_db;
static int conflicts;

static void *increment_thread(void *arg) {
    (void)arg;
    for (int done = 0; done < INCREMENTS;) {
        sf_transaction_t *txn = NULL;
        OK(sf_db_begin_transaction(counter_db, SF_ISOLATION_SERIALIZABLE, &txn));
        char buf[32] = {0};
        bool present = false;
        size_t len = 0;
        OK(sf_txn_get_into(txn, K("counter"), NULL, (uint8_t *)buf, sizeof buf - 1, &present, &len));
        char next[32];
        snprintf(next, sizeof next, "%d", (present ? atoi(buf) : 0) + 1);
        sched_yield(); /* widen the window in which another thread commits */
        OK(sf_txn_put(txn, K("counter"), K(next), NULL));
        sf_result_t r = sf_txn_commit(txn, 0, NULL, NULL);
        if (r.kind == SF_OK) {
            done++;
        } else {
            CHECK(r.kind == SF_ERR_TRANSACTION);
            __atomic_add_fetch(&conflicts, 1, __ATOMIC_SEQ_CST);
        }
        sf_result_free(&r);
    }
    return NULL;
}

void test_transaction_threads(void) {
    OK(sf_db_open("txn-threads", "memory:///", NULL, &counter_db));
    pthread_t threads[TXN_THREADS];
    for (int t = 0; t < TXN_THREADS; t++) CHECK(pthread_create(&threads[t], NULL, increment_thread, NULL) == 0);
    for (int t = 0; t < TXN_THREADS; t++) pthread_join(threads[t], NULL);
    char expected[16];
    snprintf(expected, sizeof expected, "%d", TXN_THREADS * INCREMENTS);
    CHECK(get_str(counter_db, "counter", expected));
    printf("transactions: %d increments from %d threads, %d conflicts retried\n", TXN_THREADS * INCREMENTS, TXN_THREADS, conflicts);
    OK(sf_db_close(counter_db));
}

void test_transaction_misuse(void) {
    sf_transaction_t *txn = (sf_transaction_t *)1, *forged = (sf_transaction_t *)(uintptr_t)0x0000000900000004ull;
    sf_iterator_t *it = (sf_iterator_t *)1;
    bool present = true;
    uint8_t *val = (uint8_t *)1;
    size_t len = 3;
    uint64_t seq = 5;
    bool committed = true;

    FAILS(SF_ERR_INVALID, sf_db_begin_transaction(NULL, SF_ISOLATION_SNAPSHOT, &txn));
    CHECK(txn == NULL);
    FAILS(SF_ERR_INVALID, sf_txn_get(NULL, K("k"), NULL, &present, &val, &len));
    CHECK(!present && val == NULL && len == 0);
    FAILS(SF_ERR_INVALID, sf_txn_get_into(forged, K("k"), NULL, NULL, 0, &present, &len));
    FAILS(SF_ERR_INVALID, sf_txn_put(NULL, K("k"), K("v"), NULL));
    FAILS(SF_ERR_INVALID, sf_txn_delete(forged, K("k")));
    FAILS(SF_ERR_INVALID, sf_txn_merge(NULL, K("k"), K("v"), NULL));
    FAILS(SF_ERR_INVALID, sf_txn_scan(NULL, NULL, 0, NULL, 0, NULL, &it));
    CHECK(it == NULL);
    FAILS(SF_ERR_INVALID, sf_txn_mark_read(forged, K("k")));
    FAILS(SF_ERR_INVALID, sf_txn_unmark_write(NULL, K("k")));
    FAILS(SF_ERR_INVALID, sf_txn_commit(NULL, 0, &seq, &committed));
    CHECK(seq == 0 && !committed);
    FAILS(SF_ERR_INVALID, sf_txn_commit(forged, 0, NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_txn_rollback(NULL));
    FAILS(SF_ERR_INVALID, sf_txn_rollback(forged));

    sf_db_t *db = NULL;
    OK(sf_db_open("txn-misuse", "memory:///", NULL, &db));
    FAILS(SF_ERR_INVALID, sf_db_begin_transaction(db, 2, &txn));
    FAILS(SF_ERR_INVALID, sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, NULL));
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &txn));

    /* NULL out-pointers, NULL bytes with a length, bad options, wrong handle types */
    FAILS(SF_ERR_INVALID, sf_txn_get(txn, K("k"), NULL, NULL, &val, &len));
    FAILS(SF_ERR_INVALID, sf_txn_get(txn, K("k"), NULL, &present, NULL, &len));
    FAILS(SF_ERR_INVALID, sf_txn_get(txn, K("k"), NULL, &present, &val, NULL));
    FAILS(SF_ERR_INVALID, sf_txn_get(txn, NULL, 2, NULL, &present, &val, &len));
    FAILS(SF_ERR_INVALID, sf_txn_get_into(txn, K("k"), NULL, NULL, 4, &present, &len));
    FAILS(SF_ERR_INVALID, sf_txn_get_into(txn, K("k"), NULL, NULL, 0, NULL, &len));
    FAILS(SF_ERR_INVALID, sf_txn_get_into(txn, K("k"), NULL, NULL, 0, &present, NULL));
    FAILS(SF_ERR_INVALID, sf_txn_put(txn, NULL, 1, K("v"), NULL));
    FAILS(SF_ERR_INVALID, sf_txn_put(txn, K("k"), NULL, 1, NULL));
    FAILS(SF_ERR_INVALID, sf_txn_put(txn, NULL, 0, K("v"), NULL)); /* empty key */
    sf_put_options_t bad_ttl = {42, 0};
    FAILS(SF_ERR_INVALID, sf_txn_put(txn, K("k"), K("v"), &bad_ttl));
    FAILS(SF_ERR_INVALID, sf_txn_delete(txn, NULL, 1));
    FAILS(SF_ERR_INVALID, sf_txn_merge(txn, K("k"), NULL, 1, NULL));
    FAILS(SF_ERR_INVALID, sf_txn_mark_read(txn, NULL, 1));
    FAILS(SF_ERR_INVALID, sf_txn_unmark_write(txn, NULL, 0));
    FAILS(SF_ERR_INVALID, sf_txn_scan(txn, NULL, 0, NULL, 0, NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_txn_scan(txn, NULL, 3, NULL, 0, NULL, &it));
    FAILS(SF_ERR_INVALID, sf_txn_scan(txn, K("z"), K("a"), NULL, &it));
    sf_scan_options_t bad_order = SF_SCAN_OPTIONS_DEFAULT;
    bad_order.order = 9;
    FAILS(SF_ERR_INVALID, sf_txn_scan(txn, NULL, 0, NULL, 0, &bad_order, &it));
    sf_read_options_t bad_read = SF_READ_OPTIONS_DEFAULT;
    bad_read.durability_filter = 5;
    FAILS(SF_ERR_INVALID, sf_txn_get(txn, K("k"), &bad_read, &present, &val, &len));
    FAILS(SF_ERR_INVALID, sf_txn_put((sf_transaction_t *)db, K("k"), K("v"), NULL));
    FAILS(SF_ERR_INVALID, sf_db_put((sf_db_t *)txn, K("k"), K("v"), 0, NULL));
    FAILS(SF_ERR_INVALID, sf_iterator_close((sf_iterator_t *)txn));
    FAILS(SF_ERR_INVALID, sf_snapshot_close((sf_snapshot_t *)txn));
    /* the misuse above left the transaction usable */
    OK(sf_txn_put(txn, K("k"), K("v"), NULL));

    /* a transaction and its scan left open when the database closes: rolled back, then CLOSED */
    sf_transaction_t *other = NULL;
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SERIALIZABLE, &other));
    OK(sf_txn_put(other, K("k2"), K("v"), NULL));
    OK(sf_txn_scan(txn, NULL, 0, NULL, 0, NULL, &it));
    OK(sf_db_close(db));
    FAILS(SF_ERR_CLOSED, sf_txn_put(txn, K("k"), K("v"), NULL));
    FAILS(SF_ERR_CLOSED, sf_txn_get(txn, K("k"), NULL, &present, &val, &len));
    FAILS(SF_ERR_CLOSED, sf_iterator_next(it, &present, &val, &len, &val, &len));
    sf_transaction_t *none = (sf_transaction_t *)1;
    FAILS(SF_ERR_CLOSED, sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &none));
    CHECK(none == NULL);
    OK(sf_iterator_close(it));
    FAILS(SF_ERR_CLOSED, sf_txn_commit(txn, 0, &seq, &committed)); /* reports it, and frees it */
    FAILS(SF_ERR_INVALID, sf_txn_commit(txn, 0, &seq, &committed));
    FAILS(SF_ERR_INVALID, sf_txn_rollback(txn));
    /* other is still a handle: CLOSED until freed */
    FAILS(SF_ERR_CLOSED, sf_txn_mark_read(other, K("k")));
    OK(sf_txn_rollback(other));
    FAILS(SF_ERR_INVALID, sf_txn_rollback(other));
}

void test_merge_operator_and_ttl(void) {
    sf_db_t *db = NULL;
    FAILS(SF_ERR_INVALID, sf_db_open("merge", "memory:///", "{\"merge_operator\": \"sum\"}", &db));
    FAILS(SF_ERR_INVALID, sf_db_open("merge", "memory:///", "{\"merge_operator\": 1}", &db));
    OK(sf_db_open("merge", "memory:///", "{\"merge_operator\": \"concat\"}", &db));
    OK(sf_db_merge(db, K("log"), K("a"), NULL, NULL, NULL));
    OK(sf_db_merge(db, K("log"), K("b"), NULL, NULL, NULL));
    CHECK(get_str(db, "log", "ab"));
    OK(sf_db_put(db, K("base"), K("x"), 0, NULL));
    sf_write_batch_t *batch = NULL;
    OK(sf_write_batch_new(&batch));
    OK(sf_write_batch_merge(batch, K("base"), K("y"), NULL));
    OK(sf_write_batch_merge(batch, K("base"), K("z"), NULL));
    OK(sf_db_write(db, batch, NULL, NULL));
    OK(sf_write_batch_free(batch));
    CHECK(get_str(db, "base", "xyz"));
    OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE)); /* folded into the SST */
    OK(sf_db_merge(db, K("log"), K("c"), NULL, NULL, NULL));
    CHECK(get_str(db, "log", "abc"));
    sf_snapshot_t *snap = NULL;
    OK(sf_db_snapshot(db, &snap));
    OK(sf_db_merge(db, K("log"), K("d"), NULL, NULL, NULL));
    bool present = false;
    uint8_t *val = NULL;
    size_t len = 0;
    OK(sf_snapshot_get(snap, K("log"), NULL, &present, &val, &len));
    CHECK(present && len == 3 && memcmp(val, "abc", 3) == 0);
    sf_bytes_free(val, len);
    OK(sf_snapshot_close(snap));

    /* TTL: an expired row stays readable (SlateDB 0.12) unless the read hides expired rows */
    sf_put_options_t expired = {SF_TTL_EXPIRE_AT, 1000}; /* 1970 */
    sf_write_options_t nowait = {0, 0};
    OK(sf_db_put_with_options(db, K("old"), K("stale"), &expired, &nowait, NULL));
    CHECK(get_str(db, "old", "stale"));
    sf_read_options_t hide = SF_READ_OPTIONS_DEFAULT;
    hide.hide_expired = 1;
    OK(sf_db_get_with_options(db, K("old"), &hide, &present, &val, &len));
    CHECK(!present && val == NULL);
    OK(sf_db_get_with_options(db, K("log"), &hide, &present, &val, &len));
    CHECK(present && len == 4);
    sf_bytes_free(val, len);
    uint8_t buf[8];
    OK(sf_db_get_into(db, K("old"), &hide, buf, sizeof buf, &present, &len));
    CHECK(!present && len == 0);
    char rows[128];
    sf_scan_options_t hide_scan = SF_SCAN_OPTIONS_DEFAULT;
    hide_scan.hide_expired = 1;
    sf_iterator_t *it = NULL;
    OK(sf_db_scan(db, K("l"), K("p"), &hide_scan, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "log=abcd,") == 0);
    OK(sf_iterator_close(it));
    OK(sf_db_scan(db, K("l"), K("p"), NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "log=abcd,old=stale,") == 0);
    OK(sf_iterator_close(it));
    sf_transaction_t *txn = NULL;
    OK(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &txn));
    OK(sf_txn_get(txn, K("old"), &hide, &present, &val, &len));
    CHECK(!present);
    OK(sf_txn_merge(txn, K("log"), K("e"), NULL));
    CHECK(txn_str(txn, "log", "abcde"));
    OK(sf_txn_commit(txn, 0, NULL, NULL));
    CHECK(get_str(db, "log", "abcde"));
    OK(sf_db_close(db));
}
