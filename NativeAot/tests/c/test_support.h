/* Checks and helpers shared by the C test program's files (test_slatefast.c defines them). */
#ifndef SLATEFAST_TEST_SUPPORT_H
#define SLATEFAST_TEST_SUPPORT_H

#include "slatefast.h"

#include <stdio.h>
#include <string.h>

extern int failures;
extern int checks;
extern char scratch[4096]; /* the test's scratch folder */

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        checks++;                                                                          \
        if (!(cond)) {                                                                     \
            failures++;                                                                    \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
        }                                                                                  \
    } while (0)

/* Checks a result's kind and frees its message. */
void expect(sf_result_t r, int32_t kind, const char *what, int line);
#define OK(call) expect((call), SF_OK, #call, __LINE__)
#define FAILS(kind, call) expect((call), (kind), #call, __LINE__)

#define K(s) (const uint8_t *)(s), strlen(s)

/* "file://<scratch>/<name>" */
void store_url(char *out, size_t size, const char *name);

/* Whether db holds expected under key (NULL: absent). */
bool get_str(sf_db_t *db, const char *key, const char *expected);

/* Collects an iterator's rows as "k=v," into out. */
void drain(sf_iterator_t *it, char *out, size_t size);

/* test_transactions.c */
void test_transactions(void);
void test_transaction_conflicts(void);
void test_transaction_threads(void);
void test_transaction_misuse(void);
void test_merge_operator_and_ttl(void);

/* test_checkpoints.c */
void test_checkpoints_and_readers(void);
void test_reader_misuse(void);
void test_ingest(void);

/* test_wal_reader.c */
void test_wal_reader(void);

/* test_status.c */
void test_status(void);
/* test_admin.c */
void test_admin(void);
/* test_callbacks.c */
void test_callbacks(void);
void test_gc_and_clone(void);
/* test_segments.c */
void test_segments(void);
/* test_prefix_filters.c */
void test_prefix_filters(void);

#endif
