/* The site and the API, over real HTTP on loopback: the real `vcm serve`
 * on the demo collection, and on a small database of hostile records. */
#include "testutil.h"

#include <jansson.h>

#include "store/store.h"

VT_DEMO_SIZED;

static char *dir;
static char demo_db[1024];
static struct vt_server demo, evil;

/* The id of the demo object with this source id, through the API. */
static long find_id(const char *source_id)
{
    char path[200];
    snprintf(path, sizeof path, "/api/v1/objects?source_id=%s", source_id);
    struct vt_resp r = vt_get(&demo, path);
    assert_int_equal(r.status, 200);
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    json_t *items = json_object_get(j, "items");
    assert_int_equal(json_array_size(items), 1);
    long id = (long)json_integer_value(json_object_get(json_array_get(items, 0), "id"));
    json_decref(j);
    vt_resp_free(&r);
    return id;
}

static const char *hostile =
    "{\"source_museum\": \"<script>alert(1)</script> Museum\", \"source_country\": \"KR\","
    " \"source_id\": \"<script>alert(1)</script>\", \"title\": \"<script>alert(1)</script>\","
    " \"artist\": \"<script>alert(1)</script>\", \"date_text\": \"<script>alert(1)</script>\","
    " \"culture\": \"<script>alert(1)</script>\", \"classification\": \"<script>alert(1)</script>\","
    " \"medium\": \"<script>alert(1)</script>\", \"description\": \"</script><script>alert(1)</script>\","
    " \"credit_line\": \"\\\"><script>alert(1)</script>\", \"license\": \"<script>alert(1)</script>\","
    " \"source_url\": \"http://x.test/\\\"><script>alert(1)</script>\", \"date_start\": 1500,"
    " \"date_end\": 1600}\n";

static char evil_db[1024];

static int group_setup(void **state)
{
    (void)state;
    dir = vt_tmpdir();
    char path[700], db[1024];
    vt_demo_db(db, sizeof db, dir, "demo");
    snprintf(demo_db, sizeof demo_db, "%s", db);
    vt_server_start(&demo, db);

    snprintf(path, sizeof path, "%s/evil.jsonl", dir);
    vt_write_file(path, hostile);
    vt_db_url(evil_db, sizeof evil_db, dir, "evil");
    if (vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), evil_db, path) != 0)
        fail_msg("the hostile import failed");
    vt_server_start(&evil, evil_db);
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    assert_int_equal(vt_server_stop(&demo), 0);
    assert_int_equal(vt_server_stop(&evil), 0);
    vt_rmrf(dir);
    free(dir);
    return 0;
}

static void test_home_counts(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&demo, "/");
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "text/html; charset=utf-8");
    assert_contains(r.body, "<strong>42,231 records in the catalogues</strong>");
    assert_contains(r.body, "<strong>6 museums</strong>");
    assert_contains(r.body, "<strong>3 countries</strong>");
    assert_contains(r.body, "Masterpiece of the Day");
    assert_contains(r.body, "<html lang=\"en\" dir=\"ltr\">");
    /* deterministic per date: the same page twice */
    struct vt_resp r2 = vt_get(&demo, "/");
    assert_string_equal(r.body, r2.body);
    vt_resp_free(&r);
    vt_resp_free(&r2);
}

static void test_object_page_two_languages(void **state)
{
    (void)state;
    long id = find_id("35970");
    char path[64];
    snprintf(path, sizeof path, "/objects/%ld", id);
    struct vt_resp r = vt_get(&demo, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<span lang=\"zh-Hant\" dir=\"auto\" class=\"t\">"
                            "<small class=\"lang\" lang=\"en\" dir=\"ltr\">"
                            "Chinese (traditional characters) <span class=\"inferred\">· inferred "
                            "from the script</span></small>明 丁雲鵬 潯陽送客圖 軸</span>");
    assert_contains(r.body, "<span lang=\"en\" dir=\"auto\" class=\"t\">"
                            "<small class=\"lang\" lang=\"en\" dir=\"ltr\">"
                            "English <span class=\"inferred\">· inferred from the script</span>"
                            "</small>Song of the Lute</span>");
    assert_contains(r.body, "\"@type\":\"VisualArtwork\"");
    assert_contains(r.body, "<link rel=\"canonical\" href=\"http://127.0.0.1:");
    assert_contains(r.body, "The Metropolitan Museum of Art");
    assert_contains(r.body, "href=\"http://www.metmuseum.org/art/collection/search/35970\"");
    assert_contains(r.body, "Public Domain");
    assert_contains(r.body, "href=\"/countries/US\"");
    vt_resp_free(&r);

    /* the API returns the same data */
    snprintf(path, sizeof path, "/api/v1/objects/%ld", id);
    r = vt_get(&demo, path);
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "application/json");
    assert_contains(vt_header(&r, "Access-Control-Allow-Origin"), "*");
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    json_t *title = json_object_get(j, "title");
    assert_string_equal(json_string_value(json_object_get(title, "zh-Hant")),
                        "明 丁雲鵬 潯陽送客圖 軸");
    assert_string_equal(json_string_value(json_object_get(title, "en")), "Song of the Lute");
    assert_string_equal(json_string_value(json_object_get(j, "museum")),
                        "The Metropolitan Museum of Art");
    assert_int_equal(json_integer_value(json_object_get(j, "date_start")), 1585);
    json_decref(j);
    vt_resp_free(&r);
}

