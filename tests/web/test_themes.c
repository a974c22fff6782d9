/* Themes (docs/curation.md) with a real `vcm serve` on a slice of the demo,
 * on SQLite or PostgreSQL (VCM_TEST_PG): the definition's reader and
 * checks; the API's create, change and history, with who may write; the
 * theme filter on browse, the object list and the search, which agree;
 * the Silk Road rule of data/themes/ on the slice; the pages, the entity
 * pages and the timeline. */
#include "testutil.h"

#include <jansson.h>
#include <time.h>

#include "core/token.h"
#include "io/xml.h"
#include "model/theme.h"
#include "store/account.h"

static char *dir, db[1024];
static struct vt_server srv;
static char tok_editor[VCM_TOKEN_HEX], tok_contrib[VCM_TOKEN_HEX];
static int64_t editor_id, contrib_id;

static int64_t add_user(const char *email, const char *role, int64_t museum)
{
    char *out = NULL, m[32] = "";
    if (museum)
        snprintf(m, sizeof m, "%lld", (long long)museum);
    if (vt_sh(&out, "%s user add --db '%s' '%s' 'Test %s' %s %s", vt_bin(), db, email, role,
              role, m) != 0)
        fail_msg("vcm user add: %s", out);
    long long id = 0;
    assert_int_equal(sscanf(out, "user %lld added", &id), 1);
    free(out);
    return id;
}

static void add_token(int64_t user, char tok[VCM_TOKEN_HEX])
{
    vcm_store *s;
    char err[512], hash[VCM_TOKEN_HEX];
    assert_non_null(s = vcm_store_open(db, err, sizeof err));
    assert_int_equal(vcm_token_new(tok), 0);
    vcm_token_digest(tok, hash);
    int64_t id;
    assert_int_equal(vcm_token_add(s, user, "test", hash, "write", &id), 0);
    vcm_store_close(s);
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
    vt_demo_slice(db, sizeof db, dir, "themes", 3000);
    char *out = NULL;
    assert_int_equal(vt_db_sql(&out, db, "SELECT min(id) FROM museums"), 0);
    int64_t museum = atoll(out);
    free(out);
    add_token(editor_id = add_user("editor@example.org", "editor", 0), tok_editor);
    add_token(contrib_id = add_user("contrib@example.org", "contributor", museum), tok_contrib);
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

/* A request with a bearer token (NULL: none) and a JSON body (NULL: none). */
static struct vt_resp call(const char *method, const char *path, const char *token,
                           const char *json, const char *if_match)
{
    struct vt_resp r = {0};
    struct {
        char *buf;
        size_t len;
    } b = {NULL, 0};
    char url[600], auth[200], im[100];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    CURL *cu = curl_easy_init();
    curl_easy_setopt(cu, CURLOPT_URL, url);
    curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, vt_collect);
    curl_easy_setopt(cu, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(cu, CURLOPT_TIMEOUT, 120L);
    struct curl_slist *hl = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hl = curl_slist_append(hl, auth);
    }
    if (if_match) {
        snprintf(im, sizeof im, "If-Match: %s", if_match);
        hl = curl_slist_append(hl, im);
    }
    if (json) {
        hl = curl_slist_append(hl, "Content-Type: application/json");
        curl_easy_setopt(cu, CURLOPT_POSTFIELDS, json);
    }
    if (hl)
        curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hl);
    if (curl_easy_perform(cu) != CURLE_OK)
        fail_msg("%s %s failed", method, url);
    curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hl);
    curl_easy_cleanup(cu);
    r.body = b.buf ? b.buf : strdup("");
    r.len = b.len;
    return r;
}

static json_t *json_of(struct vt_resp *r, long want, const char *what)
{
    if (r->status != want)
        fail_msg("%s: status %ld, wanted %ld: %.300s", what, r->status, want, r->body);
    json_error_t e;
    json_t *j = json_loadb(r->body, r->len, 0, &e);
    if (!j)
        fail_msg("%s: not JSON: %s", what, e.text);
    vt_resp_free(r);
    return j;
}

