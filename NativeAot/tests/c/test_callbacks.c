/* Merge operator, compaction filter and block transformer callbacks, compaction, garbage
 * collection and clones through the C ABI (part of test_slatefast). */
#include "test_support.h"

#include <stdlib.h>

/* Merge: the existing value, '+', the operand; asks for a bigger buffer when out is too small. */
static int merge_calls;
static int32_t plus_merge(void *user_data, const uint8_t *key, size_t key_len, int32_t has_existing,
                          const uint8_t *existing, size_t existing_len, const uint8_t *operand, size_t operand_len,
                          uint8_t *out, size_t out_cap, size_t *out_len) {
    (void)key;
    (void)key_len;
    __atomic_add_fetch((int *)user_data, 1, __ATOMIC_SEQ_CST);
    size_t need = has_existing ? existing_len + 1 + operand_len : operand_len;
    if (operand_len == 4 && memcmp(operand, "boom", 4) == 0) {
        const char *msg = "operand boom refused";
        size_t n = strlen(msg) < out_cap ? strlen(msg) : out_cap;
        memcpy(out, msg, n);
        *out_len = n;
        return SF_CALLBACK_ERROR_MESSAGE;
    }
    *out_len = need;
    if (need > out_cap) return SF_CALLBACK_BUFFER_TOO_SMALL;
    size_t at = 0;
    if (has_existing) {
        memcpy(out, existing, existing_len);
        out[existing_len] = '+';
        at = existing_len + 1;
    }
    memcpy(out + at, operand, operand_len);
    return SF_CALLBACK_OK;
}

/* Filter: drops "tmp/" keys, upper-cases values of "up/" keys, fails on key "bad". */
static int32_t filter(void *user_data, const sf_compaction_entry_t *e, int32_t *decision, uint8_t *out,
                      size_t out_cap, size_t *out_len) {
    __atomic_add_fetch((int *)user_data, 1, __ATOMIC_SEQ_CST);
    *decision = SF_COMPACTION_KEEP;
    if (e->key_len == 3 && memcmp(e->key, "bad", 3) == 0) return 42;
    if (e->key_len >= 4 && memcmp(e->key, "tmp/", 4) == 0) {
        *decision = SF_COMPACTION_DROP;
    } else if (e->key_len >= 3 && memcmp(e->key, "up/", 3) == 0 && e->kind == SF_ROW_VALUE) {
        *out_len = e->value_len;
        if (e->value_len > out_cap) return SF_CALLBACK_BUFFER_TOO_SMALL;
        for (size_t i = 0; i < e->value_len; i++) out[i] = (uint8_t)(e->value[i] >= 'a' && e->value[i] <= 'z' ? e->value[i] - 32 : e->value[i]);
        *decision = SF_COMPACTION_VALUE;
    }
    return SF_CALLBACK_OK;
}

/* Transformer: XOR with the key byte, plus the key byte as a trailer that decode checks. */
static int32_t xor_encode(void *user_data, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len) {
    uint8_t key = *(uint8_t *)user_data;
    *out_len = in_len + 1;
    if (in_len + 1 > out_cap) return SF_CALLBACK_BUFFER_TOO_SMALL;
    for (size_t i = 0; i < in_len; i++) out[i] = in[i] ^ key;
    out[in_len] = key;
    return SF_CALLBACK_OK;
}

static int32_t xor_decode(void *user_data, const uint8_t *in, size_t in_len, uint8_t *out, size_t out_cap, size_t *out_len) {
    uint8_t key = *(uint8_t *)user_data;
    if (in_len == 0 || in[in_len - 1] != key) return 7;
    *out_len = in_len - 1;
    if (in_len - 1 > out_cap) return SF_CALLBACK_BUFFER_TOO_SMALL;
    for (size_t i = 0; i + 1 < in_len; i++) out[i] = in[i] ^ key;
    return SF_CALLBACK_OK;
}

static bool message_has(sf_result_t r, int32_t kind, const char *needle) {
    bool ok = r.kind == kind && r.message != NULL && strstr(r.message, needle) != NULL;
    if (!ok) fprintf(stderr, "expected kind %d with \"%s\", got %d: %s\n", kind, needle, r.kind, r.message ? r.message : "(null)");
    sf_result_free(&r);
    return ok;
}

