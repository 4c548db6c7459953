/*
 * Tests every export of libslatefast and every misuse the header promises to survive. Run by the
 * test command under valgrind memcheck (see Engine.Tests/Native/CProgramTests.cs):
 *   test_slatefast <scratch-dir>           all tests
 *   test_slatefast crash <scratch-dir>     the SIGKILL durability test only
 *   test_slatefast crash-writer <root>     (internal) the child the crash test kills
 *   test_slatefast leak-canary             leaks one value on purpose: proves valgrind still
 *                                          sees leaks of library-allocated bytes
 * Exit status 0 when every check passed.
 */
#define _GNU_SOURCE
#include "slatefast.h"
#include "test_support.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int failures;
int checks;
char scratch[4096];

void expect(sf_result_t r, int32_t kind, const char *what, int line) {
    checks++;
    if (r.kind != kind) {
        failures++;
        fprintf(stderr, "line %d: %s: expected kind %d, got %d (%s)\n", line, what, kind, r.kind,
                r.message ? r.message : "no message");
    } else if (kind != SF_OK && r.message == NULL) {
        failures++;
        fprintf(stderr, "line %d: %s: error without a message\n", line, what);
    }
    sf_result_free(&r);
    checks++;
    if (r.message != NULL) {
        failures++;
        fprintf(stderr, "line %d: sf_result_free left the message set\n", line);
    }
}

void store_url(char *out, size_t size, const char *name) {
    snprintf(out, size, "file://%s/%s", scratch, name);
}

bool get_str(sf_db_t *db, const char *key, const char *expected) {
    bool present = true;
    uint8_t *val = (uint8_t *)1;
    size_t len = 99;
    sf_result_t r = sf_db_get(db, K(key), &present, &val, &len);
    bool ok = r.kind == SF_OK;
    sf_result_free(&r);
    if (!ok) return false;
    if (expected == NULL) return !present && val == NULL && len == 0;
    ok = present && len == strlen(expected) && memcmp(val, expected, len) == 0;
    sf_bytes_free(val, len);
    return ok;
}

/* Collects an iterator's rows as "k=v," into out. */
void drain(sf_iterator_t *it, char *out, size_t size) {
    out[0] = 0;
    for (;;) {
        bool present = false;
        uint8_t *k = NULL, *v = NULL;
        size_t kl = 0, vl = 0;
        sf_result_t r = sf_iterator_next(it, &present, &k, &kl, &v, &vl);
        if (r.kind != SF_OK) {
            fprintf(stderr, "iterator_next: %s\n", r.message);
            failures++;
            sf_result_free(&r);
            return;
        }
        if (!present) return;
        size_t used = strlen(out);
        snprintf(out + used, size - used, "%.*s=%.*s,", (int)kl, (const char *)k, (int)vl, (const char *)v);
        sf_bytes_free(k, kl);
        sf_bytes_free(v, vl);
    }
}

/* ---- Happy paths ---------------------------------------------------------------------------- */

static int log_events;
static void on_log(int32_t level, const char *category, const char *message, void *user_data) {
    (void)level;
    if (category != NULL && message != NULL && user_data == &log_events) __atomic_add_fetch(&log_events, 1, __ATOMIC_SEQ_CST);
}

static void test_version(void) {
    const char *v = sf_version();
    CHECK(v != NULL && strlen(v) > 0);
    CHECK(sf_version() == v);
}