static int64_t total(const char *path)
{
    struct vt_resp r = vt_get(&srv, path);
    json_t *j = json_of(&r, 200, path);
    int64_t t = json_integer_value(json_object_get(j, "total"));
    json_decref(j);
    return t;
}

/* ---- the definition, pure ------------------------------------------------------ */

static void test_parse_check(void **state)
{
    (void)state;
    vcm_arena a;
    vcm_arena_init(&a, 1 << 20);
    vcm_theme t;
    const char *f = NULL, *k = NULL;
    const char *good = "{\"slug\": \"jade\", \"titles\": {\"en\": \"Jade\", \"ko\": \"옥\"}, "
                       "\"intros\": {\"en\": \"Stone.\"}, \"rule\": {\"words\": [\"Jade\"], "
                       "\"origins\": [\"CN\", \"east-asia\"]}, \"add\": [12, \"src-1\"]}";
    assert_int_equal(vcm_theme_parse(&a, good, strlen(good), &t, &f, &k), 0);
    assert_int_equal(vcm_theme_check(&t, &f, &k), 0);
    assert_int_equal(t.ntexts, 2);
    assert_int_equal(t.nadd, 2);
    assert_int_equal(t.add[0].object_id, 12);
    assert_string_equal(t.add[1].source_id, "src-1");
    /* the stored rule folds words and reads back */
    const char *rule = vcm_theme_rule_json(&a, &t.rule);
    assert_non_null(rule);
    assert_contains(rule, "\"jade\"");
    static const struct {
        const char *json, *field;
    } bad[] = {
        {"{\"slug\": \"Silk Road\", \"titles\": {\"en\": \"x\"}}", "slug"},
        {"{\"slug\": \"-x\", \"titles\": {\"en\": \"x\"}}", "slug"},
        {"{\"slug\": \"x\", \"titles\": {\"fr\": \"x\"}}", "titles"},
        {"{\"slug\": \"x\", \"titles\": {\"en\": \"\"}}", "titles"},
        {"{\"slug\": \"x\", \"titles\": {\"en\": \"x\"}, \"rule\": {\"origins\": [\"asia\"]}}",
         "rule.origins"},
        {"{\"slug\": \"x\", \"titles\": {\"en\": \"x\"}, \"rule\": {\"words\": [\"a\"]}}",
         "rule.words"},
        {"{\"slug\": \"x\", \"titles\": {\"en\": \"x\"}, \"rule\": {\"colour\": 1}}", "rule"},
        {"{\"slug\": \"x\", \"titles\": {\"en\": \"x\"}, \"add\": [0]}", "add"},
        {"{\"slug\": \"x\", \"titles\": {\"en\": \"x\"}, \"extra\": 1}", "json"},
        {"[1]", "json"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        f = NULL;
        int rc = vcm_theme_parse(&a, bad[i].json, strlen(bad[i].json), &t, &f, &k);
        if (rc == 0)
            rc = vcm_theme_check(&t, &f, &k);
        if (rc != -1 || !f || strcmp(f, bad[i].field) != 0)
            fail_msg("%s: rc %d field %s, wanted %s", bad[i].json, rc, f ? f : "(none)",
                     bad[i].field);
        assert_non_null(k);
    }
    vcm_arena_release(&a);
}

/* ---- the API, with who may write, and the history ------------------------------ */

static const char *bowls = "{\"slug\": \"bowls\", \"titles\": {\"en\": \"Bowls\", \"ja\": "
                           "\"鉢\"}, \"intros\": {\"en\": \"Bowls of every kind.\"}, "
                           "\"rule\": {\"words\": [\"bowl\"]}}";

static void test_api_write(void **state)
{
    (void)state;
    /* no token, no session: no CSRF token either */
    struct vt_resp r = call("POST", "/api/v1/themes", NULL, bowls, NULL);
    assert_int_equal(r.status, 403);
    vt_resp_free(&r);
    r = call("POST", "/api/v1/themes", tok_contrib, bowls, NULL);
    assert_int_equal(r.status, 403);
    vt_resp_free(&r);
    r = call("POST", "/api/v1/themes", tok_editor, bowls, NULL);
    json_t *j = json_of(&r, 201, "create");
    int64_t count = json_integer_value(json_object_get(j, "count"));
    int64_t updated = json_integer_value(json_object_get(j, "updated"));
    assert_true(count > 0);
    json_decref(j);
    /* the same slug again: a conflict */
    r = call("POST", "/api/v1/themes", tok_editor, bowls, NULL);
    assert_int_equal(r.status, 409);
    vt_resp_free(&r);
    /* an error names its field */
    r = call("POST", "/api/v1/themes", tok_editor,
             "{\"slug\": \"Bad Slug\", \"titles\": {\"en\": \"x\"}}", NULL);
    j = json_of(&r, 422, "bad slug");
    assert_non_null(json_object_get(json_object_get(j, "errors"), "slug"));
    json_decref(j);
    /* refined by hand: the first object removed */
    r = vt_get(&srv, "/api/v1/themes/bowls");
    j = json_of(&r, 200, "get");
    json_int_t first = json_integer_value(json_array_get(json_object_get(j, "objects"), 0));
    assert_true(first > 0);
    json_decref(j);
    char body[600], im[40];
    snprintf(body, sizeof body,
             "{\"titles\": {\"en\": \"Bowls\", \"ja\": \"鉢\"}, \"intros\": {\"en\": "
             "\"Bowls of every kind.\"}, \"rule\": {\"words\": [\"bowl\"]}, "
             "\"remove\": [%lld]}",
             (long long)first);
    snprintf(im, sizeof im, "\"%lld\"", (long long)updated);
    r = call("PUT", "/api/v1/themes/bowls", tok_contrib, body, im);
    assert_int_equal(r.status, 403);
    vt_resp_free(&r);
    r = call("PUT", "/api/v1/themes/bowls", tok_editor, body, im);
    j = json_of(&r, 200, "put");
    assert_int_equal(json_integer_value(json_object_get(j, "count")), count - 1);
    json_decref(j);
    /* the same If-Match again is stale now */
    r = call("PUT", "/api/v1/themes/bowls", tok_editor, body, im);
    assert_int_equal(r.status, 412);
    vt_resp_free(&r);
    /* the history: who, what */
    r = vt_get(&srv, "/api/v1/themes/bowls/history");
    assert_int_equal(r.status, 401);
    vt_resp_free(&r);
    r = call("GET", "/api/v1/themes/bowls/history", tok_editor, NULL, NULL);
    j = json_of(&r, 200, "history");
    json_t *h = json_object_get(j, "history");
    assert_int_equal(json_array_size(h), 2);
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 0), "action")),
                        "create");
    assert_string_equal(json_string_value(json_object_get(json_array_get(h, 1), "actor")),
                        "editor@example.org");
    assert_contains(json_string_value(json_object_get(json_array_get(h, 1), "detail")), "picks");
    assert_not_contains(json_string_value(json_object_get(json_array_get(h, 1), "detail")),
                        "rule");
    json_decref(j);
    /* an object id that names no object is refused beside "add"; a source id
     * that names none here is left out */
    r = call("POST", "/api/v1/themes", tok_editor,
             "{\"slug\": \"picks\", \"titles\": {\"en\": \"P\"}, \"add\": [999999999]}",
             NULL);
    j = json_of(&r, 422, "missing object");
    assert_non_null(json_object_get(json_object_get(j, "errors"), "add"));
    json_decref(j);
    snprintf(body, sizeof body,
             "{\"slug\": \"picks\", \"titles\": {\"en\": \"P\"}, \"add\": [%lld, "
             "\"no-such-source-id\"]}",
             (long long)first);
    r = call("POST", "/api/v1/themes", tok_editor, body, NULL);
    j = json_of(&r, 201, "picks");
    assert_int_equal(json_integer_value(json_object_get(j, "count")), 1);
    assert_int_equal(json_array_size(json_object_get(j, "add")), 1);
    json_decref(j);
    /* the public pages */
    r = vt_get(&srv, "/themes");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "href=\"/themes/bowls\"");
    vt_resp_free(&r);
    r = vt_get(&srv, "/themes/bowls");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "Bowls of every kind.");
    assert_contains(r.body, "href=\"/browse?theme=bowls\"");
    vt_resp_free(&r);
    r = vt_get(&srv, "/themes/nothing-here");
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    /* the editors' form is theirs only */
    r = vt_get(&srv, "/themes/bowls/edit");
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
}

