/* Checkpoints, read-only readers and ingestion through the C ABI (part of test_slatefast). */
#define _GNU_SOURCE
#include "test_support.h"

#include <dirent.h>
#include <stdlib.h>

static bool reader_str(sf_reader_t *reader, const char *key, const char *expected) {
    bool present = true;
    uint8_t *val = (uint8_t *)1;
    size_t len = 99;
    sf_result_t r = sf_reader_get(reader, K(key), NULL, &present, &val, &len);
    bool ok = r.kind == SF_OK;
    if (!ok) fprintf(stderr, "sf_reader_get(%s): %s\n", key, r.message);
    sf_result_free(&r);
    if (!ok) return false;
    if (expected == NULL) return !present && val == NULL && len == 0;
    ok = present && len == strlen(expected) && memcmp(val, expected, len) == 0;
    sf_bytes_free(val, len);
    return ok;
}

static bool list_contains(sf_db_t *db, const char *needle) {
    char *json = NULL;
    sf_result_t r = sf_db_list_checkpoints(db, &json);
    bool ok = r.kind == SF_OK && json != NULL && json[0] == '[' && strstr(json, needle) != NULL;
    sf_result_free(&r);
    sf_string_free(json);
    return ok;
}

void test_checkpoints_and_readers(void) {
    char url[8300];
    store_url(url, sizeof url, "checkpoints");
    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, NULL, &db));
    OK(sf_db_put(db, K("a"), K("1"), 0, NULL));

    char id[SF_CHECKPOINT_ID_LEN];
    memset(id, 'x', sizeof id);
    uint64_t manifest = 0;
    OK(sf_db_create_checkpoint(db, SF_CHECKPOINT_ALL, 0, "nightly", id, &manifest));
    CHECK(strlen(id) == 36 && id[8] == '-' && id[13] == '-' && manifest > 0);
    CHECK(list_contains(db, id));
    CHECK(list_contains(db, "\"name\":\"nightly\""));
    CHECK(list_contains(db, "\"expire_time_s\":null"));
    char durable_id[SF_CHECKPOINT_ID_LEN];
    OK(sf_db_create_checkpoint(db, SF_CHECKPOINT_DURABLE, 60 * 1000, NULL, durable_id, NULL));
    CHECK(strcmp(id, durable_id) != 0);
    OK(sf_db_refresh_checkpoint(db, durable_id, 0));
    OK(sf_db_refresh_checkpoint(db, id, 3600 * 1000));
    CHECK(list_contains(db, "\"name\":null"));

    OK(sf_db_put(db, K("a"), K("2"), 0, NULL));
    OK(sf_db_put(db, K("b"), K("new"), 1, NULL));

    /* a reader at the checkpoint sees the state it pinned */
    char options[256];
    snprintf(options, sizeof options, "{\"checkpoint_id\": \"%s\"}", id);
    sf_reader_t *at_checkpoint = NULL;
    OK(sf_reader_open("db", url, options, &at_checkpoint));
    CHECK(reader_str(at_checkpoint, "a", "1"));
    CHECK(reader_str(at_checkpoint, "b", NULL));
    char rows[256];
    sf_iterator_t *it = NULL;
    OK(sf_reader_scan(at_checkpoint, NULL, 0, NULL, 0, NULL, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "a=1,") == 0);
    OK(sf_iterator_close(it));
    OK(sf_reader_refresh(at_checkpoint)); /* nothing at a fixed checkpoint */
    CHECK(reader_str(at_checkpoint, "a", "1"));

    /* a reader following the latest state sees durable writes, and later ones after a refresh */
    sf_reader_t *latest = NULL;
    OK(sf_reader_open("db", url, "{\"mode\": \"follow_latest\", \"manifest_poll_interval_ms\": 60000}", &latest));
    CHECK(reader_str(latest, "a", "2") && reader_str(latest, "b", "new"));
    OK(sf_db_put(db, K("c"), K("3"), 1, NULL));
    OK(sf_reader_refresh(latest));
    CHECK(reader_str(latest, "c", "3"));
    sf_scan_options_t reverse = SF_SCAN_OPTIONS_DEFAULT;
    reverse.order = SF_ORDER_DESCENDING;
    OK(sf_reader_scan(latest, K("b"), NULL, 0, &reverse, &it));
    drain(it, rows, sizeof rows);
    CHECK(strcmp(rows, "c=3,b=new,") == 0);
    FAILS(SF_ERR_INVALID, sf_iterator_seek(it, K("a"))); /* before the scan's range, as SlateDB refuses */
    OK(sf_iterator_close(it));

    /* the default reader keeps a checkpoint of its own while open and deletes it on close */
    sf_reader_t *managed = NULL;
    OK(sf_reader_open("db", url, NULL, &managed));
    CHECK(reader_str(managed, "c", "3"));
    OK(sf_reader_close(managed));

    /* an iterator left open closes with its reader */
    OK(sf_reader_scan(latest, NULL, 0, NULL, 0, NULL, &it));
    OK(sf_reader_close(latest));
    bool present = true;
    uint8_t *k = NULL, *v = NULL;
    size_t kl = 0, vl = 0;
    FAILS(SF_ERR_CLOSED, sf_iterator_next(it, &present, &k, &kl, &v, &vl));
    FAILS(SF_ERR_CLOSED, sf_reader_get(latest, K("a"), NULL, &present, &v, &vl));
    FAILS(SF_ERR_CLOSED, sf_reader_refresh(latest));
    FAILS(SF_ERR_INVALID, sf_reader_close(latest));
    OK(sf_iterator_close(it));
    OK(sf_reader_close(at_checkpoint));

    bool found = false;
    OK(sf_db_delete_checkpoint(db, id, &found));
    CHECK(found);
    OK(sf_db_delete_checkpoint(db, id, &found));
    CHECK(!found);
    OK(sf_db_delete_checkpoint(db, durable_id, NULL));
    FAILS(SF_ERR_INVALID, sf_db_refresh_checkpoint(db, id, 0)); /* gone */
    FAILS(SF_ERR_INVALID, sf_reader_open("db", url, options, &at_checkpoint));
    CHECK(at_checkpoint == NULL);
    OK(sf_db_close(db));
}