static void test_taipei_bilingual(void **state)
{
    (void)state;
    long id = find_id("%E5%8F%A4%E7%8E%890636"); /* 古玉0636 */
    char path[64];
    snprintf(path, sizeof path, "/objects/%ld", id);
    struct vt_resp r = vt_get(&demo, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "lang=\"zh-Hant\"");
    assert_contains(r.body, "青灰玉碗");
    /* the fuller English description, not the short one of the map */
    assert_contains(r.body, "the Fragrant Concubine.");
    assert_not_contains(r.body, "Note trans");
    assert_contains(r.body, "National Palace Museum, Taipei");
    vt_resp_free(&r);
}

static void test_browse_filters(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&demo, "/browse");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<strong>42,231 objects</strong>");
    assert_contains(r.body, "href=\"/browse?country=TW\"");
    assert_contains(r.body, "href=\"/browse?region=asia\"");
    assert_contains(r.body, "rel=\"next\" href=\"/browse?page=2\"");
    vt_resp_free(&r);

    r = vt_get(&demo, "/browse?country=TW");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<strong>20 objects</strong>");
    assert_contains(r.body, "aria-current=\"true\"");
    assert_contains(r.body, "class=\"chip\" href=\"/browse\"");
    vt_resp_free(&r);

    /* facet counts equal the API's totals for the same filter */
    r = vt_get(&demo, "/api/v1/objects?country=GB&limit=1");
    assert_contains(r.body, "\"total\":843");
    vt_resp_free(&r);
    r = vt_get(&demo, "/browse?region=europe");
    assert_contains(r.body, "<strong>843 objects</strong>");
    vt_resp_free(&r);
    r = vt_get(&demo, "/browse?century=-3&page=1");
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);

    /* a bad parameter on a page is left out with a note; the others apply */
    r = vt_get(&demo, "/browse?century=abc&country=GB");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<div role=\"status\"><ul class=\"notes\"><li>century must be a number");
    assert_contains(r.body, "<strong>843 objects</strong>");
    vt_resp_free(&r);
    r = vt_get(&demo, "/browse?page=99999");
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    r = vt_get(&demo, "/browse?country=%FF&sort=date");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "The parameter “country” has a malformed %-escape");
    assert_contains(r.body, "“sort” is not a parameter of this address");
    assert_contains(r.body, "<strong>42,231 objects</strong>");
    vt_resp_free(&r);
}

static void test_museum_country_region_pages(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&demo, "/museums");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Tate");
    assert_contains(r.body, "843 records in its catalogue");
    vt_resp_free(&r);
    r = vt_get(&demo, "/countries");
    assert_contains(r.body, "href=\"/countries/TW\"");
    assert_contains(r.body, "Taiwan");
    vt_resp_free(&r);
    r = vt_get(&demo, "/countries/tw");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "台灣");
    assert_contains(r.body, "National Palace Museum, Taipei");
    vt_resp_free(&r);
    r = vt_get(&demo, "/regions/europe");
    assert_contains(r.body, "United Kingdom");
    vt_resp_free(&r);
    r = vt_get(&demo, "/countries/KR");
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    r = vt_get(&demo, "/regions/mars");
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
}