/* ---- the editors' forms: CSRF, errors beside their fields, history ----------- */

/* A signed-in session of user id, made in the store: its cookie header and
 * the CSRF token its forms carry. */
static void session_of(int64_t id, char cookie[128], char csrf[VCM_TOKEN_HEX])
{
    vcm_store *s;
    char err[512], tok[VCM_TOKEN_HEX], hash[VCM_TOKEN_HEX];
    assert_non_null(s = vcm_store_open(db, err, sizeof err));
    assert_int_equal(vcm_token_new(tok), 0);
    assert_int_equal(vcm_token_new(csrf), 0);
    vcm_token_digest(tok, hash);
    int64_t now = (int64_t)time(NULL);
    vcm_session ss = {.hash = hash, .csrf = csrf, .created = now, .last_seen = now,
                      .expires = now + 3600, .address = "127.0.0.1", .user = {.id = id}};
    assert_int_equal(vcm_session_add(s, &ss), 0);
    vcm_store_close(s);
    snprintf(cookie, 128, "Cookie: vcm_session=%s", tok);
}

static struct vt_resp form(const char *path, const char *cookie, const char *body)
{
    char url[600];
    snprintf(url, sizeof url, "%s%s", srv.base, path);
    return vt_http("POST", url, body, cookie);
}

