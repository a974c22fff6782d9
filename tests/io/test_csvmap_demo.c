/* The mappings of mappings/ over the museums' own exports in
 * ../shared/data/raw/: every record of ../shared/data/collection.jsonl is
 * made again from its raw row, field for field, without a server or a
 * store (the records are compared as the mapping makes them, before the
 * importer's cleaning).
 *
 * Tolerated: nothing. Every field of every one of the 42,231 records
 * equals the one of collection.jsonl for the same (museum, source_id); the
 * raw files hold more rows than the demo kept (the Met's 36,567 and Mia's
 * 20,344 for 20,000 and 14,000), and those extra records are counted, not
 * compared. */
#include "testutil.h"

#include <jansson.h>

#include "io/csvmap.h"

VT_DEMO_SIZED;

/* collection.jsonl in memory, and "museum\tsource_id" → offset of its line */
static char *coll;
static size_t coll_len;
static json_t *index_;

static int group_setup(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/collection.jsonl", vt_data());
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    coll_len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    coll = malloc(coll_len + 1);
    if (!coll || fread(coll, 1, coll_len, f) != coll_len)
        return -1;
    fclose(f);
    coll[coll_len] = '\0';
    index_ = json_object();
    for (size_t off = 0; off < coll_len;) {
        char *nl = memchr(coll + off, '\n', coll_len - off);
        size_t end = nl ? (size_t)(nl - coll) : coll_len;
        json_error_t je;
        json_t *r = json_loadb(coll + off, end - off, 0, &je);
        if (!r)
            return -1;
        char key[2048];
        snprintf(key, sizeof key, "%s\t%s", json_string_value(json_object_get(r, "source_museum")),
                 json_string_value(json_object_get(r, "source_id")));
        json_object_set_new(index_, key, json_integer((json_int_t)off));
        json_decref(r);
        off = end + 1;
    }
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    json_decref(index_);
    free(coll);
    return 0;
}

static json_t *collection_record(const char *museum, const char *sid)
{
    char key[2048];
    snprintf(key, sizeof key, "%s\t%s", museum, sid);
    json_t *o = json_object_get(index_, key);
    if (!o)
        return NULL;
    size_t off = (size_t)json_integer_value(o);
    char *nl = strchr(coll + off, '\n');
    json_error_t je;
    return json_loadb(coll + off, nl ? (size_t)(nl - coll) - off : strlen(coll + off), 0, &je);
}

struct cmp {
    const char *museum;
    json_t *matched;     /* keys seen, so that a record made twice is caught */
    long compared, extra, differ;
};

static bool same(json_t *a, json_t *b)
{
    /* a field the mapping leaves out is "" or null, as collection.jsonl writes it */
    if (!a)
        return !b || json_is_null(b) || (json_is_string(b) && !*json_string_value(b));
    if (!b)
        return same(b, a);
    return json_equal(a, b);
}

static int compare(void *ud, const char *file, size_t line, json_t *rec)
{
    struct cmp *c = ud;
    const char *museum = json_string_value(json_object_get(rec, "source_museum"));
    const char *sid = json_string_value(json_object_get(rec, "source_id"));
    if (!museum || strcmp(museum, c->museum) != 0)
        fail_msg("%s:%zu: museum '%s', expected '%s'", file, line, museum, c->museum);
    json_t *want = collection_record(museum, sid);
    if (!want) {
        c->extra++;
        return 0;
    }
    char key[2048];
    snprintf(key, sizeof key, "%s\t%s", museum, sid);
    if (json_object_get(c->matched, key))
        fail_msg("%s:%zu: source_id '%s' made twice", file, line, sid);
    json_object_set_new(c->matched, key, json_true());
    c->compared++;
    const char *k;
    json_t *v;
    json_t *keys = json_object();
    json_object_foreach(want, k, v) json_object_set(keys, k, json_true());
    json_object_foreach(rec, k, v) json_object_set(keys, k, json_true());
    json_object_foreach(keys, k, v) {
        json_t *got = json_object_get(rec, k), *exp = json_object_get(want, k);
        if (!same(got, exp)) {
            if (c->differ++ < 10 && json_is_string(got) && json_is_string(exp)) {
                /* where two long texts part */
                const char *g = json_string_value(got), *e = json_string_value(exp);
                size_t i = 0;
                while (g[i] && g[i] == e[i])
                    i++;
                size_t from = i > 30 ? i - 30 : 0;
                print_message("%s:%zu: %s differs at byte %zu: got \"%.60s\", expected \"%.60s\"\n",
                              file, line, k, i, g + from, e + from);
            } else if (c->differ < 10) {
                char *g = got ? json_dumps(got, JSON_ENCODE_ANY) : NULL;
                char *e = exp ? json_dumps(exp, JSON_ENCODE_ANY) : NULL;
                print_message("%s:%zu: %s: got %.300s, expected %.300s\n", file, line, k,
                              g ? g : "(none)", e ? e : "(none)");
                free(g);
                free(e);
            }
        }
    }
    json_decref(keys);
    json_decref(want);
    return 0;
}

static long in_collection(const char *museum)
{
    long n = 0;
    size_t ml = strlen(museum);
    const char *k;
    json_t *v;
    json_object_foreach(index_, k, v) if (strncmp(k, museum, ml) == 0 && k[ml] == '\t') n++;
    return n;
}

static void check(const char *museum, const char *raw, const char *mapping, long rows)
{
    char input[1024], err[1024];
    snprintf(input, sizeof input, "%s/raw/%s", vt_data(), raw);
    struct cmp c = {.museum = museum, .matched = json_object()};
    vcm_csvmap_stats st;
    int rc = vcm_csvmap_each(input, mapping, stderr, compare, &c, &st, err, sizeof err);
    if (rc < 0)
        fail_msg("%s", err);
    long want = in_collection(museum);
    print_message("%s: %lld rows, %ld compared, %ld not in the demo, %ld fields differ\n", museum,
                  (long long)st.rows, c.compared, c.extra, c.differ);
    assert_int_equal(st.rows, rows);
    assert_int_equal(st.rejected, 0);
    assert_int_equal(c.compared, want); /* every record of the demo made */
    assert_int_equal(c.differ, 0);
    json_decref(c.matched);
}

static void test_met(void **state)
{
    (void)state;
    check("The Metropolitan Museum of Art", "met/met_asian.csv", "mappings/met.json", 36567);
}

static void test_mia(void **state)
{
    (void)state;
    check("Minneapolis Institute of Art (Mia)", "mia/mia_asian.csv", "mappings/mia.json", 20344);
}

static void test_moma(void **state)
{
    (void)state;
    check("The Museum of Modern Art (MoMA)", "moma/moma_asian.csv", "mappings/moma.json", 3921);
}

static void test_cmoa(void **state)
{
    (void)state;
    check("Carnegie Museum of Art", "cmoa/cmoa_asian.csv", "mappings/cmoa.json", 3447);
}

static void test_tate(void **state)
{
    (void)state;
    check("Tate", "tate/artworks", "mappings/tate.json", 843);
}

static void test_npm_taipei(void **state)
{
    (void)state;
    check("National Palace Museum, Taipei", "npm_taipei/jades_meta.csv", "mappings/npm_taipei.json",
          20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_met),  cmocka_unit_test(test_mia),  cmocka_unit_test(test_moma),
        cmocka_unit_test(test_cmoa), cmocka_unit_test(test_tate), cmocka_unit_test(test_npm_taipei),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