static void test_errors(void **state)
{
    (void)state;
    const char *missing[] = {"/nope", "/objects/0", "/objects/abc", "/objects/99999999",
                             "/museums/424242", "/objects/1/../2", "/static/nothing.css"};
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++) {
        struct vt_resp r = vt_get(&demo, missing[i]);
        assert_int_equal(r.status, 404);
        assert_contains(r.body, "Page not found");
        assert_contains(r.body, "href=\"/browse\"");
        vt_resp_free(&r);
    }
    char url[200];
    snprintf(url, sizeof url, "%s/", demo.base);
    struct vt_resp r = vt_http("POST", url, "x=1", NULL);
    assert_int_equal(r.status, 405);
    assert_contains(vt_header(&r, "Allow"), "GET");
    vt_resp_free(&r);

    /* API errors are problem documents */
    r = vt_get(&demo, "/api/v1/objects/999999999");
    assert_int_equal(r.status, 404);
    assert_contains(vt_header(&r, "Content-Type"), "application/problem+json");
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    assert_int_equal(json_integer_value(json_object_get(j, "status")), 404);
    assert_non_null(json_object_get(j, "title"));
    assert_non_null(json_object_get(j, "detail"));
    json_decref(j);
    vt_resp_free(&r);
    r = vt_get(&demo, "/api/v1/objects?limit=5000");
    assert_int_equal(r.status, 400);
    assert_contains(r.body, "limit must be");
    vt_resp_free(&r);
    r = vt_get(&demo, "/api/v1/objects?cursor=nonsense");
    assert_int_equal(r.status, 400);
    vt_resp_free(&r);
    r = vt_get(&demo, "/api/v1/objects?region=atlantis");
    assert_int_equal(r.status, 400);
    vt_resp_free(&r);
}

/* Every parameter of the API, malformed, and filters the API does not take:
 * 400 with a problem document naming the parameter (they were once ignored:
 * /api/v1/objects?licence=open answered the whole collection, before the
 * object list took licence). */
static void test_api_bad_params(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        /* unknown filters */
        {"/api/v1/objects?sort=date", "sort"},
        {"/api/v1/objects?colour=blue", "colour"},
        {"/api/v1/museums?region=asia", "region"},
        {"/api/v1/countries?limit=3", "limit"},
        {"/api/v1/objects/1?fields=title", "fields"},
        {"/api/v1/museums/1?x=1", "x"},
        {"/api/v1/countries/TW?all=1", "all"},
        {"/api/v1/suggest?q=a&region=asia", "region"},
        {"/iiif/collection/top?museum=1", "museum"},
        /* each parameter of the object list, malformed */
        {"/api/v1/objects?region=atlantis", "region"},
        {"/api/v1/objects?country=Korea", "country"},
        {"/api/v1/objects?museum=x", "museum"},
        {"/api/v1/objects?classification=", "classification"}, /* + 300 bytes below */
        {"/api/v1/objects?century=0", "century"},
        {"/api/v1/objects?image=maybe", "image"},
        {"/api/v1/objects?licence=free", "licence"},
        {"/api/v1/objects?date=abc", "date"},
        {"/api/v1/objects?material=unobtainium", "material"},
        {"/api/v1/objects?source_id=", "source_id"}, /* + 300 bytes below */
        {"/api/v1/objects?limit=5000", "limit"},
        {"/api/v1/objects?cursor=nonsense", "cursor"},
        {"/api/v1/objects?lang=%3Cb%3E", "lang"},
        {"/api/v1/objects?region=asia&region=europe", "region"},
        {"/api/v1/objects?country=%FF", "country"},
        /* of the other lists and records */
        {"/api/v1/museums?country=K", "country"},
        {"/api/v1/countries?all=perhaps", "all"},
        {"/api/v1/objects/1?lang=1", "lang"},
        {"/iiif/collection/top?page=0", "page"},
        {"/iiif/collection/country/TW?page=x", "page"},
        /* of the search API and autocomplete */
        {"/api/v1/search?q=%FF", "q"},
        {"/api/v1/search?region=mars", "region"},
        {"/api/v1/search?country=Korea", "country"},
        {"/api/v1/search?museum=x", "museum"},
        {"/api/v1/search?classification=", "classification"}, /* + 300 bytes below */
        {"/api/v1/search?material=unobtainium", "material"},
        {"/api/v1/search?century=22", "century"},
        {"/api/v1/search?image=maybe", "image"},
        {"/api/v1/search?licence=free", "licence"},
        {"/api/v1/search?date=abc", "date"},
        {"/api/v1/search?sort=bogus", "sort"},
        {"/api/v1/search?expand=perhaps", "expand"},
        {"/api/v1/search?noexpand=a%20b", "noexpand"},
        {"/api/v1/search?facets=bogus", "facets"},
        {"/api/v1/search?cursor=zzz", "cursor"},
        {"/api/v1/search?offset=-1", "offset"},
        {"/api/v1/search?limit=101", "limit"},
        {"/api/v1/search?source_id=x", "source_id"},
        {"/api/v1/search?page=2", "page"},
        {"/api/v1/suggest?limit=51", "limit"},
        {"/api/v1/suggest?q=%FF", "q"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char path[1024];
        int n = snprintf(path, sizeof path, "%s", cases[i][0]);
        if (path[n - 1] == '=')
            memset(path + n, 'x', 300), path[n + 300] = '\0';
        struct vt_resp r = vt_get(&demo, path);
        if (r.status != 400)
            fail_msg("%s: status %ld, wanted 400", cases[i][0], r.status);
        assert_contains(vt_header(&r, "Content-Type"), "application/problem+json");
        json_t *j = json_loadb(r.body, r.len, 0, NULL);
        assert_non_null(j);
        assert_int_equal(json_integer_value(json_object_get(j, "status")), 400);
        const char *detail = json_string_value(json_object_get(j, "detail"));
        json_t *inv = json_array_get(json_object_get(j, "invalid-params"), 0);
        const char *name = json_string_value(json_object_get(inv, "name"));
        if (!name || strcmp(name, cases[i][1]) != 0 || !detail || !strstr(detail, cases[i][1]))
            fail_msg("%s: %s", cases[i][0], r.body);
        assert_non_null(json_string_value(json_object_get(inv, "reason")));
        json_decref(j);
        vt_resp_free(&r);
    }
    /* the good ones still answer */
    const char *good[] = {"/api/v1/objects?region=&lang=en&limit=2", "/api/v1/countries?all=1",
                          "/api/v1/museums?country=gb", "/iiif/collection/top?page=1",
                          "/api/v1/objects/1?lang=en"};
    for (size_t i = 0; i < sizeof good / sizeof *good; i++) {
        struct vt_resp r = vt_get(&demo, good[i]);
        if (r.status != 200 && !(r.status == 404 && strstr(good[i], "objects/1")))
            fail_msg("%s: status %ld", good[i], r.status);
        vt_resp_free(&r);
    }
}