static void test_forms(void **state)
{
    (void)state;
    char cookie[128], csrf[VCM_TOKEN_HEX], body[1400], url[600];
    session_of(editor_id, cookie, csrf);
    snprintf(url, sizeof url, "%s/themes/new", srv.base);
    struct vt_resp r = vt_http("GET", url, NULL, cookie);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, csrf);
    assert_contains(r.body, "name=\"slug\"");
    vt_resp_free(&r);
    /* without the CSRF token: refused, nothing written */
    r = form("/themes", cookie, "slug=ceramics&lang0=en&title0=Ceramics&words=bowl");
    assert_int_equal(r.status, 403);
    vt_resp_free(&r);
    r = vt_get(&srv, "/themes/ceramics");
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
    /* errors stand beside their fields, the values sent kept */
    snprintf(body, sizeof body,
             "csrf=%s&slug=Not+A+Slug&lang0=en&title0=Ceramics&words=bowl", csrf);
    r = form("/themes", cookie, body);
    assert_int_equal(r.status, 422);
    assert_contains(r.body, "for=\"th-slug\">");
    const char *label = strstr(r.body, "for=\"th-slug\">");
    const char *err = strstr(r.body, "field-error");
    assert_non_null(label);
    assert_non_null(err);
    assert_true(err > label && err - label < 200); /* inside the slug's label */
    assert_contains(r.body, "value=\"Not A Slug\"");
    vt_resp_free(&r);
    snprintf(body, sizeof body,
             "csrf=%s&slug=ceramics&lang0=en&title0=Ceramics&origins=Persia&words=bowl", csrf);
    r = form("/themes", cookie, body);
    assert_int_equal(r.status, 422);
    label = strstr(r.body, "for=\"th-origins\">");
    assert_non_null(label);
    assert_non_null(strstr(label, "field-error"));
    assert_true(strstr(label, "field-error") - label < 200);
    vt_resp_free(&r);
    /* a good form: stored, then shown */
    snprintf(body, sizeof body,
             "csrf=%s&slug=ceramics&pos=3&lang0=en&title0=Ceramics&intro0=Fired+clay.&lang1=ko"
             "&title1=%%EB%%8F%%84%%EC%%9E%%90%%EA%%B8%%B0&intro1=&words=bowl%%0Ajar",
             csrf);
    r = form("/themes", cookie, body);
    assert_int_equal(r.status, 303);
    assert_contains(r.headers, "/themes/ceramics");
    vt_resp_free(&r);
    r = vt_get(&srv, "/themes/ceramics?lang=ko");
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
    r = vt_get(&srv, "/api/v1/themes/ceramics");
    json_t *j = json_of(&r, 200, "ceramics");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "titles"), "ko")),
                        "도자기");
    assert_int_equal(json_array_size(json_object_get(json_object_get(j, "rule"), "words")), 2);
    int64_t updated = json_integer_value(json_object_get(j, "updated"));
    json_decref(j);
    /* an edit on a stale form is refused; a fresh one is kept, with its history */
    snprintf(body, sizeof body, "csrf=%s&updated=%lld&lang0=en&title0=Pottery&words=bowl", csrf,
             (long long)updated - 1);
    r = form("/themes/ceramics", cookie, body);
    assert_int_equal(r.status, 409);
    vt_resp_free(&r);
    snprintf(body, sizeof body, "csrf=%s&updated=%lld&lang0=en&title0=Pottery&words=bowl", csrf,
             (long long)updated);
    r = form("/themes/ceramics", cookie, body);
    assert_int_equal(r.status, 303);
    vt_resp_free(&r);
    snprintf(url, sizeof url, "%s/themes/ceramics/edit", srv.base);
    r = vt_http("GET", url, NULL, cookie);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "editor@example.org · change: rule, pos, titles");
    assert_contains(r.body, "· create");
    vt_resp_free(&r);
    /* a contributor may not */
    session_of(contrib_id, cookie, csrf);
    r = vt_http("GET", url, NULL, cookie);
    assert_int_equal(r.status, 403);
    vt_resp_free(&r);
    snprintf(body, sizeof body, "csrf=%s&lang0=en&title0=Mine", csrf);
    r = form("/themes/ceramics", cookie, body);
    assert_int_equal(r.status, 403);
    vt_resp_free(&r);
}

