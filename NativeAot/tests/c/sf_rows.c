/*
 * Writes and dumps a database through the C ABI, for interop tests against .NET and SlateDB:
 *   sf_rows write <store-url> <db-path>   reads "put <hexkey> <hexvalue>" / "delete <hexkey>"
 *                                         lines from stdin, one write each, then closes
 *   sf_rows scan <store-url> <db-path>    prints "<hexkey> <hexvalue>" per row, in key order
 * Exit status 0 on success; errors go to stderr.
 */
#include "slatefast.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(sf_result_t r, const char *what) {
    fprintf(stderr, "sf_rows: %s: error %d: %s\n", what, r.kind, r.message ? r.message : "");
    sf_result_free(&r);
    return 1;
}

static size_t unhex(const char *hex, uint8_t *out) {
    size_t n = strlen(hex) / 2;
    for (size_t i = 0; i < n; i++) {
        unsigned byte = 0;
        sscanf(hex + 2 * i, "%2x", &byte);
        out[i] = (uint8_t)byte;
    }
    return n;
}

static void print_hex(const uint8_t *bytes, size_t len) {
    for (size_t i = 0; i < len; i++) printf("%02x", bytes[i]);
}

int main(int argc, char **argv) {
    if (argc != 4) {
        fprintf(stderr, "usage: sf_rows write|scan <store-url> <db-path>\n");
        return 2;
    }
    sf_db_t *db = NULL;
    sf_result_t r = sf_db_open(argv[3], argv[2], NULL, &db);
    if (r.kind != SF_OK) return fail(r, "open");
    int status = 0;
    if (strcmp(argv[1], "write") == 0) {
        static char line[300000];
        static uint8_t key[70000], val[140000];
        static char op[16], khex[140000], vhex[280000];
        while (status == 0 && fgets(line, sizeof line, stdin) != NULL) {
            vhex[0] = 0;
            if (sscanf(line, "%15s %139999s %279999s", op, khex, vhex) < 2) continue;
            size_t kl = unhex(khex, key), vl = unhex(vhex, val);
            r = strcmp(op, "delete") == 0 ? sf_db_delete(db, key, kl, 0) : sf_db_put(db, key, kl, val, vl, 0, NULL);
            if (r.kind != SF_OK) status = fail(r, op);
        }
    } else {
        sf_iterator_t *it = NULL;
        r = sf_db_scan(db, NULL, 0, NULL, 0, NULL, &it);
        if (r.kind != SF_OK) return fail(r, "scan");
        for (;;) {
            bool present = false;
            uint8_t *k = NULL, *v = NULL;
            size_t kl = 0, vl = 0;
            r = sf_iterator_next(it, &present, &k, &kl, &v, &vl);
            if (r.kind != SF_OK) {
                status = fail(r, "next");
                break;
            }
            if (!present) break;
            print_hex(k, kl);
            putchar(' ');
            print_hex(v, vl);
            putchar('\n');
            sf_bytes_free(k, kl);
            sf_bytes_free(v, vl);
        }
        r = sf_iterator_close(it);
        if (r.kind != SF_OK) status = fail(r, "iterator close");
    }
    r = sf_db_close(db);
    if (r.kind != SF_OK) status = fail(r, "close");
    return status;
}