static void test_put_get_delete(void) {
    sf_db_t *db = NULL;
    OK(sf_set_log_callback(on_log, SF_LOG_INFO, &log_events));
    OK(sf_db_open("basic", "memory:///", "{\"flush_interval_ms\": 50, \"compression_codec\": \"snappy\"}", &db));
    OK(sf_set_log_callback(NULL, SF_LOG_NONE, NULL));
    CHECK(db != NULL);
    CHECK(log_events > 0); /* opening logs "created database" */

    uint64_t seq = 0;
    OK(sf_db_put(db, K("alpha"), K("one"), 1, &seq));
    CHECK(seq > 0);
    uint64_t seq2 = 0;
    OK(sf_db_put(db, K("beta"), K("two"), 0, &seq2));
    CHECK(seq2 > seq);
    OK(sf_db_put(db, K("empty"), NULL, 0, 0, NULL));
    CHECK(get_str(db, "alpha", "one"));
    CHECK(get_str(db, "beta", "two"));
    CHECK(get_str(db, "missing", NULL));

    bool present = false;
    uint8_t *val = NULL;
    size_t len = 7;
    OK(sf_db_get(db, K("empty"), &present, &val, &len));
    CHECK(present && val != NULL && len == 0);
    sf_bytes_free(val, len);

    OK(sf_db_delete(db, K("beta"), 0));
    CHECK(get_str(db, "beta", NULL));

    /* get into a caller buffer: fits, too small (reports the length), absent */
    uint8_t buf[8];
    size_t need = 0;
    OK(sf_db_get_into(db, K("alpha"), NULL, buf, sizeof buf, &present, &need));
    CHECK(present && need == 3 && memcmp(buf, "one", 3) == 0);
    OK(sf_db_put(db, K("long"), K("0123456789abcdef"), 0, NULL));
    OK(sf_db_get_into(db, K("long"), NULL, buf, sizeof buf, &present, &need));
    CHECK(present && need == 16);
    OK(sf_db_get_into(db, K("long"), NULL, NULL, 0, &present, &need));
    CHECK(present && need == 16);
    OK(sf_db_get_into(db, K("nope"), NULL, buf, sizeof buf, &present, &need));
    CHECK(!present && need == 0);

    /* options */
    sf_put_options_t ttl = {SF_TTL_EXPIRE_AFTER, 3600 * 1000};
    sf_write_options_t nowait = {0, 0};
    OK(sf_db_put_with_options(db, K("ttl"), K("v"), &ttl, &nowait, &seq));
    sf_write_options_t explicit_seq = {0, seq + 100};
    uint64_t got = 0;
    OK(sf_db_put_with_options(db, K("seq"), K("v"), NULL, &explicit_seq, &got));
    CHECK(got == seq + 100);
    FAILS(SF_ERR_INVALID, sf_db_put_with_options(db, K("seq"), K("v"), NULL, &explicit_seq, NULL));
    sf_put_options_t bad_ttl = {42, 0};
    FAILS(SF_ERR_INVALID, sf_db_put_with_options(db, K("x"), K("v"), &bad_ttl, NULL, NULL));
    OK(sf_db_delete_with_options(db, K("ttl"), &nowait, &got));
    CHECK(got > seq + 100);
    sf_read_options_t remote = {SF_DURABILITY_REMOTE, 1, 1, 0};
    OK(sf_db_get_with_options(db, K("alpha"), &remote, &present, &val, &len));
    CHECK(present && len == 3);
    sf_bytes_free(val, len);
    sf_read_options_t bad_read = {7, 0, 0, 0};
    FAILS(SF_ERR_INVALID, sf_db_get_with_options(db, K("alpha"), &bad_read, &present, &val, &len));

    /* merge operands are stored; reading them needs a merge operator the C ABI lacks */
    OK(sf_db_merge(db, K("m"), K("1"), NULL, &nowait, &got));
    FAILS(SF_ERR_INVALID, sf_db_get(db, K("m"), &present, &val, &len));

    OK(sf_db_flush(db));
    OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE));
    FAILS(SF_ERR_INVALID, sf_db_flush_with_type(db, 9));
    CHECK(get_str(db, "alpha", "one"));

    char *json = NULL;
    OK(sf_db_metrics(db, &json));
    CHECK(json != NULL && strstr(json, "\"last_seq\"") != NULL && strstr(json, "\"l0_sst_count\":1") != NULL);
    sf_string_free(json);

    OK(sf_db_close(db));
}