void test_callbacks(void) {
    char url[8300];
    store_url(url, sizeof url, "callbacks");
    static uint8_t xor_key = 0x5A;
    int filter_calls = 0;
    sf_callbacks_t callbacks = {0};
    callbacks.merge_operator_name = "plus";
    callbacks.merge = plus_merge;
    callbacks.merge_user_data = &merge_calls;
    callbacks.compaction_filter = filter;
    callbacks.compaction_filter_user_data = &filter_calls;
    callbacks.block_encode = xor_encode;
    callbacks.block_decode = xor_decode;
    callbacks.block_transformer_user_data = &xor_key;

    sf_db_t *db = NULL;
    OK(sf_db_open_with_callbacks("db", url, NULL, &callbacks, &db));
    sf_write_options_t durable = SF_WRITE_OPTIONS_DEFAULT;
    OK(sf_db_put(db, K("m"), K("a"), 0, NULL));
    /* longer than the engine's first buffer guess: the callback asks for more */
    char long_operand[300];
    memset(long_operand, 'z', sizeof long_operand - 1);
    long_operand[sizeof long_operand - 1] = 0;
    OK(sf_db_merge(db, K("m"), K(long_operand), NULL, &durable, NULL));
    OK(sf_db_merge(db, K("m"), K("c"), NULL, &durable, NULL));
    char expected[400];
    snprintf(expected, sizeof expected, "a+%s+c", long_operand);
    CHECK(get_str(db, "m", expected));
    CHECK(merge_calls > 0);
    OK(sf_db_merge(db, K("boom-key"), K("boom"), NULL, &durable, NULL));
    bool present = false;
    uint8_t *val = NULL;
    size_t len = 0;
    CHECK(message_has(sf_db_get(db, K("boom-key"), &present, &val, &len), SF_ERR_INVALID, "operand boom refused"));

    OK(sf_db_put(db, K("tmp/1"), K("x"), 1, NULL));
    OK(sf_db_put(db, K("up/1"), K("shout"), 1, NULL));
    OK(sf_db_put(db, K("keep"), K("same"), 1, NULL));
    /* longer than the filter's first buffer: it asks for more */
    char long_value[600];
    memset(long_value, 'q', sizeof long_value - 1);
    long_value[sizeof long_value - 1] = 0;
    OK(sf_db_put(db, K("up/2"), K(long_value), 1, NULL));
    OK(sf_db_delete(db, K("boom-key"), 1));
    OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE));
    OK(sf_db_compact(db));
    CHECK(filter_calls > 0);
    CHECK(get_str(db, "tmp/1", NULL));
    CHECK(get_str(db, "up/1", "SHOUT"));
    CHECK(get_str(db, "keep", "same"));
    CHECK(get_str(db, "m", expected));
    char long_upper[600];
    memset(long_upper, 'Q', sizeof long_upper - 1);
    long_upper[sizeof long_upper - 1] = 0;
    CHECK(get_str(db, "up/2", long_upper));

    /* a filter error code fails the compaction, naming the callback; the data stays */
    OK(sf_db_put(db, K("bad"), K("v"), 1, NULL));
    OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE));
    CHECK(message_has(sf_db_compact(db), SF_ERR_INVALID, "compaction filter callback returned error code 42"));
    CHECK(get_str(db, "bad", "v"));
    OK(sf_db_put(db, K("wal"), K("only"), 1, NULL));
    OK(sf_db_close(db));

    /* reopened with the transformer: WAL replay and SSTs decode */
    sf_callbacks_t transformer_only = {0};
    transformer_only.block_encode = xor_encode;
    transformer_only.block_decode = xor_decode;
    transformer_only.block_transformer_user_data = &xor_key;
    transformer_only.merge = plus_merge;
    transformer_only.merge_user_data = &merge_calls;
    OK(sf_db_open_with_callbacks("db", url, NULL, &transformer_only, &db));
    CHECK(get_str(db, "wal", "only"));
    CHECK(get_str(db, "up/1", "SHOUT"));
    OK(sf_db_close(db));

    /* a reader takes the merge operator and transformer too; a compaction filter is misuse */
    sf_reader_t *reader = NULL;
    OK(sf_reader_open_with_callbacks("db", url, NULL, &transformer_only, &reader));
    bool found = false;
    uint8_t *value = NULL;
    size_t value_len = 0;
    OK(sf_reader_get(reader, K("m"), NULL, &found, &value, &value_len));
    CHECK(found && value_len == strlen(expected) && memcmp(value, expected, value_len) == 0);
    sf_bytes_free(value, value_len);
    OK(sf_reader_close(reader));
    reader = NULL;
    FAILS(SF_ERR_INVALID, sf_reader_open_with_callbacks("db", url, NULL, &callbacks, &reader));
    CHECK(reader == NULL);

    /* without it: SF_ERR_DATA, never garbage */
    db = NULL;
    FAILS(SF_ERR_DATA, sf_db_open("db", url, NULL, &db));
    CHECK(db == NULL);

    /* half a transformer, or a named and a C merge operator at once, are misuse */
    sf_callbacks_t half = {0};
    half.block_encode = xor_encode;
    FAILS(SF_ERR_INVALID, sf_db_open_with_callbacks("db2", url, NULL, &half, &db));
    sf_callbacks_t merge_only = {0};
    merge_only.merge = plus_merge;
    merge_only.merge_user_data = &merge_calls;
    FAILS(SF_ERR_INVALID, sf_db_open_with_callbacks("db2", url, "{\"merge_operator\": \"concat\"}", &merge_only, &db));
}

void test_gc_and_clone(void) {
    char url[8300];
    store_url(url, sizeof url, "gc-clone");
    sf_db_t *db = NULL;
    OK(sf_db_open("parent", url, NULL, &db));
    OK(sf_db_put(db, K("a"), K("1"), 1, NULL));
    OK(sf_db_flush_with_type(db, SF_FLUSH_MEMTABLE));
    OK(sf_db_close(db));

    bool created = false;
    OK(sf_admin_create_clone("child", url, "parent", NULL, &created));
    CHECK(created);
    OK(sf_admin_create_clone("child", url, "parent", NULL, &created));
    CHECK(!created);
    OK(sf_db_open("child", url, NULL, &db));
    CHECK(get_str(db, "a", "1"));
    OK(sf_db_close(db));

    uint64_t removed = 99;
    OK(sf_admin_collect_garbage("parent", url, 1, &removed));
    CHECK(removed != 99);
    OK(sf_admin_collect_garbage("parent", url, 0, NULL));
    FAILS(SF_ERR_INVALID, sf_admin_create_clone("child2", url, NULL, NULL, NULL));
    FAILS(SF_ERR_INVALID, sf_admin_create_clone("child2", url, "parent", "not-an-id", NULL));
}
