/* Segments through the C ABI (part of test_slatefast). */
#define _GNU_SOURCE
#include "test_support.h"

void test_segments(void) {
    char url[8300];
    store_url(url, sizeof url, "segments");
    sf_db_t *db = NULL;
    OK(sf_db_open("db", url, "{\"segment_extractor\": \"delimiter:/\"}", &db));
    OK(sf_db_put(db, K("t1/a"), K("1"), 1, NULL));
    OK(sf_db_put(db, K("t2/a"), K("2"), 1, NULL));

    /* a key without the delimiter belongs to no segment */
    FAILS(SF_ERR_INVALID, sf_db_put(db, K("nodelimiter"), K("x"), 1, NULL));

    char *json = NULL;
    OK(sf_db_list_segments(db, &json));
    CHECK(json != NULL && strcmp(json, "[\"74312F\",\"74322F\"]") == 0);
    sf_string_free(json);

    bool dropped = false;
    OK(sf_db_drop_segment(db, K("t1/"), &dropped));
    CHECK(dropped);
    CHECK(get_str(db, "t1/a", NULL));
    CHECK(get_str(db, "t2/a", "2"));
    OK(sf_db_drop_segment(db, K("t9/"), &dropped));
    CHECK(!dropped);
    OK(sf_db_close(db));

    /* opening a segmented database without its extractor is refused */
    FAILS(SF_ERR_INVALID, sf_db_open("db", url, NULL, &db));
}
