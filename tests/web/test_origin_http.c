/* Origins over HTTP with a real `vcm serve` on a slice of the demo (SQLite,
 * or PostgreSQL with VCM_TEST_PG): origin= on browse, search and the API
 * select the same objects; the facets count them; a bad origin is a 400
 * in the API and a note on a page; the object page, its JSON and the home
 * page show where objects come from. */
#include "testutil.h"

#include <jansson.h>

static char *dir;
static char db[1024];
static struct vt_server srv;

static json_t *get_json(const char *path, long want)
{
    struct vt_resp r = vt_get(&srv, path);
    if (r.status != want)
        fail_msg("%s: status %ld, wanted %ld: %.300s", path, r.status, want, r.body ? r.body : "");
    json_error_t e;
    json_t *j = json_loadb(r.body, r.len, 0, &e);
    if (!j)
        fail_msg("%s: not JSON: %s", path, e.text);
    vt_resp_free(&r);
    return j;
}

static void wait_ready(void)
{
    for (int i = 0; i < 1200; i++) {
        struct vt_resp r = vt_get(&srv, "/api/v1/search?q=a&limit=1&facets=none");
        long st = r.status;
        vt_resp_free(&r);
        if (st == 200)
            return;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    fail_msg("search was not ready within 120 s");
}

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    vt_demo_slice(db, sizeof db, dir, "part", 3000);
    vt_server_start(&srv, db);
    wait_ready();
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&srv), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static int64_t total(const char *path)
{
    json_t *j = get_json(path, 200);
    int64_t t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* The count of value in an API facet list. */
static int64_t facet_count(json_t *list, const char *value)
{
    size_t i;
    json_t *it;
    json_array_foreach(list, i, it)
        if (strcmp(json_string_value(json_object_get(it, "value")), value) == 0)
            return json_integer_value(json_object_get(it, "count"));
    return 0;
}

static void test_browse_search_api_agree(void **state)
{
    (void)state;
    json_t *all = get_json("/api/v1/search?limit=1", 200);
    json_t *facets = json_object_get(all, "facets");
    json_t *regions = json_object_get(facets, "origin");
    json_t *countries = json_object_get(facets, "origin_country");
    assert_true(json_array_size(regions) >= 3);
    int64_t east = facet_count(regions, "east-asia"), south = facet_count(regions, "south-asia");
    int64_t cn = facet_count(countries, "CN"), jp = facet_count(countries, "JP");
    assert_true(east > 0 && south > 0 && cn > 0 && jp > 0);
    assert_true(east >= cn + jp);
    static const struct {
        const char *origin;
        int64_t *want;
    } cases[] = {{"east-asia", NULL}, {"south-asia", NULL}, {"CN", NULL}, {"JP,IN", NULL},
                 {"southeast-asia,west-asia", NULL}, {"central-asia", NULL}, {"europe", NULL}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char p[256];
        snprintf(p, sizeof p, "/api/v1/objects?origin=%s&limit=1", cases[i].origin);
        int64_t store = total(p);
        snprintf(p, sizeof p, "/api/v1/search?origin=%s&limit=1&facets=none", cases[i].origin);
        int64_t search = total(p);
        if (store != search)
            fail_msg("origin=%s: the store lists %lld, the search %lld", cases[i].origin,
                     (long long)store, (long long)search);
        if (strcmp(cases[i].origin, "east-asia") == 0)
            assert_int_equal(store, east);
        if (strcmp(cases[i].origin, "south-asia") == 0)
            assert_int_equal(store, south);
        if (strcmp(cases[i].origin, "CN") == 0)
            assert_int_equal(store, cn);
    }
    json_decref(all);
    /* with a query: the search's origin filter narrows its hits */
    int64_t q = total("/api/v1/search?q=bowl&limit=1&facets=none");
    int64_t qcn = total("/api/v1/search?q=bowl&origin=CN&limit=1&facets=none");
    assert_true(qcn > 0 && qcn < q);
    /* country= still means the museum's country, not the origin */
    assert_int_equal(total("/api/v1/objects?country=CN&limit=1"), 0);
    int64_t us = total("/api/v1/objects?country=US&origin=CN&limit=1");
    int64_t tw = total("/api/v1/objects?country=TW&origin=CN&limit=1");
    assert_true(us > 0 && tw > 0); /* jades of Xinjiang in Taipei */
    assert_int_equal(us + tw, cn);
}

static void test_bad_origin(void **state)
{
    (void)state;
    json_t *j = get_json("/api/v1/objects?origin=asia", 400);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(j, "invalid-params"), 0), "name")),
                        "origin");
    json_decref(j);
    j = get_json("/api/v1/search?origin=CN,JP,KR,IN,TH", 400);
    json_decref(j);
    /* a page leaves it out with a note, and shows the rest */
    struct vt_resp r = vt_get(&srv, "/browse?origin=nowhere");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "origin must be");
    vt_resp_free(&r);
}

static void test_pages(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&srv, "/browse");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<h2>Origin</h2>");
    assert_contains(r.body, "href=\"/browse?origin=east-asia\"");
    assert_contains(r.body, ">East Asia</a>");
    assert_contains(r.body, ">South Asia</a>");
    vt_resp_free(&r);
    r = vt_get(&srv, "/browse?origin=south-asia");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "aria-current=\"true\" class=\"on\">South Asia</a>");
    vt_resp_free(&r);
    r = vt_get(&srv, "/search?q=bowl");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, ">East Asia</a>");
    assert_contains(r.body, "origin=CN");
    vt_resp_free(&r);
    r = vt_get(&srv, "/");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "href=\"/browse?origin=JP\">Japan</a>");
    assert_contains(r.body, "href=\"/browse?origin=east-asia\">East Asia</a>");
    vt_resp_free(&r);

    /* an object from Korea held in the United States */
    json_t *list = get_json("/api/v1/objects?origin=KR&limit=1", 200);
    json_t *o = json_array_get(json_object_get(list, "items"), 0);
    assert_non_null(o);
    json_t *g = json_object_get(o, "origin");
    assert_string_equal(json_string_value(json_object_get(g, "country")), "KR");
    assert_string_equal(json_string_value(json_object_get(g, "country_label")), "Korea");
    assert_string_equal(json_string_value(json_object_get(g, "region")), "east-asia");
    assert_non_null(json_string_value(json_object_get(g, "rule")));
    assert_string_equal(json_string_value(json_object_get(o, "country")), "US");
    char path[64];
    snprintf(path, sizeof path, "/objects/%lld",
             (long long)json_integer_value(json_object_get(o, "id")));
    json_decref(list);
    r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<p class=\"origin\">From <a href=\"");
    assert_contains(r.body, "/browse?origin=KR\">Korea</a> (East Asia)");
    vt_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_browse_search_api_agree),
        cmocka_unit_test(test_bad_origin),
        cmocka_unit_test(test_pages),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