/* ---- the filter: browse, the object list and the search agree ----------------- */

static void test_filter(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&srv, "/api/v1/themes/bowls");
    json_t *j = json_of(&r, 200, "get");
    int64_t count = json_integer_value(json_object_get(j, "count"));
    json_decref(j);
    assert_true(count > 0);
    int64_t all = total("/api/v1/objects?limit=1");
    int64_t store = total("/api/v1/objects?theme=bowls&limit=1");
    int64_t search = total("/api/v1/search?theme=bowls&limit=1");
    assert_true(count < all);
    assert_int_equal(store, count);
    assert_int_equal(search, count);
    /* narrowed further, both still agree; a theme that does not exist holds nothing */
    assert_int_equal(total("/api/v1/objects?theme=bowls&image=no&limit=1"),
                     total("/api/v1/search?theme=bowls&image=no&limit=1"));
    assert_int_equal(total("/api/v1/objects?theme=no-such&limit=1"), 0);
    assert_int_equal(total("/api/v1/search?theme=no-such&limit=1"), 0);
    r = vt_get(&srv, "/api/v1/search?theme=Not%20A%20Slug");
    assert_int_equal(r.status, 400);
    vt_resp_free(&r);
    /* facets count inside the theme */
    r = vt_get(&srv, "/api/v1/search?theme=bowls&limit=1");
    j = json_of(&r, 200, "facets");
    json_t *museums = json_object_get(json_object_get(j, "facets"), "museum");
    int64_t sum = 0;
    size_t i;
    json_t *it;
    json_array_foreach(museums, i, it)
        sum += json_integer_value(json_object_get(it, "count"));
    assert_int_equal(sum, count);
    json_decref(j);
    /* browse shows the theme's count; its facets' links keep the theme, and
     * a chip names it by its title */
    r = vt_get(&srv, "/browse?theme=bowls");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "&amp;theme=bowls\"");
    assert_contains(r.body, "Theme: Bowls");
    vt_resp_free(&r);
    r = vt_get(&srv, "/search?q=bowl&theme=bowls");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "&amp;theme=bowls\"");
    assert_contains(r.body, "name=\"theme\" value=\"bowls\"");
    vt_resp_free(&r);
    r = vt_get(&srv, "/browse?theme=bowls");
    char want[80];
    /* the count as a plural message: "3 objects", "1 object" */
    snprintf(want, sizeof want, "<strong>%lld object", (long long)count);
    if (count < 1000)
        assert_contains(r.body, want);
    vt_resp_free(&r);
}