static void test_batches(void) {
    sf_db_t *db = NULL;
    OK(sf_db_open("batch", "memory:///", NULL, &db));
    sf_write_batch_t *batch = NULL;
    OK(sf_write_batch_new(&batch));
    FAILS(SF_ERR_INVALID, sf_db_write(db, batch, NULL, NULL)); /* empty */
    OK(sf_write_batch_put(batch, K("a"), K("1"), NULL));
    OK(sf_write_batch_put(batch, K("b"), K("2"), NULL));
    OK(sf_write_batch_delete(batch, K("c")));
    OK(sf_write_batch_merge(batch, K("d"), K("x"), NULL));
    OK(sf_write_batch_clear(batch));
    OK(sf_write_batch_put(batch, K("a"), K("1"), NULL));
    OK(sf_write_batch_put(batch, K("b"), K("2"), NULL));
    OK(sf_db_put(db, K("c"), K("old"), 0, NULL));
    OK(sf_write_batch_delete(batch, K("c")));
    uint64_t seq = 0;
    sf_write_options_t nowait = {0, 0};
    OK(sf_db_write(db, batch, &nowait, &seq));
    CHECK(seq > 0);
    CHECK(get_str(db, "a", "1") && get_str(db, "b", "2") && get_str(db, "c", NULL));
    OK(sf_db_write(db, batch, NULL, &seq)); /* a batch stays usable; durable by default */
    OK(sf_write_batch_free(batch));
    FAILS(SF_ERR_INVALID, sf_write_batch_free(batch));
    FAILS(SF_ERR_INVALID, sf_write_batch_put(batch, K("a"), K("1"), NULL));
    FAILS(SF_ERR_INVALID, sf_db_write(db, batch, NULL, NULL));
    OK(sf_db_close(db));
}

static void test_iterators_and_snapshots(void) {
    sf_db_t *db = NULL;
    OK(sf_db_open("scan", "memory:///", NULL, &db));
    const char *keys[] = {"a1", "a2", "b1", "b2", "c1"};
    for (int i = 0; i < 5; i++) OK(sf_db_put(db, K(keys[i]), K(keys[i]), 0, NULL));

    char rows[512];
    sf_iterator_t *it = NULL;
    OK(sf_db_scan(db, NULL, 0, NULL, 0, NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "a1=a1,a2=a2,b1=b1,b2=b2,c1=c1,") == 0);
    OK(sf_iterator_close(it));

    OK(sf_db_scan(db, K("a2"), K("c1"), NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "a2=a2,b1=b1,b2=b2,") == 0);
    OK(sf_iterator_close(it));

    sf_scan_options_t reverse = SF_SCAN_OPTIONS_DEFAULT;
    reverse.order = SF_ORDER_DESCENDING;
    OK(sf_db_scan_prefix(db, K("b"), &reverse, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "b2=b2,b1=b1,") == 0);
    OK(sf_iterator_close(it));

    OK(sf_db_scan(db, NULL, 0, NULL, 0, NULL, &it));
    OK(sf_iterator_seek(it, K("b")));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "b1=b1,b2=b2,c1=c1,") == 0);
    OK(sf_iterator_close(it));

    OK(sf_db_scan(db, K("b"), K("c"), NULL, &it));
    FAILS(SF_ERR_INVALID, sf_iterator_seek(it, K("z"))); /* past the range: misuse, as in SlateDB */
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "b1=b1,b2=b2,") == 0); /* a refused seek leaves the iterator where it was */
    OK(sf_iterator_close(it));
    FAILS(SF_ERR_INVALID, sf_db_scan(db, K("z"), K("a"), NULL, &it)); /* start after end */
    CHECK(it == NULL);
    sf_scan_options_t bad_order = SF_SCAN_OPTIONS_DEFAULT;
    bad_order.order = 5;
    FAILS(SF_ERR_INVALID, sf_db_scan(db, NULL, 0, NULL, 0, &bad_order, &it));

    sf_snapshot_t *snap = NULL;
    OK(sf_db_snapshot(db, &snap));
    OK(sf_db_put(db, K("a1"), K("changed"), 0, NULL));
    OK(sf_db_delete(db, K("c1"), 0));
    bool present = false;
    uint8_t *val = NULL;
    size_t len = 0;
    OK(sf_snapshot_get(snap, K("a1"), NULL, &present, &val, &len));
    CHECK(present && len == 2 && memcmp(val, "a1", 2) == 0);
    sf_bytes_free(val, len);
    OK(sf_snapshot_get(snap, K("zz"), NULL, &present, &val, &len));
    CHECK(!present && val == NULL);
    OK(sf_snapshot_scan(snap, K("c"), NULL, 0, NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "c1=c1,") == 0);
    OK(sf_iterator_close(it));
    CHECK(get_str(db, "a1", "changed"));
    OK(sf_snapshot_close(snap));
    FAILS(SF_ERR_INVALID, sf_snapshot_close(snap));
    FAILS(SF_ERR_INVALID, sf_snapshot_get(snap, K("a1"), NULL, &present, &val, &len));
    OK(sf_db_close(db));
}

