/*
 * Per-call cost of non-durable puts and of gets through the C ABI, on the workloads of
 * Engine.Benchmarks' PutBenchmarks (20,000 random 16-byte keys, 100-byte values, in-memory
 * store) and ReadBenchmarks (10,000 reads over 100,000 rows in the memtable), so the figures
 * compare with the same calls made from managed code; then the reads again from L0 SSTs with a
 * warm block cache (ReadBenchmarks with Source = l0), by copy and pinned. Also the cost of a small
 * transaction (begin, get, put, non-durable commit) through the ABI. Prints the median of several rounds.
 *   gcc -O2 -std=c99 -I NativeAot/include NativeAot/bench/bench_slatefast.c -L artifacts/native \
 *       -lslatefast -Wl,-rpath,$PWD/artifacts/native -o /tmp/bench_slatefast && /tmp/bench_slatefast
 */
#define _POSIX_C_SOURCE 199309L
#include "slatefast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { PUTS = 20000, ROWS = 100000, READS = 10000, TXNS = 5000, ROUNDS = 7 };

static uint8_t keys[ROWS][16];
static uint8_t value[100];

static double now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void ok(sf_result_t r, const char *what) {
    if (r.kind != SF_OK) {
        fprintf(stderr, "%s: %s\n", what, r.message);
        exit(1);
    }
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *samples) {
    qsort(samples, ROUNDS, sizeof *samples, by_value);
    return samples[ROUNDS / 2];
}

int main(void) {
    srand(2);
    for (int i = 0; i < ROWS; i++)
        for (int j = 0; j < 16; j++) keys[i][j] = (uint8_t)rand();

    sf_db_t *db = NULL;
    double samples[ROUNDS];

    ok(sf_db_open("bench-put", "memory:///", "{\"l0_max_ssts\": 1000000}", &db), "open");
    for (int r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        for (int i = 0; i < PUTS; i++) ok(sf_db_put(db, keys[i], 16, value, sizeof value, 0, NULL), "put");
        samples[r] = (now_ns() - start) / PUTS;
    }
    printf("sf_db_put, await_durable=0: %.0f ns/put\n", median(samples));
    ok(sf_db_close(db), "close");

    ok(sf_db_open("bench-get", "memory:///", "{\"l0_sst_size_bytes\": 4194304, \"l0_max_ssts\": 1000}", &db), "open");
    for (int i = 0; i < ROWS; i++) ok(sf_db_put(db, keys[i], 16, value, sizeof value, 0, NULL), "load");
    uint8_t buf[256];
    bool present = false;
    size_t len = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        for (int i = 0; i < READS; i++)
            ok(sf_db_get_into(db, keys[(i * 7919) % ROWS], 16, NULL, buf, sizeof buf, &present, &len), "get_into");
        samples[r] = (now_ns() - start) / READS;
    }
    printf("sf_db_get_into hit (caller buffer): %.0f ns/get\n", median(samples));
    for (int r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        for (int i = 0; i < READS; i++) {
            uint8_t *val = NULL;
            ok(sf_db_get(db, keys[(i * 7919) % ROWS], 16, &present, &val, &len), "get");
            sf_bytes_free(val, len);
        }
        samples[r] = (now_ns() - start) / READS;
    }
    printf("sf_db_get hit (malloc'd copy + sf_bytes_free): %.0f ns/get\n", median(samples));
    for (int r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        for (int i = 0; i < READS; i++) {
            sf_result_t res = sf_db_get_into(NULL, keys[i], 16, NULL, buf, sizeof buf, &present, &len);
            sf_result_free(&res);
        }
        samples[r] = (now_ns() - start) / READS;
    }
    printf("error path (NULL handle, message malloc'd and freed): %.0f ns/call\n", median(samples));
    for (int r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        for (int i = 0; i < TXNS; i++) {
            sf_transaction_t *txn = NULL;
            const uint8_t *key = keys[(i * 7919) % ROWS];
            ok(sf_db_begin_transaction(db, SF_ISOLATION_SNAPSHOT, &txn), "begin");
            ok(sf_txn_get_into(txn, key, 16, NULL, buf, sizeof buf, &present, &len), "txn get");
            ok(sf_txn_put(txn, key, 16, value, sizeof value, NULL), "txn put");
            ok(sf_txn_commit(txn, 0, NULL, NULL), "commit");
        }
        samples[r] = (now_ns() - start) / TXNS;
    }
    printf("transaction (begin, get_into, put, commit await_durable=0): %.0f ns/txn\n", median(samples));
    ok(sf_db_close(db), "close");

    /* The same reads from L0 SSTs with a warm block cache: ReadBenchmarks with Source = l0. */
    ok(sf_db_open("bench-l0", "memory:///", "{\"l0_sst_size_bytes\": 4194304, \"l0_max_ssts\": 1000}", &db), "open");
    for (int i = 0; i < ROWS; i++) ok(sf_db_put(db, keys[i], 16, value, sizeof value, 0, NULL), "load");
    ok(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE), "flush");
    for (int i = 0; i < ROWS; i++) ok(sf_db_get_into(db, keys[i], 16, NULL, buf, sizeof buf, &present, &len), "warm");
    for (int r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        for (int i = 0; i < READS; i++)
            ok(sf_db_get_into(db, keys[(i * 7919) % ROWS], 16, NULL, buf, sizeof buf, &present, &len), "get_into");
        samples[r] = (now_ns() - start) / READS;
    }
    printf("L0, warm block cache: sf_db_get_into hit: %.0f ns/get\n", median(samples));
    for (int r = 0; r < ROUNDS; r++) {
        double start = now_ns();
        for (int i = 0; i < READS; i++) {
            sf_pinned_t *pinned = NULL;
            const uint8_t *val = NULL;
            ok(sf_db_get_pinned(db, keys[(i * 7919) % ROWS], 16, NULL, &pinned, &val, &len), "get_pinned");
            ok(sf_pinned_free(pinned), "pinned_free");
        }
        samples[r] = (now_ns() - start) / READS;
    }
    printf("L0, warm block cache: sf_db_get_pinned + sf_pinned_free hit: %.0f ns/get\n", median(samples));
    ok(sf_db_close(db), "close");
    return 0;
}