/* ---- the Silk Road rule on the slice -------------------------------------------- */

static void test_silk_road(void **state)
{
    (void)state;
    char *out = NULL;
    if (vt_sh(&out, "%s themes load --db '%s' data/themes/silk-road.json", vt_bin(), db) != 0)
        fail_msg("vcm themes load: %s", out);
    assert_contains(out, "theme silk-road:");
    free(out);
    int64_t count = total("/api/v1/objects?theme=silk-road&limit=1");
    assert_true(count > 0);
    /* every published object made in Iran or Central Asia is in it, and
     * nothing made in Europe whose texts do not name the route */
    assert_int_equal(vt_db_sql(&out, db,
                               "SELECT count(*) FROM objects o JOIN object_origins g ON "
                               "g.object_id = o.id WHERE o.status = 'published' AND (g.country "
                               "= 'IR' OR g.region = 'central-asia') AND o.id NOT IN (SELECT "
                               "object_id FROM theme_objects)"),
                     0);
    assert_int_equal(atoll(out), 0);
    free(out);
    assert_int_equal(vt_db_sql(&out, db,
                               "SELECT count(*) FROM theme_objects t JOIN object_origins g ON "
                               "g.object_id = t.object_id WHERE g.region = 'europe'"),
                     0);
    assert_int_equal(atoll(out), 0);
    free(out);
    /* the page states the rule */
    struct vt_resp r = vt_get(&srv, "/themes/silk-road");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "sogdian");
    assert_contains(r.body, "Central Asia"); /* its region by name */
    vt_resp_free(&r);
    /* an object in it links to the theme, and to its place's page */
    char *idtxt = NULL;
    assert_int_equal(vt_db_sql(&idtxt, db,
                               "SELECT t.object_id FROM theme_objects t JOIN themes h ON h.id = "
                               "t.theme_id JOIN object_origins g ON g.object_id = t.object_id "
                               "WHERE h.slug = 'silk-road' AND g.culture LIKE 'place:%' ORDER BY "
                               "t.object_id LIMIT 1"),
                     0);
    char path[900];
    snprintf(path, sizeof path, "/objects/%lld", atoll(idtxt));
    free(idtxt);
    r = vt_get(&srv, path);
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "href=\"/themes/silk-road\"");
    assert_contains(r.body, "href=\"/places/");
    vt_resp_free(&r);
    /* a file with an error is refused with its path and field, and nothing stored */
    snprintf(path, sizeof path, "%s/bad.json", dir);
    vt_write_file(path, "{\"slug\": \"bad\", \"titles\": {\"en\": \"x\"}, \"rule\": "
                        "{\"origins\": [\"Persia\"]}}");
    assert_int_equal(vt_sh(&out, "%s themes load --db '%s' '%s' 2>&1", vt_bin(), db, path), 1);
    assert_contains(out, "bad.json: rule.origins");
    free(out);
    r = vt_get(&srv, "/themes/bad");
    assert_int_equal(r.status, 404);
    vt_resp_free(&r);
}

/* ---- entity pages and the timeline --------------------------------------------- */