/* Cursor pagination walks the whole collection: no 1,000-result cliff. */
static void test_api_cursor_walk(void **state)
{
    (void)state;
    char path[300] = "/api/v1/objects?limit=1000";
    int pages = 0;
    long total = 0, last = 0, count = 0;
    for (;;) {
        struct vt_resp r = vt_get(&demo, path);
        assert_int_equal(r.status, 200);
        json_t *j = json_loads(r.body, 0, NULL);
        assert_non_null(j);
        total = (long)json_integer_value(json_object_get(j, "total"));
        json_t *items = json_object_get(j, "items");
        size_t i;
        json_t *it;
        json_array_foreach(items, i, it) {
            long id = (long)json_integer_value(json_object_get(it, "id"));
            assert_true(id > last);
            last = id;
            count++;
        }
        json_t *cur = json_object_get(j, "next_cursor");
        pages++;
        if (json_is_string(cur)) {
            assert_non_null(vt_header(&r, "Link"));
            snprintf(path, sizeof path, "/api/v1/objects?limit=1000&cursor=%s",
                     json_string_value(cur));
        }
        bool more = json_is_string(cur);
        json_decref(j);
        vt_resp_free(&r);
        if (!more)
            break;
    }
    assert_int_equal(total, 42231);
    assert_int_equal(count, 42231);
    assert_int_equal(pages, 43);

    struct vt_resp r = vt_get(&demo, "/api/v1/museums");
    assert_contains(r.body, "\"total\":6");
    vt_resp_free(&r);
    r = vt_get(&demo, "/api/v1/countries");
    assert_contains(r.body, "\"total\":3");
    assert_contains(r.body, "\"code\":\"TW\"");
    vt_resp_free(&r);
    char url[200];
    snprintf(url, sizeof url, "%s/api/v1/objects", demo.base);
    r = vt_http("OPTIONS", url, NULL, "Origin: https://example.org");
    assert_int_equal(r.status, 204);
    assert_contains(vt_header(&r, "Access-Control-Allow-Methods"), "GET");
    vt_resp_free(&r);
}

