/* Opens a database, writes, reads and scans through the C ABI, then closes and reopens it to
 * read what was written.
 * Build: gcc -std=c99 -I NativeAot/include sample.c -L artifacts/native -lslatefast
 *        (from a release folder: cc sample.c $(pkg-config --cflags --libs slatefast))
 * Run:   LD_LIBRARY_PATH=artifacts/native ./a.out [/abs/store/root]   (default: in memory) */
#include "slatefast.h"

#include <stdio.h>
#include <string.h>

/* Prints and frees an error; returns whether there was one. */
static int failed(sf_result_t r, const char *what) {
    if (r.kind == SF_OK) return 0;
    fprintf(stderr, "%s: error %d: %s\n", what, r.kind, r.message);
    sf_result_free(&r);
    return 1;
}

int main(int argc, char **argv) {
    /* A named memory store lives as long as the process, so the reopen below finds the data. */
    char url[4096] = "memory:///sample";
    if (argc > 1) snprintf(url, sizeof url, "file://%s", argv[1]);

    sf_db_t *db = NULL;
    if (failed(sf_db_open("sample", url, NULL, &db), "open")) return 1;

    const char *fruit[][2] = {{"apple", "red"}, {"banana", "yellow"}, {"cherry", "dark red"}};
    for (int i = 0; i < 3; i++) {
        uint64_t seq = 0;
        /* await_durable = 1: returns once the write is in the object store */
        if (failed(sf_db_put(db, (const uint8_t *)fruit[i][0], strlen(fruit[i][0]), (const uint8_t *)fruit[i][1],
                             strlen(fruit[i][1]), 1, &seq), "put"))
            return 1;
        printf("put %s at seq %llu\n", fruit[i][0], (unsigned long long)seq);
    }

    bool present = false;
    uint8_t *val = NULL;
    size_t len = 0;
    if (failed(sf_db_get(db, (const uint8_t *)"banana", 6, &present, &val, &len), "get")) return 1;
    if (present) printf("banana = %.*s\n", (int)len, (const char *)val);
    sf_bytes_free(val, len); /* the value is ours */

    sf_iterator_t *it = NULL;
    if (failed(sf_db_scan(db, (const uint8_t *)"b", 1, NULL, 0, NULL, &it), "scan")) return 1;
    for (;;) {
        uint8_t *k = NULL, *v = NULL;
        size_t kl = 0, vl = 0;
        if (failed(sf_iterator_next(it, &present, &k, &kl, &v, &vl), "next") || !present) break;
        printf("  %.*s = %.*s\n", (int)kl, (const char *)k, (int)vl, (const char *)v);
        sf_bytes_free(k, kl);
        sf_bytes_free(v, vl);
    }
    failed(sf_iterator_close(it), "iterator close");
    if (failed(sf_db_close(db), "close")) return 1;

    /* Reopening replays what the closed database left durable: every put above awaited it. */
    if (failed(sf_db_open("sample", url, NULL, &db), "reopen")) return 1;
    if (failed(sf_db_get(db, (const uint8_t *)"cherry", 6, &present, &val, &len), "get after reopen")) return 1;
    if (present) printf("reopened: cherry = %.*s\n", (int)len, (const char *)val);
    sf_bytes_free(val, len);
    if (failed(sf_db_close(db), "close after reopen")) return 1;
    printf("slatefast %s\n", sf_version());
    return 0;
}
