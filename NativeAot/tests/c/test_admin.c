/* Administration through the C ABI (sf_admin_*), part of test_slatefast. */
#define _GNU_SOURCE
#include "test_support.h"

#include <stdlib.h>

static bool json_contains(char *json, const char *needle) {
    bool ok = json != NULL && strstr(json, needle) != NULL;
    if (!ok) fprintf(stderr, "expected %s in %s\n", needle, json ? json : "(null)");
    sf_string_free(json);
    return ok;
}

void test_admin(void) {
    char url[8300];
    store_url(url, sizeof url, "admin");
    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, NULL, &db));
    OK(sf_db_put(db, K("a"), K("1"), 1, NULL));
    OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE));
    /* the compactor claims its epoch in the background; compacting waits for that claim (a close
     * before it would cancel the claim half done, and the file would still show epoch 0) */
    OK(sf_db_compact(db));
    OK(sf_db_close(db));

    sf_admin_t *admin = NULL;
    OK(sf_admin_open("db", url, NULL, &admin));

    char *json = (char *)1;
    OK(sf_admin_list_manifests(admin, &json));
    CHECK(json_contains(json, "\"last_modified_s\":"));
    json = (char *)1;
    OK(sf_admin_read_manifest(admin, 0, &json));
    CHECK(json_contains(json, "\"sequence_tracker\":[{\"seq\":1,"));
    json = (char *)1;
    OK(sf_admin_read_manifest(admin, 1, &json));
    CHECK(json_contains(json, "\"id\":1,"));
    json = (char *)1;
    FAILS(SF_ERR_INVALID, sf_admin_read_manifest(admin, 999, &json));
    CHECK(json == NULL);

    /* the writer's own compactor claimed epoch 1 and recorded its compaction; a version that is
     * not there is NULL, no error */
    json = (char *)1;
    OK(sf_admin_read_compactions(admin, 0, &json));
    CHECK(strstr(json, "\"status\":\"completed\"") != NULL);
    CHECK(json_contains(json, "\"compactor_epoch\":1"));
    json = (char *)1;
    OK(sf_admin_read_compactions(admin, 99, &json));
    CHECK(json == NULL);

    /* the writer's L0 flush recorded a tracker sample of its first commit; nothing lies before it */
    bool present = false;
    int64_t ts = 7;
    OK(sf_admin_seq_to_ts(admin, 1, true, &present, &ts));
    CHECK(present && ts > 1700000000);
    uint64_t seq = 7;
    present = true;
    OK(sf_admin_ts_to_seq(admin, 1700000000, false, &present, &seq));
    CHECK(!present && seq == 0);
    OK(sf_admin_ts_to_seq(admin, ts, false, &present, &seq));
    CHECK(present && seq == 1);
    FAILS(SF_ERR_INVALID, sf_admin_seq_to_ts(admin, 1, false, NULL, &ts));

    /* written just now: refused unless forced; then gone, and a second deletion finds nothing */
    uint64_t deleted = 99;
    FAILS(SF_ERR_INVALID, sf_admin_delete_db(admin, false, &deleted));
    CHECK(deleted == 0);
    OK(sf_admin_delete_db(admin, true, &deleted));
    CHECK(deleted > 0);
    OK(sf_admin_delete_db(admin, false, &deleted));
    CHECK(deleted == 0);
    FAILS(SF_ERR_INVALID, sf_admin_list_manifests(admin, &json));
    OK(sf_admin_close(admin));
    FAILS(SF_ERR_INVALID, sf_admin_close(admin));

    FAILS(SF_ERR_INVALID, sf_admin_open(NULL, url, NULL, &admin));
    FAILS(SF_ERR_INVALID, sf_admin_open("db", url, NULL, NULL));
}