/* ---- the store's filters, counted directly ---- */

/* What a filter needs of a stored object. */
struct rec {
    int64_t id;
    bool published, image, open;
    char country[3];
    int32_t ds, de;
};

/* Every object of the demo, read straight from its store. */
static struct rec *read_recs(size_t *n)
{
    char err[600];
    vcm_store *s = vcm_store_open(demo_db, err, sizeof err);
    if (!s)
        fail_msg("open: %s", err);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    struct rec *recs = NULL;
    *n = 0;
    vcm_filter walk = {.any_status = true, .limit = 1000};
    for (;;) {
        vcm_object *list;
        size_t got;
        vcm_arena_reset(&a);
        assert_int_equal(s->ops->object_list(s, &a, &walk, &list, &got), 0);
        recs = realloc(recs, (*n + got + 1) * sizeof *recs);
        assert_non_null(recs);
        for (size_t i = 0; i < got; i++) {
            const vcm_object *o = &list[i];
            const char *r = o->rights;
            struct rec *e = &recs[(*n)++];
            e->id = o->id;
            e->published = o->status == VCM_PUBLISHED;
            e->image = o->nmedia > 0;
            /* public domain, CC0, CC BY, CC BY-SA, as the site documents */
            e->open = r && (strstr(r, "/publicdomain/") || strstr(r, "/licenses/by/") ||
                            strstr(r, "/licenses/by-sa/"));
            memcpy(e->country, o->country, 3);
            e->ds = o->date_start;
            e->de = o->date_end == VCM_NO_YEAR ? o->date_start : o->date_end;
        }
        if (got < 1000)
            break;
        walk.after_id = list[got - 1].id;
    }
    vcm_arena_release(&a);
    vcm_store_close(s);
    return recs;
}

struct fcase {
    const char *query;
    int image, open;  /* -1 any, else 0/1 */
    bool has_date;
    int32_t from, to;
    const char *country;
    bool sets;        /* compare the id sets of the two APIs, not only counts */
};

static bool case_selects(const struct fcase *c, const struct rec *e)
{
    return e->published && (c->image < 0 || e->image == c->image) &&
           (c->open < 0 || e->open == c->open) &&
           (!c->has_date ||
            (e->ds != VCM_NO_YEAR && e->ds <= c->to && e->de >= c->from)) &&
           (!c->country || strcmp(e->country, c->country) == 0);
}

static json_t *get_ok(const char *path)
{
    struct vt_resp r = vt_get(&demo, path);
    if (r.status != 200)
        fail_msg("%s: status %ld", path, r.status);
    json_t *j = json_loadb(r.body, r.len, 0, NULL);
    assert_non_null(j);
    vt_resp_free(&r);
    return j;
}

/* The ids a listing answers, page after page by its "next" URL; sorted. */
static int64_t *walk_ids(const char *first, const char *items, const char *next, size_t *n)
{
    char path[2048];
    snprintf(path, sizeof path, "%s", first);
    int64_t *ids = NULL;
    *n = 0;
    for (int pages = 0;; pages++) {
        assert_true(pages < 500);
        json_t *j = get_ok(path);
        json_t *arr = json_object_get(j, items), *it;
        size_t i;
        ids = realloc(ids, (*n + json_array_size(arr) + 1) * sizeof *ids);
        assert_non_null(ids);
        json_array_foreach(arr, i, it)
            ids[(*n)++] = json_integer_value(json_object_get(it, "id"));
        const char *url = json_string_value(json_object_get(j, next));
        bool more = url && json_array_size(arr);
        if (more) {
            assert_true(strncmp(url, demo.base, strlen(demo.base)) == 0);
            snprintf(path, sizeof path, "%s", url + strlen(demo.base));
        }
        json_decref(j);
        if (!more)
            break;
    }
    for (size_t i = 1; i < *n; i++) /* insertion sort: a few thousand at most */
        for (size_t k = i; k > 0 && ids[k - 1] > ids[k]; k--) {
            int64_t t = ids[k];
            ids[k] = ids[k - 1];
            ids[k - 1] = t;
        }
    return ids;
}

/* "42,231" as the pages write counts. */
static void grouped(int64_t v, char *out, size_t size)
{
    char d[32];
    int n = snprintf(d, sizeof d, "%lld", (long long)v), k = 0;
    for (int i = 0; i < n && (size_t)k + 2 < size; i++) {
        if (i && (n - i) % 3 == 0)
            out[k++] = ',';
        out[k++] = d[i];
    }
    out[k] = '\0';
}