void test_reader_misuse(void) {
    char url[8300];
    store_url(url, sizeof url, "reader-misuse");
    sf_reader_t *reader = (sf_reader_t *)1, *forged = (sf_reader_t *)(uintptr_t)0x0000000b00000002ull;
    sf_iterator_t *it = (sf_iterator_t *)1;
    bool present = true;
    uint8_t *val = (uint8_t *)1;
    size_t len = 3;
    char id[SF_CHECKPOINT_ID_LEN] = "unchanged";

    /* checkpoint calls on bad database handles and with bad arguments */
    FAILS(SF_ERR_INVALID, sf_db_create_checkpoint(NULL, SF_CHECKPOINT_ALL, 0, NULL, id, NULL));
    CHECK(id[0] == 0);
    FAILS(SF_ERR_INVALID, sf_db_list_checkpoints(NULL, (char **)&val));
    FAILS(SF_ERR_INVALID, sf_db_delete_checkpoint(NULL, "00000000-0000-0000-0000-000000000000", NULL));
    FAILS(SF_ERR_INVALID, sf_db_refresh_checkpoint(NULL, "00000000-0000-0000-0000-000000000000", 0));
    FAILS(SF_ERR_INVALID, sf_db_ingest(NULL, NULL, 0, NULL));

    /* reader calls on NULL, forged and wrong-type handles */
    FAILS(SF_ERR_INVALID, sf_reader_get(NULL, K("k"), NULL, &present, &val, &len));
    CHECK(!present && val == NULL && len == 0);
    FAILS(SF_ERR_INVALID, sf_reader_get(forged, K("k"), NULL, &present, &val, &len));
    FAILS(SF_ERR_INVALID, sf_reader_scan(NULL, NULL, 0, NULL, 0, NULL, &it));
    CHECK(it == NULL);
    FAILS(SF_ERR_INVALID, sf_reader_refresh(forged));
    FAILS(SF_ERR_INVALID, sf_reader_close(NULL));
    FAILS(SF_ERR_INVALID, sf_reader_close(forged));

    /* bad open arguments; no database yet */
    FAILS(SF_ERR_INVALID, sf_reader_open("db", url, NULL, &reader));
    CHECK(reader == NULL);
    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, NULL, &db));
    OK(sf_db_put(db, K("k"), K("v"), 1, NULL));
    FAILS(SF_ERR_INVALID, sf_reader_open(NULL, url, NULL, &reader));
    FAILS(SF_ERR_INVALID, sf_reader_open("db", url, NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_reader_open("db", url, "{\"mode\": \"sideways\"}", &reader));
    FAILS(SF_ERR_INVALID, sf_reader_open("db", url, "{\"mode\": \"fixed_checkpoint\"}", &reader));
    FAILS(SF_ERR_INVALID, sf_reader_open("db", url, "{\"checkpoint_id\": \"not-a-uuid\"}", &reader));
    FAILS(SF_ERR_INVALID, sf_reader_open("db", url, "{\"checkpoint_id\": \"00000000-0000-0000-0000-000000000001\"}", &reader));
    FAILS(SF_ERR_INVALID, sf_reader_open("db", url, "{\"no_such_option\": true}", &reader));
    FAILS(SF_ERR_INVALID, sf_reader_open("db", url, "{\"manifest_poll_interval_ms\": 0}", &reader));
    FAILS(SF_ERR_INVALID, sf_reader_open("db", "ftp://nowhere", NULL, &reader));
    CHECK(reader == NULL);

    OK(sf_reader_open("db", url, "{\"mode\": \"follow_latest\"}", &reader));
    FAILS(SF_ERR_INVALID, sf_reader_get(reader, K("k"), NULL, NULL, &val, &len));
    FAILS(SF_ERR_INVALID, sf_reader_get(reader, K("k"), NULL, &present, NULL, &len));
    FAILS(SF_ERR_INVALID, sf_reader_get(reader, K("k"), NULL, &present, &val, NULL));
    FAILS(SF_ERR_INVALID, sf_reader_get(reader, NULL, 1, NULL, &present, &val, &len));
    FAILS(SF_ERR_INVALID, sf_reader_scan(reader, NULL, 0, NULL, 0, NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_reader_scan(reader, NULL, 2, NULL, 0, NULL, &it));
    FAILS(SF_ERR_INVALID, sf_reader_scan(reader, K("z"), K("a"), NULL, &it));
    FAILS(SF_ERR_INVALID, sf_db_put((sf_db_t *)reader, K("k"), K("v"), 0, NULL));
    FAILS(SF_ERR_INVALID, sf_db_close((sf_db_t *)reader));
    FAILS(SF_ERR_INVALID, sf_reader_close((sf_reader_t *)db));
    FAILS(SF_ERR_INVALID, sf_reader_get((sf_reader_t *)db, K("k"), NULL, &present, &val, &len));
    OK(sf_reader_get(reader, K("k"), NULL, &present, &val, &len));
    CHECK(present && len == 1);
    sf_bytes_free(val, len);
    OK(sf_reader_close(reader));

    /* checkpoint argument misuse on a live database */
    FAILS(SF_ERR_INVALID, sf_db_create_checkpoint(db, SF_CHECKPOINT_ALL, 0, NULL, NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_db_create_checkpoint(db, 7, 0, NULL, id, NULL));
    FAILS(SF_ERR_INVALID, sf_db_create_checkpoint(db, SF_CHECKPOINT_ALL, -1, NULL, id, NULL));
    FAILS(SF_ERR_INVALID, sf_db_list_checkpoints(db, NULL));
    FAILS(SF_ERR_INVALID, sf_db_delete_checkpoint(db, NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_db_delete_checkpoint(db, "nope", NULL));
    FAILS(SF_ERR_INVALID, sf_db_refresh_checkpoint(db, "{00000000-0000-0000-0000-000000000000}", 0));
    FAILS(SF_ERR_INVALID, sf_db_refresh_checkpoint(db, "00000000-0000-0000-0000-000000000000", 0)); /* missing */
    OK(sf_db_create_checkpoint(db, SF_CHECKPOINT_DURABLE, 0, NULL, id, NULL));
    FAILS(SF_ERR_INVALID, sf_db_refresh_checkpoint(db, id, -5));
    OK(sf_db_close(db));
    FAILS(SF_ERR_CLOSED, sf_db_create_checkpoint(db, SF_CHECKPOINT_ALL, 0, NULL, id, NULL));
    FAILS(SF_ERR_CLOSED, sf_db_list_checkpoints(db, (char **)&val));
    FAILS(SF_ERR_CLOSED, sf_db_delete_checkpoint(db, id, NULL));
    const char *paths[] = {"x.sst"};
    FAILS(SF_ERR_CLOSED, sf_db_ingest(db, paths, 1, NULL));
}

/* The object path ("<db>/compacted/<id>.sst") of the one SST under a local store's database. */
static bool find_sst(const char *store, const char *db, char *out, size_t size) {
    char dir[8300];
    snprintf(dir, sizeof dir, "%s/%s/%s/compacted", scratch, store, db);
    DIR *d = opendir(dir);
    if (d == NULL) return false;
    bool found = false;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n > 4 && strcmp(e->d_name + n - 4, ".sst") == 0) {
            snprintf(out, size, "%s/compacted/%s", db, e->d_name);
            found = true;
        }
    }
    closedir(d);
    return found;
}

void test_ingest(void) {
    char url[8300];
    store_url(url, sizeof url, "ingest");
    /* a staging database flushed to one SST provides the file to ingest */
    sf_db_t *staging = NULL;
    OK(sf_db_open("staging", url, NULL, &staging));
    OK(sf_db_put(staging, K("k1"), K("ingested"), 0, NULL));
    OK(sf_db_put(staging, K("k2"), K("ingested"), 0, NULL));
    OK(sf_db_flush_with_type(staging, SF_FLUSH_MEMTABLE));
    OK(sf_db_close(staging));
    char sst[600];
    CHECK(find_sst("ingest", "staging", sst, sizeof sst));

    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, NULL, &db));
    uint64_t before = 0, seq = 0;
    OK(sf_db_put(db, K("k1"), K("older"), 0, &before));
    const char *paths[] = {sst};
    OK(sf_db_ingest(db, paths, 1, &seq));
    CHECK(seq > before);
    CHECK(get_str(db, "k1", "ingested") && get_str(db, "k2", "ingested"));
    OK(sf_db_put(db, K("k2"), K("newer"), 0, NULL));
    CHECK(get_str(db, "k2", "newer"));

    /* bad arguments and files change nothing */
    seq = 9;
    FAILS(SF_ERR_INVALID, sf_db_ingest(db, NULL, 0, &seq)); /* no files */
    CHECK(seq == 0);
    FAILS(SF_ERR_INVALID, sf_db_ingest(db, NULL, 2, NULL));
    const char *with_null[] = {sst, NULL};
    FAILS(SF_ERR_INVALID, sf_db_ingest(db, with_null, 2, NULL));
    const char *twice[] = {sst, sst};
    FAILS(SF_ERR_INVALID, sf_db_ingest(db, twice, 2, NULL)); /* overlapping */
    char bogus[8400];
    snprintf(bogus, sizeof bogus, "%s/ingest/not-an-sst", scratch);
    FILE *f = fopen(bogus, "w");
    CHECK(f != NULL);
    if (f != NULL) {
        fputs("this is not an SST, not even close to one; it is long enough to have a footer", f);
        fclose(f);
    }
    const char *corrupt[] = {"not-an-sst"};
    FAILS(SF_ERR_DATA, sf_db_ingest(db, corrupt, 1, NULL));
    const char *missing[] = {"no/such.sst"};
    sf_result_t r = sf_db_ingest(db, missing, 1, NULL);
    CHECK(r.kind != SF_OK && r.message != NULL);
    sf_result_free(&r);
    CHECK(get_str(db, "k2", "newer"));
    OK(sf_db_close(db));
}