static void test_entities_timeline(void **state)
{
    (void)state;
    struct vt_resp r = vt_get(&srv, "/materials/porcelain");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "자기"); /* its names in other scripts */
    assert_contains(r.body, "href=\"/browse?material=porcelain\"");
    vt_resp_free(&r);
    /* as many as browse counts with the same material */
    int64_t n = total("/api/v1/objects?material=porcelain&limit=1");
    assert_true(n > 24);
    r = vt_get(&srv, "/materials/porcelain?page=2");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "rel=\"prev\"");
    vt_resp_free(&r);
    static const char *const missing[] = {"/materials/nope", "/places/nope", "/periods/nope",
                                          "/people/nope"};
    for (size_t i = 0; i < 4; i++) {
        r = vt_get(&srv, missing[i]);
        assert_int_equal(r.status, 404);
        vt_resp_free(&r);
    }
    r = vt_get(&srv, "/periods/ming");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "明");
    vt_resp_free(&r);
    r = vt_get(&srv, "/places/china");
    assert_int_equal(r.status, 200);
    vt_resp_free(&r);
    /* the timeline: in order of the start year */
    r = vt_get(&srv, "/timeline");
    assert_int_equal(r.status, 200);
    const char *p = r.body;
    long last = -100000;
    int seen = 0;
    while ((p = strstr(p, "<span class=\"year\">"))) {
        p += strlen("<span class=\"year\">");
        long y = strtol(p, NULL, 10);
        /* English years before the era as CLDR writes them: "200 BC" */
        if (strstr(p, " BC<") == strchr(p, '<') - 3)
            y = -y;
        assert_true(y >= last);
        last = y;
        seen++;
    }
    vt_resp_free(&r);
    char *out = NULL;
    assert_int_equal(vt_db_sql(&out, db,
                               "SELECT count(*) FROM entries e JOIN objects o ON o.id = "
                               "e.object_id WHERE e.live_version > 0 AND o.date_start IS NOT "
                               "NULL AND o.status = 'published'"),
                     0);
    assert_int_equal(seen, atoll(out));
    free(out);
}

/* ---- the map ------------------------------------------------------------------- */

static void test_map(void **state)
{
    (void)state;
    /* a museum placed at 35.0 N, 139.5 E: x = 3195, y = 550 */
    char *out = NULL;
    assert_int_equal(vt_db_sql(&out, db, "SELECT min(id) FROM museums"), 0);
    long long museum = atoll(out);
    free(out);
    if (vt_sh(&out, "%s museum set --db '%s' %lld --lat 35.0 --lon 139.5", vt_bin(), db,
              museum) != 0)
        fail_msg("vcm museum set: %s", out);
    free(out);
    struct vt_resp r = vt_get(&srv, "/map");
    assert_int_equal(r.status, 200);
    const char *a = strstr(r.body, "<svg"), *b = strstr(r.body, "</svg>");
    assert_non_null(a);
    assert_non_null(b);
    /* the drawing is well-formed XML, in the SVG namespace */
    char err[512];
    vcm_xml *x = vcm_xml_open_memory(a, (size_t)(b + 6 - a), "map.svg", NULL, err, sizeof err);
    assert_non_null(x);
    xmlNode *n;
    long line;
    int points = 0, shaded = 0, paths = 0, rc;
    while ((rc = vcm_xml_next(x, "http://www.w3.org/2000/svg", "circle", &n, &line, err,
                              sizeof err)) == 1) {
        xmlChar *cx = xmlGetProp(n, (const xmlChar *)"cx"), *cy = xmlGetProp(n, (const xmlChar *)"cy");
        if (cx && cy && strcmp((char *)cx, "3195") == 0 && strcmp((char *)cy, "550") == 0)
            points++;
        xmlFree(cx);
        xmlFree(cy);
    }
    if (rc < 0)
        fail_msg("the map is not well-formed: %s", err);
    vcm_xml_close(x);
    assert_int_equal(points, 1);
    x = vcm_xml_open_memory(a, (size_t)(b + 6 - a), "map.svg", NULL, err, sizeof err);
    assert_non_null(x);
    while ((rc = vcm_xml_next(x, "http://www.w3.org/2000/svg", "path", &n, &line, err,
                              sizeof err)) == 1) {
        xmlChar *fill = xmlGetProp(n, (const xmlChar *)"fill");
        char *title = n->children ? vcm_xml_text(n->children) : NULL;
        paths++;
        /* China, where many of the slice's works come from, is shaded and
         * says how many */
        if (fill && strcmp((char *)fill, "#ebe7df") != 0 && title && strstr(title, "China: "))
            shaded++;
        xmlFree(fill);
        free(title);
    }
    assert_true(rc == 0);
    vcm_xml_close(x);
    assert_true(paths > 150);
    assert_int_equal(shaded, 1);
    /* the same figures as a list: China's count as the API has it */
    int64_t cn = total("/api/v1/objects?origin=CN&limit=1");
    char want[120];
    snprintf(want, sizeof want, "href=\"/browse?origin=CN\">");
    assert_contains(r.body, want);
    const char *row = strstr(r.body, want);
    char num[40];
    snprintf(num, sizeof num, "<td>%lld</td>", (long long)cn);
    if (cn >= 1000)
        snprintf(num, sizeof num, "<td>%lld,%03lld</td>", (long long)cn / 1000,
                 (long long)cn % 1000);
    assert_non_null(strstr(row, num));
    assert_true(strstr(row, num) - row < 200);
    vt_resp_free(&r);
}