/* Image, licence and years on /browse, /api/v1/objects and /api/v1/search
 * (no q): each selects what a direct count over the store finds, and the
 * two APIs the same objects. */
static void test_store_filters_counted(void **state)
{
    (void)state;
    /* the search answers once it has built its index */
    for (int i = 0; i < 1200; i++) {
        struct vt_resp r = vt_get(&demo, "/api/v1/search?limit=1&facets=none");
        long st = r.status;
        vt_resp_free(&r);
        if (st == 200)
            break;
        assert_int_equal(st, 503);
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    /* the demo has no images: give some objects one, as `vcm media add`
     * would, and wait for the search to follow */
    char err[600];
    vcm_store *st = vcm_store_open(demo_db, err, sizeof err);
    if (!st)
        fail_msg("open: %s", err);
    vcm_arena a;
    vcm_arena_init(&a, 0);
    vcm_filter every = {.limit = 1000};
    int64_t with = 0;
    assert_int_equal(vcm_store_begin(st), 0);
    for (int page = 0;; page++) {
        vcm_object *list;
        size_t got;
        vcm_arena_reset(&a);
        assert_int_equal(st->ops->object_list(st, &a, &every, &list, &got), 0);
        for (size_t i = 0; i < got; i++)
            if (list[i].id % 97 == 3 && !list[i].nmedia) {
                char ident[32];
                snprintf(ident, sizeof ident, "filter-%lld", (long long)list[i].id);
                vcm_media m = {.identifier = ident, .file = "f.tif", .format = "tiff",
                               .width = 10, .height = 10};
                assert_int_equal(st->ops->media_add(st, list[i].id, &m), 0);
                with++;
            }
        if (got < 1000)
            break;
        every.after_id = list[got - 1].id;
    }
    assert_int_equal(vcm_store_commit(st), 0);
    vcm_arena_release(&a);
    vcm_store_close(st);
    assert_true(with > 100);
    for (int i = 0;; i++) {
        assert_true(i < 600);
        json_t *j = get_ok("/api/v1/search?image=yes&limit=1&facets=none");
        int64_t t = json_integer_value(json_object_get(j, "total"));
        json_decref(j);
        if (t == with)
            break;
        struct timespec ts = {0, 100 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    size_t nrecs;
    struct rec *recs = read_recs(&nrecs);
    assert_int_equal(nrecs, 42231);
    static const struct fcase cases[] = {
        {"image=yes", 1, -1, false, 0, 0, NULL, true},
        {"image=no", 0, -1, false, 0, 0, NULL, false},
        {"licence=open", -1, 1, false, 0, 0, NULL, false},
        {"licence=other", -1, 0, false, 0, 0, NULL, false},
        {"date=1600..1700", -1, -1, true, 1600, 1700, NULL, false},
        {"date=1585", -1, -1, true, 1585, 1585, NULL, true},
        {"date=-500..-200", -1, -1, true, -500, -200, NULL, true},
        {"date=..-1000", -1, -1, true, -100000, -1000, NULL, true},
        {"licence=other&date=1700..1710", -1, 0, true, 1700, 1710, NULL, true},
        {"country=TW&image=no&licence=other", 0, 0, false, 0, 0, "TW", true},
        {"country=US&image=no&licence=open&date=1400..1450", 0, 1, true, 1400, 1450, "US", true},
        {"country=GB&date=1850..1860&licence=other", -1, 0, true, 1850, 1860, "GB", true},
    };
    for (size_t c = 0; c < sizeof cases / sizeof *cases; c++) {
        const struct fcase *fc = &cases[c];
        int64_t direct = 0;
        for (size_t i = 0; i < nrecs; i++)
            direct += case_selects(fc, &recs[i]);
        if (direct == 0 || direct == 42231)
            fail_msg("%s: selects %lld of the demo: choose a filter that narrows",
                     fc->query, (long long)direct);
        char path[600], want[256], num[32];
        snprintf(path, sizeof path, "/api/v1/objects?%s&limit=1", fc->query);
        json_t *j = get_ok(path);
        if (json_integer_value(json_object_get(j, "total")) != direct)
            fail_msg("%s: objects API total %lld, direct %lld", fc->query,
                     (long long)json_integer_value(json_object_get(j, "total")),
                     (long long)direct);
        json_decref(j);
        snprintf(path, sizeof path, "/api/v1/search?%s&limit=1&facets=none", fc->query);
        j = get_ok(path);
        if (json_integer_value(json_object_get(j, "total")) != direct)
            fail_msg("%s: search API total %lld, direct %lld", fc->query,
                     (long long)json_integer_value(json_object_get(j, "total")),
                     (long long)direct);
        json_decref(j);
        snprintf(path, sizeof path, "/browse?%s", fc->query);
        struct vt_resp r = vt_get(&demo, path);
        assert_int_equal(r.status, 200);
        grouped(direct, num, sizeof num);
        snprintf(want, sizeof want, "<strong>%s %s</strong>", num, direct == 1 ? "object" : "objects");
        if (!strstr(r.body, want))
            fail_msg("%s: the browse page does not say %s", fc->query, want);
        assert_null(strstr(r.body, "is not a parameter of this address"));
        vt_resp_free(&r);
        /* the unfiltered page offers image and licence with these counts */
        if (strchr(fc->query, '&') == NULL && strncmp(fc->query, "date=", 5) != 0) {
            r = vt_get(&demo, "/browse");
            snprintf(want, sizeof want, "<a href=\"/browse?%s\">%s</a> <span class=\"n\">%s</span>",
                     fc->query,
                     fc->image == 1 ? "with images" : fc->image == 0 ? "without images"
                     : fc->open == 1 ? "open licence" : "other rights", num);
            if (!strstr(r.body, want))
                fail_msg("/browse does not offer %s", want);
            vt_resp_free(&r);
        }
        if (!fc->sets)
            continue;
        size_t na, ns;
        snprintf(path, sizeof path, "/api/v1/objects?%s&limit=1000", fc->query);
        int64_t *ia = walk_ids(path, "items", "next", &na);
        snprintf(path, sizeof path, "/api/v1/search?%s&limit=100&facets=none", fc->query);
        int64_t *ib = walk_ids(path, "hits", "next_url", &ns);
        assert_int_equal(na, direct);
        assert_int_equal(ns, direct);
        size_t k = 0;
        for (size_t i = 0; i < nrecs; i++)
            if (case_selects(fc, &recs[i])) {
                if (ia[k] != recs[i].id || ib[k] != recs[i].id)
                    fail_msg("%s: object %lld: objects API %lld, search API %lld", fc->query,
                             (long long)recs[i].id, (long long)ia[k], (long long)ib[k]);
                k++;
            }
        free(ia);
        free(ib);
    }
    free(recs);
    /* a chip for each, with a link that removes it; the facets' links keep them */
    struct vt_resp r = vt_get(&demo, "/browse?image=no&licence=other&date=1600..1700");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Images: without images");
    assert_contains(r.body, "Licence: other rights");
    assert_contains(r.body, "Years: 1600..1700");
    assert_contains(r.body, "href=\"/browse?licence=other&amp;date=1600..1700\"");
    assert_contains(r.body, "href=\"/browse?image=no&amp;date=1600..1700\"");
    assert_contains(r.body, "href=\"/browse?image=no&amp;licence=other\"");
    assert_contains(r.body, "country=US&amp;image=no&amp;licence=other&amp;date=1600..1700\"");
    vt_resp_free(&r);
}

static void test_static_etag(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&demo, "/static/vcm.css");
    assert_int_equal(r.status, 200);
    assert_contains(vt_header(&r, "Content-Type"), "text/css");
    assert_contains(vt_header(&r, "Cache-Control"), "max-age=");
    const char *etag = vt_header(&r, "ETag");
    assert_non_null(etag);
    char inm[200];
    snprintf(inm, sizeof inm, "If-None-Match: %.*s", (int)strcspn(etag, "\r\n"), etag);
    char url[200];
    snprintf(url, sizeof url, "%s/static/vcm.css", demo.base);
    struct vt_resp r2 = vt_http("GET", url, NULL, inm);
    assert_int_equal(r2.status, 304);
    assert_int_equal(r2.len, 0);
    vt_resp_free(&r);
    vt_resp_free(&r2);
    r = vt_http("HEAD", url, NULL, NULL);
    assert_int_equal(r.status, 200);
    assert_int_equal(r.len, 0);
    vt_resp_free(&r);
}

/* Every page that shows the hostile record escapes it. */
static void test_escaping(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&evil, "/api/v1/objects");
    json_t *j = json_loads(r.body, 0, NULL);
    assert_non_null(j);
    json_t *first = json_array_get(json_object_get(j, "items"), 0);
    long id = (long)json_integer_value(json_object_get(first, "id"));
    long museum = (long)json_integer_value(json_object_get(first, "museum_id"));
    assert_true(id > 0);
    json_decref(j);
    vt_resp_free(&r);
    char paths[8][120];
    snprintf(paths[0], 120, "/");
    snprintf(paths[1], 120, "/browse");
    snprintf(paths[2], 120, "/objects/%ld", id);
    snprintf(paths[3], 120, "/museums/%ld", museum);
    snprintf(paths[4], 120, "/museums");
    snprintf(paths[5], 120, "/countries/KR");
    snprintf(paths[6], 120, "/browse?classification=%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E");
    snprintf(paths[7], 120, "/nope/%%3Cscript%%3Ealert(1)%%3C%%2Fscript%%3E");
    for (int i = 0; i < 8; i++) {
        r = vt_get(&evil, paths[i]);
        assert_true(r.status == 200 || r.status == 404);
        assert_not_contains(r.body, "<script>alert(1)");
        assert_not_contains(r.body, "\"><script>");
        if (i == 2) {
            assert_contains(r.body, "&lt;script&gt;alert(1)&lt;/script&gt;");
            assert_contains(r.body, "\\u003cscript\\u003ealert(1)");
        }
        vt_resp_free(&r);
    }
}

/* Cached pages and counts follow writes made by another process at once. */
static void test_pages_follow_writes(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&evil, "/");
    assert_contains(r.body, "<strong>1 record in the catalogues</strong>");
    vt_resp_free(&r);
    r = vt_get(&evil, "/browse?country=JP");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<strong>0 objects</strong>");
    vt_resp_free(&r);
    char path[700];
    snprintf(path, sizeof path, "%s/more.jsonl", dir);
    vt_write_file(path, "{\"source_museum\": \"Tokyo National Museum\", \"source_country\": \"JP\","
                        " \"source_id\": \"TNM-1\", \"title\": \"Pine Trees\"}\n");
    assert_int_equal(vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), evil_db, path), 0);
    r = vt_get(&evil, "/");
    assert_contains(r.body, "<strong>2 records in the catalogues</strong>");
    assert_contains(r.body, "<strong>2 museums</strong>");
    vt_resp_free(&r);
    r = vt_get(&evil, "/browse?country=JP");
    assert_contains(r.body, "<strong>1 object</strong>");
    assert_contains(r.body, "Pine Trees");
    vt_resp_free(&r);
    /* an edit shows on the object page */
    vt_write_file(path, "{\"source_museum\": \"Tokyo National Museum\", \"source_country\": \"JP\","
                        " \"source_id\": \"TNM-1\", \"title\": \"Pine Trees (screens)\"}\n");
    r = vt_get(&evil, "/api/v1/objects?source_id=TNM-1");
    json_t *j = json_loads(r.body, 0, NULL);
    long id = (long)json_integer_value(json_object_get(json_array_get(json_object_get(j, "items"), 0), "id"));
    json_decref(j);
    vt_resp_free(&r);
    char page[64];
    snprintf(page, sizeof page, "/objects/%ld", id);
    r = vt_get(&evil, page);
    assert_contains(r.body, ">Pine Trees<");
    vt_resp_free(&r);
    assert_int_equal(vt_sh(NULL, "%s import --quiet --db '%s' %s", vt_bin(), evil_db, path), 0);
    r = vt_get(&evil, page);
    assert_contains(r.body, ">Pine Trees (screens)<");
    vt_resp_free(&r);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_ALL);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_home_counts),
        cmocka_unit_test(test_object_page_two_languages),
        cmocka_unit_test(test_taipei_bilingual),
        cmocka_unit_test(test_browse_filters),
        cmocka_unit_test(test_museum_country_region_pages),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_api_bad_params),
        cmocka_unit_test(test_api_cursor_walk),
        cmocka_unit_test(test_store_filters_counted),
        cmocka_unit_test(test_static_etag),
        cmocka_unit_test(test_escaping),
        cmocka_unit_test(test_pages_follow_writes),
    };
    int rc = cmocka_run_group_tests_name("web/site", tests, group_setup, group_teardown);
    curl_global_cleanup();
    return rc;
}