/* sf_iterator_next_borrowed lends each row from the iterator's buffer: the same rows as
 * sf_iterator_next, nothing for the caller to free (valgrind's leak check would see a copy). */
static void test_borrowed_rows(void) {
    sf_db_t *db = NULL;
    OK(sf_db_open("borrow", "memory:///", NULL, &db));
    OK(sf_db_put(db, K("a"), K("1"), 0, NULL));
    OK(sf_db_put(db, K("b"), K("a longer value than the first"), 0, NULL));
    OK(sf_db_put(db, K("c"), K(""), 0, NULL));
    sf_iterator_t *it = NULL;
    OK(sf_db_scan(db, NULL, 0, NULL, 0, NULL, &it));
    char rows[512] = {0};
    for (;;) {
        bool present = false;
        const uint8_t *k = NULL, *v = NULL;
        size_t kl = 0, vl = 0;
        OK(sf_iterator_next_borrowed(it, &present, &k, &kl, &v, &vl));
        if (!present) {
            CHECK(k == NULL && v == NULL && kl == 0 && vl == 0);
            break;
        }
        size_t used = strlen(rows);
        snprintf(rows + used, sizeof rows - used, "%.*s=%.*s,", (int)kl, (const char *)k, (int)vl, (const char *)v);
    }
    CHECK(strcmp(rows, "a=1,b=a longer value than the first,c=,") == 0);
    bool present = false;
    const uint8_t *k = NULL, *v = NULL;
    size_t kl = 0, vl = 0;
    FAILS(SF_ERR_INVALID, sf_iterator_next_borrowed(it, &present, &k, NULL, &v, &vl));
    OK(sf_iterator_close(it));
    FAILS(SF_ERR_INVALID, sf_iterator_next_borrowed(it, &present, &k, &kl, &v, &vl));
    OK(sf_db_close(db));
}

/* sf_db_get_pinned hands out the value where it lies: a value in a cached SST block stays
 * readable until sf_pinned_free, even after the database closes (valgrind would see a read of
 * freed memory), and a memtable's value is copied into the pin. */
static void test_pinned_get(void) {
    sf_db_t *db = NULL;
    OK(sf_db_open("pinned", "memory:///pinned", NULL, &db));
    char key[32], val[64];
    for (int i = 0; i < 200; i++) {
        snprintf(key, sizeof key, "key-%04d", i);
        snprintf(val, sizeof val, "value-%04d-in-an-sst", i);
        OK(sf_db_put(db, K(key), K(val), 0, NULL));
    }
    OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE));
    OK(sf_db_put(db, K("in-memory"), K("copied into the pin"), 0, NULL));

    sf_pinned_t *from_sst = NULL, *from_memtable = NULL, *absent = (sf_pinned_t *)1;
    const uint8_t *v = NULL;
    size_t vl = 0;
    OK(sf_db_get_pinned(db, K("key-0042"), NULL, &from_sst, &v, &vl));
    CHECK(from_sst != NULL && vl == strlen("value-0042-in-an-sst") && memcmp(v, "value-0042-in-an-sst", vl) == 0);
    const uint8_t *sst_val = v;
    size_t sst_len = vl;
    OK(sf_db_get_pinned(db, K("in-memory"), NULL, &from_memtable, &v, &vl));
    CHECK(from_memtable != NULL && vl == strlen("copied into the pin") && memcmp(v, "copied into the pin", vl) == 0);
    OK(sf_db_get_pinned(db, K("no-such-key"), NULL, &absent, &v, &vl));
    CHECK(absent == NULL && v == NULL && vl == 0);
    FAILS(SF_ERR_INVALID, sf_db_get_pinned(db, K("key-0001"), NULL, NULL, &v, &vl));

    OK(sf_db_close(db));
    CHECK(memcmp(sst_val, "value-0042-in-an-sst", sst_len) == 0); /* still pinned after the close */
    OK(sf_pinned_free(from_sst));
    OK(sf_pinned_free(from_memtable));
    FAILS(SF_ERR_INVALID, sf_pinned_free(from_sst));
    OK(sf_pinned_free(NULL));
}