/* ---- the pages in another language --------------------------------------------- */

static void test_languages(void **state)
{
    (void)state;
    /* a /ko/ page speaks Korean and its links stay in /ko/ */
    struct vt_resp r = vt_get(&srv, "/ko/themes");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<h1>테마</h1>");
    assert_contains(r.body, "href=\"/ko/themes/silk-road\"");
    assert_contains(r.body, "소장품 ");
    vt_resp_free(&r);
    r = vt_get(&srv, "/ko/themes/silk-road");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "href=\"/ko/browse?theme=silk-road\"");
    assert_contains(r.body, "href=\"/ko/search?theme=silk-road\"");
    assert_contains(r.body, "href=\"/ko/objects/");
    assert_contains(r.body, "dir=\"auto\"");
    /* the rule's origins by their names in Korean, not their codes */
    assert_contains(r.body, "이란");
    assert_null(strstr(r.body, ", IR,"));
    assert_null(strstr(r.body, "central-asia,"));
    /* and its places by the thesaurus's names */
    assert_null(strstr(r.body, "place:dunhuang"));
    vt_resp_free(&r);
    r = vt_get(&srv, "/ko/timeline");
    assert_int_equal(r.status, 200);
    /* the count as the Korean plural message; centuries from century.ce */
    assert_contains(r.body, " (연대 있음)</strong>");
    if (strstr(r.body, "<span class=\"year\">")) {
        assert_contains(r.body, "세기</h2>");
        assert_contains(r.body, "href=\"/ko/objects/");
    }
    assert_null(strstr(r.body, "th century"));
    vt_resp_free(&r);
    r = vt_get(&srv, "/ko/map");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "href=\"/ko/browse?origin=CN\"");
    assert_contains(r.body, "10,000 이상");
    assert_contains(r.body, "href=\"/ko/museums/");
    vt_resp_free(&r);
    /* French: counts are plural messages, numbers grouped the French way */
    r = vt_get(&srv, "/fr/materials/porcelain");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "href=\"/fr/browse?material=porcelain\"");
    assert_contains(r.body, " objets</strong>");
    vt_resp_free(&r);
    /* in Urdu the pager's arrows turn round with the page (class back/fwd),
     * its numbers stay left to right (num), and it stays in /ur/ */
    r = vt_get(&srv, "/ur/materials/porcelain?page=2");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "<span class=\"back\" aria-hidden=\"true\">←</span>");
    assert_contains(r.body, "<span class=\"num\">2 / ");
    assert_contains(r.body, "href=\"/ur/materials/porcelain?page=1\"");
    vt_resp_free(&r);
    r = vt_get(&srv, "/fr/map");
    assert_int_equal(r.status, 200);
    assert_contains(r.body, "10\u202f000 ou plus");
    vt_resp_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_check),
        cmocka_unit_test(test_api_write),
        cmocka_unit_test(test_forms),
        cmocka_unit_test(test_filter),
        cmocka_unit_test(test_silk_road),
        cmocka_unit_test(test_entities_timeline),
        cmocka_unit_test(test_map),
        cmocka_unit_test(test_languages),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