static void test_reopen_local_store(void) {
    char url[8300];
    store_url(url, sizeof url, "reopen");
    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, NULL, &db));
    OK(sf_db_put(db, K("kept"), K("yes"), 1, NULL));
    OK(sf_db_put(db, K("buffered"), K("too"), 0, NULL));
    OK(sf_db_close(db));
    OK(sf_db_open("db", url, NULL, &db));
    CHECK(get_str(db, "kept", "yes"));
    CHECK(get_str(db, "buffered", "too")); /* close writes buffered WAL rows */
    OK(sf_db_close(db));

    /* a NULL store URL is the local store rooted at the current directory */
    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    CHECK(chdir(scratch) == 0);
    OK(sf_db_open("in-cwd", NULL, NULL, &db));
    OK(sf_db_put(db, K("here"), K("yes"), 1, NULL));
    OK(sf_db_close(db));
    CHECK(access("in-cwd/manifest", F_OK) == 0);
    CHECK(chdir(cwd) == 0);
}

/* ---- Misuse --------------------------------------------------------------------------------- */

static void test_misuse(void) {
    bool present = true;
    uint8_t *val = (uint8_t *)1;
    size_t len = 5;
    uint64_t seq = 9;
    sf_db_t *db = NULL;
    sf_iterator_t *it = NULL;
    sf_snapshot_t *snap = NULL;

    sf_result_free(NULL);
    sf_bytes_free(NULL, 0);
    sf_string_free(NULL);

    /* bad open arguments */
    FAILS(SF_ERR_INVALID, sf_db_open(NULL, "memory:///", NULL, &db));
    FAILS(SF_ERR_INVALID, sf_db_open("x", "memory:///", NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_db_open("x", "ftp://nowhere", NULL, &db));
    FAILS(SF_ERR_INVALID, sf_db_open("x", "memory:///", "{\"no_such_option\": 1}", &db));
    FAILS(SF_ERR_INVALID, sf_db_open("x", "memory:///", "{not json", &db));
    FAILS(SF_ERR_INVALID, sf_db_open("x", "memory:///", "{\"block_size\": 0}", &db));
    CHECK(db == NULL);
    FAILS(SF_ERR_INVALID, sf_set_log_callback(on_log, 99, NULL));

    /* NULL and forged handles, of every type */
    sf_db_t *forged = (sf_db_t *)(uintptr_t)0x0000000700000003ull;
    FAILS(SF_ERR_INVALID, sf_db_put(NULL, K("k"), K("v"), 0, &seq));
    CHECK(seq == 0);
    FAILS(SF_ERR_INVALID, sf_db_get(NULL, K("k"), &present, &val, &len));
    CHECK(!present && val == NULL && len == 0);
    FAILS(SF_ERR_INVALID, sf_db_put(forged, K("k"), K("v"), 0, NULL));
    FAILS(SF_ERR_INVALID, sf_db_put((sf_db_t *)(uintptr_t)0xdeadbeefcafeull, K("k"), K("v"), 0, NULL));
    FAILS(SF_ERR_INVALID, sf_db_close(NULL));
    FAILS(SF_ERR_INVALID, sf_db_close(forged));
    FAILS(SF_ERR_INVALID, sf_db_flush(NULL));
    FAILS(SF_ERR_INVALID, sf_db_delete(NULL, K("k"), 0));
    FAILS(SF_ERR_INVALID, sf_iterator_next(NULL, &present, &val, &len, &val, &len));
    FAILS(SF_ERR_INVALID, sf_iterator_seek(NULL, K("k")));
    FAILS(SF_ERR_INVALID, sf_iterator_close(NULL));
    FAILS(SF_ERR_INVALID, sf_snapshot_close(NULL));
    FAILS(SF_ERR_INVALID, sf_write_batch_free(NULL));
    FAILS(SF_ERR_INVALID, sf_write_batch_put(NULL, K("k"), K("v"), NULL));

    OK(sf_db_open("misuse", "memory:///", NULL, &db));

    /* NULL out-pointers and NULL bytes with a length */
    FAILS(SF_ERR_INVALID, sf_db_get(db, K("k"), NULL, &val, &len));
    FAILS(SF_ERR_INVALID, sf_db_get(db, K("k"), &present, NULL, &len));
    FAILS(SF_ERR_INVALID, sf_db_get(db, K("k"), &present, &val, NULL));
    FAILS(SF_ERR_INVALID, sf_db_get_into(db, K("k"), NULL, NULL, 4, &present, &len));
    FAILS(SF_ERR_INVALID, sf_db_get_into(db, K("k"), NULL, NULL, 0, NULL, &len));
    FAILS(SF_ERR_INVALID, sf_db_put(db, NULL, 3, K("v"), 0, NULL));
    FAILS(SF_ERR_INVALID, sf_db_put(db, K("k"), NULL, 3, 0, NULL));
    FAILS(SF_ERR_INVALID, sf_db_put(db, NULL, 0, K("v"), 0, NULL)); /* empty key */
    FAILS(SF_ERR_INVALID, sf_db_get(db, NULL, 2, &present, &val, &len));
    FAILS(SF_ERR_INVALID, sf_db_delete(db, NULL, 1, 0));
    FAILS(SF_ERR_INVALID, sf_db_merge(db, NULL, 1, K("x"), NULL, NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_db_scan(db, NULL, 1, NULL, 0, NULL, &it));
    FAILS(SF_ERR_INVALID, sf_db_scan(db, NULL, 0, NULL, 0, NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_db_scan_prefix(db, NULL, 2, NULL, &it));
    FAILS(SF_ERR_INVALID, sf_db_snapshot(db, NULL));
    FAILS(SF_ERR_INVALID, sf_db_metrics(db, NULL));
    FAILS(SF_ERR_INVALID, sf_write_batch_new(NULL));
    sf_write_batch_t *batch = NULL;
    OK(sf_write_batch_new(&batch));
    FAILS(SF_ERR_INVALID, sf_write_batch_put(batch, NULL, 1, K("v"), NULL));
    FAILS(SF_ERR_INVALID, sf_write_batch_delete(batch, NULL, 1));
    FAILS(SF_ERR_INVALID, sf_write_batch_merge(batch, K("k"), NULL, 1, NULL));

    /* a handle of one type passed as another */
    FAILS(SF_ERR_INVALID, sf_db_put((sf_db_t *)batch, K("k"), K("v"), 0, NULL));
    FAILS(SF_ERR_INVALID, sf_iterator_close((sf_iterator_t *)db));
    FAILS(SF_ERR_INVALID, sf_write_batch_free((sf_write_batch_t *)db));
    OK(sf_write_batch_free(batch));

    /* stale: a closed iterator */
    OK(sf_db_scan(db, NULL, 0, NULL, 0, NULL, &it));
    OK(sf_iterator_close(it));
    FAILS(SF_ERR_INVALID, sf_iterator_next(it, &present, &val, &len, &val, &len));
    FAILS(SF_ERR_INVALID, sf_iterator_close(it));
    FAILS(SF_ERR_INVALID, sf_iterator_next(NULL, NULL, &val, &len, &val, &len));

    /* iterators and snapshots left open when the database closes */
    OK(sf_db_put(db, K("k"), K("v"), 0, NULL));
    OK(sf_db_scan(db, NULL, 0, NULL, 0, NULL, &it));
    OK(sf_db_snapshot(db, &snap));
    OK(sf_db_close(db));
    FAILS(SF_ERR_CLOSED, sf_db_put(db, K("k"), K("v"), 0, NULL));
    FAILS(SF_ERR_CLOSED, sf_db_get(db, K("k"), &present, &val, &len));
    FAILS(SF_ERR_CLOSED, sf_db_flush(db));
    sf_iterator_t *it2 = (sf_iterator_t *)1;
    FAILS(SF_ERR_CLOSED, sf_db_scan(db, NULL, 0, NULL, 0, NULL, &it2));
    CHECK(it2 == NULL);
    FAILS(SF_ERR_INVALID, sf_db_close(db)); /* double close */
    sf_result_t r = sf_db_put(db, K("k"), K("v"), 0, NULL);
    CHECK(r.kind == SF_ERR_CLOSED && r.close_reason == SF_CLOSE_CLEAN);
    sf_result_free(&r);
    sf_result_free(&r); /* twice is harmless */
    FAILS(SF_ERR_CLOSED, sf_iterator_next(it, &present, &val, &len, &val, &len));
    FAILS(SF_ERR_CLOSED, sf_snapshot_get(snap, K("k"), NULL, &present, &val, &len));
    OK(sf_iterator_close(it));
    OK(sf_snapshot_close(snap));
    FAILS(SF_ERR_INVALID, sf_iterator_close(it));
    FAILS(SF_ERR_INVALID, sf_snapshot_close(snap));
}

/* ---- Threads -------------------------------------------------------------------------------- */

enum { THREADS = 4, PER_THREAD = 150 };
static sf_db_t *shared_db;
static sf_iterator_t *shared_iter;

static void *writer_thread(void *arg) {
    long id = (long)arg;
    char key[32], value[32];
    for (int i = 0; i < PER_THREAD; i++) {
        snprintf(key, sizeof key, "t%ld-%04d", id, i);
        snprintf(value, sizeof value, "v%ld-%d", id, i);
        OK(sf_db_put(shared_db, K(key), K(value), i % 50 == 0, NULL));
        CHECK(get_str(shared_db, key, value));
        if (i % 25 == 0) {
            sf_iterator_t *it = NULL;
            OK(sf_db_scan_prefix(shared_db, K("t"), NULL, &it));
            bool present = true;
            uint8_t *k, *v;
            size_t kl, vl;
            OK(sf_iterator_next(it, &present, &k, &kl, &v, &vl));
            if (present) {
                sf_bytes_free(k, kl);
                sf_bytes_free(v, vl);
            }
            OK(sf_iterator_close(it));
        }
        /* one iterator shared by every thread: calls are serialised inside */
        bool present = false;
        uint8_t *k, *v;
        size_t kl, vl;
        OK(sf_iterator_next(shared_iter, &present, &k, &kl, &v, &vl));
        if (present) {
            sf_bytes_free(k, kl);
            sf_bytes_free(v, vl);
        }
    }
    return NULL;
}

static void test_threads(void) {
    OK(sf_db_open("threads", "memory:///", NULL, &shared_db));
    for (int i = 0; i < 100; i++) {
        char key[16];
        snprintf(key, sizeof key, "pre-%03d", i);
        OK(sf_db_put(shared_db, K(key), K("x"), 0, NULL));
    }
    OK(sf_db_scan(shared_db, NULL, 0, NULL, 0, NULL, &shared_iter));
    pthread_t threads[THREADS];
    for (long t = 0; t < THREADS; t++) CHECK(pthread_create(&threads[t], NULL, writer_thread, (void *)t) == 0);
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    OK(sf_iterator_close(shared_iter));
    sf_iterator_t *it = NULL;
    OK(sf_db_scan_prefix(shared_db, K("t"), NULL, &it));
    int rows = 0;
    for (;;) {
        bool present = false;
        uint8_t *k, *v;
        size_t kl, vl;
        OK(sf_iterator_next(it, &present, &k, &kl, &v, &vl));
        if (!present) break;
        rows++;
        sf_bytes_free(k, kl);
        sf_bytes_free(v, vl);
    }
    CHECK(rows == THREADS * PER_THREAD);
    OK(sf_iterator_close(it));
    OK(sf_db_close(shared_db));
}

/* ---- Crash: durable puts survive SIGKILL ---------------------------------------------------- */

static int crash_writer(const char *root) {
    char url[8300];
    snprintf(url, sizeof url, "file://%s", root);
    sf_db_t *db = NULL;
    sf_result_t r = sf_db_open("db", url, NULL, &db);
    if (r.kind != SF_OK) {
        fprintf(stderr, "crash-writer: open: %s\n", r.message);
        return 1;
    }
    for (int i = 0;; i++) {
        char key[32];
        snprintf(key, sizeof key, "key-%06d", i);
        r = sf_db_put(db, K(key), K(key), 1, NULL);
        if (r.kind != SF_OK) {
            fprintf(stderr, "crash-writer: put: %s\n", r.message);
            return 1;
        }
        printf("ack %d\n", i); /* acknowledged: durable */
        fflush(stdout);
    }
}

static void test_crash(const char *self) {
    char root[4200];
    snprintf(root, sizeof root, "%s/crash", scratch);
    int out[2];
    CHECK(pipe(out) == 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, out[0]);
    char *argv[] = {(char *)self, "crash-writer", root, NULL};
    pid_t child = 0;
    int spawned = posix_spawn(&child, self, &actions, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&actions);
    close(out[1]);
    CHECK(spawned == 0);
    if (spawned != 0) return;

    FILE *lines = fdopen(out[0], "r");
    int last = -1;
    char line[64];
    while (last < 30 && fgets(line, sizeof line, lines) != NULL) sscanf(line, "ack %d", &last);
    kill(child, SIGKILL);
    int status = 0;
    waitpid(child, &status, 0);
    fclose(lines);
    CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    CHECK(last >= 30);

    char url[8300];
    snprintf(url, sizeof url, "file://%s", root);
    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, NULL, &db));
    for (int i = 0; i <= last; i++) {
        char key[32];
        snprintf(key, sizeof key, "key-%06d", i);
        CHECK(get_str(db, key, key));
    }
    OK(sf_db_close(db));
    printf("crash: %d acknowledged puts survived SIGKILL\n", last + 1);
}

int main(int argc, char **argv) {
    if (argc == 3 && strcmp(argv[1], "crash-writer") == 0) return crash_writer(argv[2]);
    if (argc == 2 && strcmp(argv[1], "leak-canary") == 0) {
        sf_db_t *db = NULL;
        bool present = false;
        uint8_t *val = NULL;
        size_t len = 0;
        OK(sf_db_open("canary", "memory:///", NULL, &db));
        OK(sf_db_put(db, K("k"), K("leaked value"), 0, NULL));
        OK(sf_db_get(db, K("k"), &present, &val, &len));
        val = NULL; /* the only pointer to the value is gone */
        OK(sf_db_close(db));
        return failures == 0 && !present ? 1 : 0;
    }
    bool crash_only = argc == 3 && strcmp(argv[1], "crash") == 0;
    const char *dir = argc >= 2 ? argv[argc - 1] : NULL;
    if (dir == NULL) {
        fprintf(stderr, "usage: %s [crash] <scratch-dir>\n", argv[0]);
        return 2;
    }
    snprintf(scratch, sizeof scratch, "%s", dir);

    if (crash_only) {
        test_crash(argv[0]);
    } else {
        test_version();
        test_put_get_delete();
        test_batches();
        test_iterators_and_snapshots();
        test_borrowed_rows();
        test_pinned_get();
        test_reopen_local_store();
        test_misuse();
        test_threads();
        test_transactions();
        test_transaction_conflicts();
        test_transaction_threads();
        test_transaction_misuse();
        test_merge_operator_and_ttl();
        test_checkpoints_and_readers();
        test_reader_misuse();
        test_ingest();
        test_wal_reader();
        test_status();
        test_admin();
        test_callbacks();
        test_gc_and_clone();
        test_segments();
        test_prefix_filters();
    }
    printf("%d checks, %d failed\n", checks, failures);
    fflush(stdout);
    return failures == 0 ? 0 : 1;
}
